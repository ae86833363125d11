"""Signing in: the form is Django's; where it lands depends on what the person does here.

Beside the password form, the sign-in page offers the providers switched on
(GitHub, an OpenID Connect provider: settings.PMC_SIGNIN_PROVIDERS), through
django-allauth; PASSWORD_SIGNIN=false leaves only them.
"""

from functools import wraps
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from .. import permissions


def landing_url(user) -> str:
    """Where a person starts: a lead on My sections, the chair of one committee on its page, others at home.

    The chair of several committees starts on My sections too: it lists the
    drafts of every committee they chair.
    """
    if permissions.leads_any_team(user):
        return reverse("meetings:my_sections")
    chaired = list(permissions.chaired_committees(user).order_by("pk")[:2])
    if len(chaired) == 1:
        return chaired[0].get_absolute_url()
    return reverse("meetings:my_sections" if chaired else "meetings:home")


def signin_providers(request) -> list[dict]:
    """The providers one may sign in with here: name and the URL a sign-in form posts to, GitHub first."""
    providers = sorted(get_adapter().list_providers(request), key=lambda provider: provider.id != "github")
    return [{"name": provider.name, "url": provider.get_login_url(request)} for provider in providers]


def provider_origins() -> list[str]:
    """The sites a sign-in form here sends the browser on to: GitHub's (or GitHub Enterprise's), the OIDC issuer's."""
    providers = settings.SOCIALACCOUNT_PROVIDERS
    urls = [providers["github"].get("GITHUB_URL") or "https://github.com"] if providers["github"].get("APPS") else []
    urls += [app["settings"]["server_url"] for app in providers["openid_connect"].get("APPS", [])]
    return sorted({f"{part.scheme}://{part.netloc}" for part in map(urlsplit, urls) if part.scheme and part.netloc})


def allows_provider_redirects(view):
    """The page's sign-in buttons may lead on to the providers: browsers apply form-action to the redirect too."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if origins := provider_origins():
            response._csp_update = {"form-action": origins}
        return response

    return wrapped


def password_signin_only(view):
    """The view exists only while password sign-in is on (PASSWORD_SIGNIN); else 404."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PMC_PASSWORD_SIGNIN:
            raise Http404("Password sign-in is switched off on this site.")
        return view(request, *args, **kwargs)

    return wrapped


def admin_login(request, **kwargs):
    """The admin's own password form while password sign-in is on; else the site's sign-in page, with its providers.

    A POST is sent there too and checks no password: staff sign in as everyone
    does, through the provider (and its MFA), and the admin lets them in after.
    """
    if settings.PMC_PASSWORD_SIGNIN:
        return admin.site.login(request, **kwargs)
    if request.user.is_authenticated:
        # Signed in already: another sign-in would not make a non-staff account staff.
        if not admin.site.has_permission(request):
            raise PermissionDenied
        return redirect("admin:index")
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


@method_decorator(allows_provider_redirects, name="dispatch")
class SignInView(LoginView):
    """Django's sign-in; a safe `next` still wins (LoginView checks it against the site's host)."""

    def get_default_redirect_url(self):
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, providers=signin_providers(self.request), password_signin=settings.PMC_PASSWORD_SIGNIN
        )

    def post(self, request, *args, **kwargs):
        if not settings.PMC_PASSWORD_SIGNIN:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, "Password sign-in is switched off on this site: sign in with a provider below.")
            return self.render_to_response(self.get_context_data(form=form), status=403)
        return super().post(request, *args, **kwargs)
