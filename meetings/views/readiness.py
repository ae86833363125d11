"""The chair's tools around a meeting: who has reported, reminding the others, who attended."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions
from ..format.attendance import has_attendees_section
from ..forms.readiness import AttendanceForm
from ..models import MeetingStatus, ReminderSent, ReportState
from ..queries.attendance import affiliations_known, display_name, roster_accounts
from ..queries.questions import with_unanswered
from ..services.attendance import record_attendance
from ..services.reminders import send_reminders
from .lookup import get_meeting


def _readiness_url(meeting) -> str:
    return reverse("meetings:readiness", args=[meeting.committee.slug, meeting.date])


@login_required
def readiness(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_view_readiness)
    reports = list(
        with_unanswered(meeting.reports.with_previous())
        .select_related("team", "updated_by")
        .prefetch_related("team__leads", "team__co_leads")
    )
    reminded = {sent.user_id: sent.sent_at for sent in ReminderSent.objects.filter(meeting=meeting)}
    for report in reports:
        report.accounts = [
            {"user": user, "co_lead": co_lead, "reminded_at": reminded.get(user.pk)}
            for users, co_lead in ((report.team.leads.all(), False), (report.team.co_leads.all(), True))
            for user in users
        ]
    states = [report.state for report in reports]
    return render(
        request,
        "meetings/readiness.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "reports": reports,
            "reported": sum(state != ReportState.EMPTY for state in states),
            "unchanged": states.count(ReportState.UNCHANGED),
            "no_update": states.count(ReportState.NO_UPDATE),
            "unanswered": sum(report.unanswered for report in reports),
            "can_send_reminders": permissions.can_send_reminders(request.user, meeting)
            and meeting.status == MeetingStatus.DRAFT,
        },
    )


@require_POST
@login_required
def send_meeting_reminders(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_send_reminders)
    if meeting.status != MeetingStatus.DRAFT:
        messages.error(request, f"{meeting} is {meeting.get_status_display().lower()}: no reminders to send.")
        return redirect(_readiness_url(meeting))
    reminders = send_reminders([meeting])
    sent = [reminder for reminder in reminders if reminder.sent]
    failed = [reminder for reminder in reminders if not reminder.sent]
    if sent:
        names = ", ".join(reminder.user.get_username() for reminder in sent)
        messages.success(request, f"Sent {len(sent)} reminder{'s' if len(sent) != 1 else ''} ({names}).")
    elif not failed:
        messages.info(
            request, "Sent 0 reminders: every lead owing an empty section has been reminded already or has no e-mail."
        )
    if failed:
        names = ", ".join(reminder.user.get_username() for reminder in failed)
        messages.warning(request, f"Could not send {len(failed)} reminder(s) ({names}); try again later.")
    return redirect(_readiness_url(meeting))


@login_required
def attendance(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_record_attendance)
    recorded = list(meeting.attendees.select_related("user"))
    users = roster_accounts(meeting.committee)
    # Someone recorded earlier stays tickable even after leaving the roster.
    users += [row.user for row in recorded if row.user is not None and row.user not in users]
    known = affiliations_known(users, meeting)
    accounts = [(user, display_name(user), known.get(user.pk, "")) for user in users]
    initial = {
        "users": [str(row.user_id) for row in recorded if row.user_id is not None],
        "others": "\n".join(str(row) for row in recorded if row.user_id is None),
    }
    form = AttendanceForm(request.POST or None, accounts=accounts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = record_attendance(meeting, accounts=data["accounts"], others=data["others"], by=request.user)
        messages.success(request, f"Recorded {len(saved)} attendee{'s' if len(saved) != 1 else ''} of {meeting}.")
        return redirect(meeting.get_edit_url())
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "form": form,
            "recorded": recorded,
            "imported_section": has_attendees_section(meeting.items.all()),
        },
    )
