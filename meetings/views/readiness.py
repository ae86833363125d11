"""The chair's tools around a meeting: who has reported, reminding the others, who attended."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions
from ..format.attendance import has_attendees_section
from ..forms.readiness import AttendanceForm
from ..models import MeetingStatus, ReminderKind, ReminderSent, ReportState, affiliation_of
from ..queries.attendance import (
    affiliations_by_name,
    affiliations_known,
    display_name,
    names_recorded,
    roster_accounts,
    roster_names,
)
from ..queries.questions import with_unanswered
from ..services.attendance import record_attendance
from ..services.background import enqueue_on_commit
from ..services.reminders import is_meeting_day, pending_reminders, remind_meeting
from .lookup import get_meeting
from .navigation import go_back, safe_next


def _readiness_url(meeting) -> str:
    return reverse("meetings:readiness", args=[meeting.committee.slug, meeting.date])


@login_required
def readiness(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_view_readiness)
    reports = list(
        with_unanswered(meeting.reports.with_previous())
        .select_related("team", "updated_by__profile")
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
    can_remind = permissions.can_send_reminders(request.user, meeting) and meeting.status == MeetingStatus.DRAFT
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
            "can_send_reminders": can_remind,
            "final_call": can_remind and is_meeting_day(meeting),
            # Asked only where the invite button would show: the board keeps its query budget.
            "can_invite": any(not report.accounts for report in reports)
            and permissions.can_manage_committee(request.user, meeting.committee),
            "roster_url": reverse("meetings:roster", args=[meeting.committee.slug]),
        },
    )


@require_POST
@login_required
def send_meeting_reminders(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_send_reminders)
    if meeting.status != MeetingStatus.DRAFT:
        messages.error(request, f"{meeting} is {meeting.get_status_display().lower()}: no reminders to send.")
        return redirect(_readiness_url(meeting))
    final_call = request.POST.get("kind") == "final_call"
    if final_call and not is_meeting_day(meeting):
        messages.error(request, "The final call can be sent on the meeting's day only.")
        return redirect(_readiness_url(meeting))
    owed = pending_reminders([meeting], kind=ReminderKind.FINAL_CALL if final_call else ReminderKind.REMINDER)
    if owed:
        enqueue_on_commit(remind_meeting, meeting.pk, final_call=final_call)
        names = ", ".join(reminder.user.get_username() for reminder in owed)
        what = "final call" if final_call else "reminder"
        # Queued, not yet sent: a failure shows among the failed tasks, which the board links to.
        messages.success(
            request, f"{len(owed)} {what}{'s' if len(owed) != 1 else ''} queued, going out by e-mail now ({names})."
        )
    else:
        messages.info(
            request,
            "No reminder sent: each lead with an empty section has had one already, or has no e-mail address.",
        )
    return redirect(_readiness_url(meeting))


@login_required
def attendance(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_record_attendance)
    recorded = list(meeting.attendees.select_related("user"))
    users = roster_accounts(meeting.committee)
    # Someone recorded earlier stays tickable even after leaving the roster.
    users += [row.user for row in recorded if row.user is not None and row.user not in users]
    known = affiliations_known(users, meeting)
    accounts = [(user, display_name(user), known.get(user.pk) or affiliation_of(user)) for user in users]
    named = roster_names(meeting.committee, users)
    named_affiliations = affiliations_by_name(named, meeting)
    names = [(name, named_affiliations.get(name, "")) for name in named]
    # Roster names recorded already are ticked; every other name typed in stays in the box.
    ticked_names = {row.name for row in recorded if row.user_id is None and row.name in named}
    # An account without a name is offered the name it was listed under before (typed by a chair then).
    nameless = [user for user, name, _ in accounts if not name]
    typed_before = names_recorded(nameless, meeting) if nameless else {}
    initial = {
        **{f"name_{user.pk}": typed_before[user.pk] for user in nameless if user.pk in typed_before},
        "users": [str(row.user_id) for row in recorded if row.user_id is not None],
        "names": sorted(ticked_names),
        "others": "\n".join(str(row) for row in recorded if row.user_id is None and row.name not in ticked_names),
    }
    form = AttendanceForm(request.POST or None, accounts=accounts, names=names, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = record_attendance(
            meeting,
            accounts=data["accounts"],
            others=data["others"],
            typed_names=data["typed_names"],
            by=request.user,
        )
        messages.success(request, f"Recorded {len(saved)} attendee{'s' if len(saved) != 1 else ''} of {meeting}.")
        shown = saved and not has_attendees_section(meeting.items.all())  # else the chair's page has no such section
        return go_back(request, meeting.get_edit_url() + ("#section-attendees" if shown else ""))
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "form": form,
            "recorded": recorded,
            "imported_section": has_attendees_section(meeting.items.all()),
            "next": safe_next(request),
            "back_url": safe_next(request) or meeting.get_edit_url(),
        },
    )
