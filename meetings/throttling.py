"""The client address that sign-in throttling (django-axes) counts failures against."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The peer's address, or behind the proxy (BEHIND_PROXY=1) the one the proxy added.

    Only the last X-Forwarded-For entry is written by our proxy; earlier ones
    come from the client and could be made up to dodge the lockout.
    """
    if settings.SECURE_PROXY_SSL_HEADER:  # set exactly when BEHIND_PROXY is on
        added_by_proxy = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if added_by_proxy:
            return added_by_proxy
    return request.META.get("REMOTE_ADDR", "")
