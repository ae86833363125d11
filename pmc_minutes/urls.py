"""Root URLs: sign-in and password reset, the admin back office, and the app (which owns `/`)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.functional import lazy

import meetings.urls  # noqa: F401 (registers the converters, isodate, that the API's paths use too)
from meetings.api import endpoints as api
from meetings.sitemaps import SITEMAPS
from meetings.throttling import throttle_password_resets
from meetings.views import signin
from meetings.views.accounts import SignInView, admin_login, password_signin_only
from meetings.views.media import serve_media

# Read when an e-mail is written, not when this module is imported.
_site_url = lazy(lambda: settings.PMC_SITE_URL, str)

urlpatterns = [
    # Before the rest of django.contrib.auth's: throttled, and with links to the site's own address
    # (PMC_SITE_URL), not to whatever Host the request came with.
    path(
        "accounts/password_reset/",
        password_signin_only(
            throttle_password_resets(
                auth_views.PasswordResetView.as_view(extra_email_context={"site_url": _site_url()})
            )
        ),
        name="password_reset",
    ),
    # The rest of password reset and change: gone with password sign-in (PASSWORD_SIGNIN=false).
    path(
        "accounts/password_reset/done/",
        password_signin_only(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        password_signin_only(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password_change/",
        password_signin_only(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        password_signin_only(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "accounts/reset/done/",
        password_signin_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    # Before django.contrib.auth's too: the same form, landing each person where their work is.
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Sign-in with GitHub and OpenID Connect: allauth's provider views and their error pages only.
    # Not allauth's accounts (its sign-up, e-mail and password pages): the site has its own.
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("accounts/github/login/", signin.github_login, name="github_login"),
    path("accounts/github/login/callback/", signin.github_callback, name="github_callback"),
    # The provider's id as a slug: any other text (a NUL byte, a slash) is no provider, a 404 before any lookup.
    path("accounts/oidc/<slug:provider_id>/login/", signin.oidc_login, name="openid_connect_login"),
    path("accounts/oidc/<slug:provider_id>/login/callback/", signin.oidc_callback, name="openid_connect_callback"),
    # The names allauth's pages and redirects use for the site's own sign-in and sign-out.
    path("accounts/login/", SignInView.as_view(), name="account_login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="account_logout"),
    # The admin's password pages go with password sign-in too; its sign-in then sends to the site's.
    path("admin/login/", admin_login),
    path("admin/password_change/", password_signin_only(admin.site.admin_view(admin.site.password_change))),
    path("admin/password_change/done/", password_signin_only(admin.site.admin_view(admin.site.password_change_done))),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    # Uploaded pictures, served safely by the app itself (also in production).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
    # The JSON API, versioned in its address; any other /api/ address answers as the API does (a problem).
    path("api/v1/", api.urls()),
    # [\s\S], not ".": a newline in the address is one more character here, not a way around the API's 404.
    re_path(r"^api/(?P<rest>[\s\S]*)$", api.not_found),
    path("", include("meetings.urls")),
]

# A refusal sends anonymous visitors to sign in; signed-in users get the 403 page.
handler403 = "meetings.views.lookup.permission_denied"
