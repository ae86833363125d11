"""System checks of the app's own settings, run by `manage.py check` (`--deploy` for production's)."""

import os
from pathlib import Path
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


@register(Tags.security, deploy=True)
def check_git_mirror(app_configs, **kwargs) -> list[Warning]:
    """The git mirror's working copies: in a folder of the site's data it may write, pushed over the network."""
    warnings = []
    root = Path(settings.PMC_GIT_MIRROR_ROOT)
    if Path(os.path.realpath(root)).is_relative_to(os.path.realpath(settings.BASE_DIR)):
        warnings.append(
            Warning(
                f"PMC_GIT_MIRROR_ROOT ({root}) is inside the app's own folder: the git mirror's working copies "
                "would live beside the code, and go with it at the next deployment.",
                hint="Set PMC_GIT_MIRROR_ROOT to a folder of the site's data, e.g. /var/lib/pmc-minutes/git-mirrors.",
                id="meetings.W021",
            )
        )
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        warnings.append(
            Warning(
                f"The server may not write in {existing}: the git mirror cannot make its working copies "
                f"in {root}, and every sync would fail.",
                hint="Make PMC_GIT_MIRROR_ROOT a folder the app's user owns.",
                id="meetings.W022",
            )
        )
    if settings.PMC_GIT_MIRROR_LOCAL_REMOTES:
        warnings.append(
            Warning(
                "PMC_GIT_MIRROR_LOCAL_REMOTES is on: a chair may push the git mirror into any repository on the "
                "server's own disk, the app's own .git included.",
                hint="Unset PMC_GIT_MIRROR_LOCAL_REMOTES in production; remotes are then https:// or ssh only.",
                id="meetings.W023",
            )
        )
    return warnings
