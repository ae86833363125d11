"""Fetching the objects a URL names, with the visibility rules applied."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import BacklogReport, Committee, Meeting


def get_committee(slug: str) -> Committee:
    return get_object_or_404(Committee, slug=slug)


def get_meeting(request, committee: str, date) -> Meeting:
    """The meeting at that URL; a draft is a 404 to whoever may not see it."""
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), committee__slug=committee, date=date)
    if not permissions.can_view_meeting(request.user, meeting):
        raise Http404("No such meeting.")
    return meeting


def get_report(request, committee: str, date, team: str) -> BacklogReport:
    meeting = get_meeting(request, committee, date)
    return get_object_or_404(BacklogReport.objects.select_related("team"), meeting=meeting, team__slug=team)


def require(request, allowed: bool):
    """Refuse unless allowed: sign-in for anonymous users, 403 for the others."""
    if allowed:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied
