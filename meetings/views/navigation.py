"""Where a page sends you back to: a safe `next`, else the part of the page you came to change."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request) -> str:
    """The `next` of the form or the address when it is a page of this site; "" otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target.startswith("/") and allowed else ""


def go_back(request, default: str):
    """Redirect after a save: to the safe `next`, else to `default` (a page with the #anchor of what was saved)."""
    return redirect(safe_next(request) or default)
