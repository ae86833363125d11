"""System checks of the app's own settings, run by `manage.py check` (`--deploy` for production's)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 (a name compared, nothing bound)


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs) -> list[Warning]:
    """PMC_SITE_URL is where every e-mail links: in production it must name the site itself."""
    url = settings.PMC_SITE_URL
    if not url:
        problem = "PMC_SITE_URL is not set"
    elif urlsplit(url).hostname in LOCAL_HOSTS or urlsplit(url).scheme not in {"http", "https"}:
        problem = f"PMC_SITE_URL ({url}) is not the site's public address"
    else:
        return []
    return [
        Warning(
            f"{problem}: e-mails (reminders, invitations, publications) would carry no working link.",
            hint="Set PMC_SITE_URL to the site's address, e.g. https://minutes.example.org.",
            id="meetings.W001",
        )
    ]
