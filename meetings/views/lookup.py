"""Fetching the objects a URL names, with the visibility rules applied.

A lookup that is not allowed raises: `Http404` for what the user may not even
know exists (a draft), `PermissionDenied` for the rest. `allowed` is one of
the `permissions.can_*` sentences, asked with the user and the object found.
Anonymous visitors refused are sent to sign in by `permission_denied`, the
site's 403 handler.
"""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import defaults

from .. import permissions
from ..models import AgendaItem, BacklogReport, Committee, ItemKind, Meeting

Allowed = Callable[..., bool]


def check(allowed: bool) -> None:
    """Refuse (403, or sign-in for anonymous visitors) unless allowed."""
    if not allowed:
        raise PermissionDenied


def get_committee(slug: str, request=None, *, allowed: Allowed | None = None) -> Committee:
    committee = get_object_or_404(Committee, slug=slug)
    if allowed is not None:
        check(allowed(request.user, committee))
    return committee


def get_meeting(request, committee: str, date, *, allowed: Allowed | None = None) -> Meeting:
    """The meeting at that URL; a draft is a 404 to whoever may not see it."""
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), committee__slug=committee, date=date)
    if not permissions.can_view_meeting(request.user, meeting):
        raise Http404("No such meeting.")
    if allowed is not None:
        check(allowed(request.user, meeting))
    return meeting


def get_report(request, committee: str, date, team: str, *, allowed: Allowed | None = None) -> BacklogReport:
    meeting = get_meeting(request, committee, date)
    report = get_object_or_404(BacklogReport.objects.select_related("team"), meeting=meeting, team__slug=team)
    report.meeting = meeting  # already read, with its committee: not read again
    if allowed is not None:
        check(allowed(request.user, report))
    return report


def get_written_section(request, committee: str, date, item: int, *, allowed: Allowed) -> AgendaItem:
    """A chair's section whose text the minutes write, for a line added to it (an action, a decision).

    Not the agenda list, nor a bullet of it with no section, nor the open action items (the site's live list).
    """
    meeting = get_meeting(request, committee, date)
    written = AgendaItem.objects.filter(level__gt=0).exclude(kind__in=[ItemKind.AGENDA, ItemKind.ACTIONS])
    section = get_object_or_404(written.select_related("meeting__committee"), meeting=meeting, pk=item)
    check(allowed(request.user, section))
    return section


def permission_denied(request, exception=None):
    """The site's 403 handler: sign-in for anonymous visitors, the 403 page for the others."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return defaults.permission_denied(request, exception)
