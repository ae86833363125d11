"""A committee's calendar: scheduling its next meetings, cancelling one, and its iCalendar feed."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods

from .. import permissions
from ..calendar import committee_calendar, feed_meetings
from ..forms.schedule import ScheduleForm
from ..models import Meeting
from ..services.editing import move_written_reports
from ..services.scheduling import schedule_meetings
from .lookup import get_committee, get_meeting


@login_required
def schedule(request, committee):
    committee = get_committee(committee, request, allowed=permissions.can_schedule)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = schedule_meetings(committee, count=form.cleaned_data["count"], first=form.cleaned_data["first"])
        if result.created:
            dates = ", ".join(f"{m.date:%Y-%m-%d}" for m in result.created)
            created = f"{len(result.created)} meeting{pluralize(len(result.created))}"
            messages.success(request, f"Created {created}, pre-filled: {dates}.")
        if result.skipped:
            dates = ", ".join(f"{day:%Y-%m-%d}" for day in result.skipped)
            skipped = f"{len(result.skipped)} date{pluralize(len(result.skipped))}"
            messages.info(request, f"Left {skipped} alone, already with a meeting: {dates}.")
        return redirect(committee.get_absolute_url())
    # What the form does when left as it is: the cadence's next dates, and which of them are taken.
    dates = committee.next_meeting_dates(ScheduleForm.base_fields["count"].initial)
    taken = set(Meeting.objects.for_committee(committee).filter(date__in=dates).values_list("date", flat=True))
    preview = [{"date": day, "starts_at": committee.starts_at_on(day), "taken": day in taken} for day in dates]
    return render(request, "meetings/schedule.html", {"committee": committee, "form": form, "preview": preview})


@require_http_methods(["GET", "POST"])  # no @login_required: a draft is a 404 to anonymous visitors first
def meeting_cancel(request, committee, date):
    """GET: asks to confirm the cancellation. POST: cancel, take it back, or move the written reports on."""
    meeting = get_meeting(request, committee, date, allowed=permissions.can_cancel)
    if request.method != "POST":
        if meeting.is_cancelled:
            return redirect(meeting.get_edit_url())
        reports = list(meeting.reports.only("body"))
        context = {
            "meeting": meeting,
            "committee": meeting.committee,
            "reports": len(reports),
            "written": sum(not report.is_empty for report in reports),
        }
        return render(request, "meetings/meeting_cancel.html", context)
    action = request.POST.get("action")
    if action == "cancel" and not meeting.is_cancelled:
        meeting.cancel()
        messages.success(request, f"{meeting} is cancelled: no longer upcoming, and its sections are no longer owed.")
    elif action == "uncancel" and meeting.is_cancelled:
        meeting.uncancel()
        messages.success(request, f"{meeting} is a draft again.")
    elif action == "move_reports" and meeting.is_cancelled:
        _move_reports(request, meeting)
    else:
        messages.error(request, f"Nothing done: {meeting} is {meeting.get_status_display().lower()}.")
    return redirect(meeting.get_edit_url())


def _move_reports(request, meeting: Meeting) -> None:
    target = meeting.next_meeting()
    # The button named a meeting; if the next meeting is another one by now, the chair should look again.
    if target is None or request.POST.get("target") != str(target.pk):
        messages.error(request, "The next meeting has changed since the page was shown; nothing was moved.")
        return
    moved, refused = move_written_reports(meeting, to=target, by=request.user)
    if moved:
        names = ", ".join(report.team_name for report in moved)
        reports = f"{len(moved)} written report{pluralize(len(moved))}"
        messages.success(request, f"Moved {reports} to {target.date:%Y-%m-%d}: {names}.")
    for reason in refused:
        messages.error(request, f"Not moved: {reason}")
    if not moved and not refused:
        messages.info(request, "There were no written reports to move.")


def calendar_feed(request, committee):
    """The committee's meetings as iCalendar, public like the published minutes it links to."""
    committee = get_committee(committee)
    body = committee_calendar(
        committee,
        feed_meetings(committee),
        domain=urlsplit(request.build_absolute_uri("/")).hostname,
        absolute_url=request.build_absolute_uri,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{committee.slug}.ics"'
    return response
