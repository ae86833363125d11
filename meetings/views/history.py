"""The history of a meeting's texts: revisions, their differences, old versions, restoring one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import permissions
from ..lib.diffing import diff_lines
from ..models import Revision
from ..services.editing import restore_revision
from .lookup import check, get_meeting, get_report


def meeting_history(request, committee, date):
    """Every revision of the meeting for those who work on it; the amendments for everyone else."""
    meeting = get_meeting(request, committee, date)
    full = permissions.can_view_history(request.user, meeting)
    revisions = meeting.revisions.select_related("author__profile", "report").with_current()
    if not full:
        if not meeting.is_published:
            raise PermissionDenied
        revisions = revisions.amendments()
    return render(
        request,
        "meetings/history.html",
        {
            "meeting": meeting,
            "revisions": revisions,
            "full": full,
            "subject": None,
            "show_reasons": meeting.revisions.exclude(reason="").exists(),
        },
    )


def report_history(request, committee, date, team):
    report = get_report(request, committee, date, team)
    check(permissions.can_view_history(request.user, report.meeting))
    return render(
        request,
        "meetings/history.html",
        {
            "meeting": report.meeting,
            "report": report,
            "revisions": report.revisions.select_related(
                "author__profile", "report", "meeting__committee"
            ).with_current(),
            "full": True,
            "subject": f"the {report.team_name} report",
        },
    )


def revision_detail(request, committee, date, revision):
    meeting = get_meeting(request, committee, date)
    revision = get_object_or_404(
        Revision.objects.select_related("author__profile", "report__team"), meeting=meeting, pk=revision
    )
    full = permissions.can_view_history(request.user, meeting)
    if not (revision.after_publication or full):
        raise PermissionDenied
    return render(
        request,
        "meetings/revision_detail.html",
        {
            "meeting": meeting,
            "revision": revision,
            "diff": diff_lines(revision.before, revision.after, context=None),
            "can_restore": permissions.can_restore(request.user, revision),
            "full": full,  # the committee's own: names people by handle where they gave no name
        },
    )


@require_POST  # no @login_required: to anonymous visitors a draft is a 404 first, then sign-in (lookup.py)
def revision_restore(request, committee, date, revision):
    meeting = get_meeting(request, committee, date)
    revision = get_object_or_404(Revision.objects.select_related("report__team"), meeting=meeting, pk=revision)
    check(permissions.can_restore(request.user, revision))
    try:
        restored = restore_revision(revision, by=request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(revision.get_absolute_url())
    if restored:
        messages.success(request, f"Restored {revision.part} as it was on {revision.created_at:%Y-%m-%d %H:%M}.")
    else:
        messages.error(request, f"Someone saved {revision.part} at the same moment; nothing was restored. Try again.")
    return redirect(revision.get_absolute_url())
