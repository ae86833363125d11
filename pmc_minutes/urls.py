"""Root URLs: sign-in, the admin back office, and the app (which owns `/`)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from meetings.sitemaps import SITEMAPS
from meetings.views.media import serve_media

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    # Uploaded pictures, served safely by the app itself (also in production).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
    path("", include("meetings.urls")),
]

# A refusal sends anonymous visitors to sign in; signed-in users get the 403 page.
handler403 = "meetings.views.lookup.permission_denied"
