"""The authentication backend that switches password sign-in off everywhere (PASSWORD_SIGNIN=false)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied


class PasswordSignInSwitch:
    """Refuses every password before any backend checks it while password sign-in is off.

    First in AUTHENTICATION_BACKENDS: Django's `authenticate()` stops at the
    PermissionDenied, so no form (the site's, the admin's, any mounted later)
    signs anyone in with a password. Provider sign-ins never authenticate a
    password and are untouched. It keeps no sessions (no `get_user`), so the
    sessions of the other backends stay valid.
    """

    def authenticate(self, request, **credentials):
        if "password" in credentials and not settings.PMC_PASSWORD_SIGNIN:
            raise PermissionDenied("Password sign-in is switched off on this site.")
        return None
