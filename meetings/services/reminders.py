"""Reminding leads of the backlog sections they have not written, once per meeting.

`send_reminders` mails each lead (or co-lead) one e-mail listing every empty
section they owe in the given meetings. A `ReminderSent` row per meeting and
lead is created before the e-mail goes, in the same transaction: its unique
constraint makes a second run (even a simultaneous one) skip that lead, and a
failed send rolls the row back so that the next run tries again.

The chair's button does not send in the request: it enqueues `remind_meeting`
(services/background.py), which runs `send_reminders` for the meeting and,
while some reminder could not be sent, fails so that the queue tries again
later (the leads reminded meanwhile are not mailed twice).
"""

import logging
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import BacklogReport, Meeting, MeetingStatus, ReminderKind, ReminderSent, person_name
from .background import background_task
from .notifications import absolute_url

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 2


@dataclass
class Reminder:
    """One e-mail to one lead: the empty sections they owe, soonest meeting first."""

    user: object
    reports: list[BacklogReport] = field(default_factory=list)
    sent: bool = False
    error: str = ""
    kind: str = ReminderKind.REMINDER

    @property
    def meetings(self) -> list[Meeting]:
        return list({report.meeting_id: report.meeting for report in self.reports}.values())

    def describe(self) -> str:
        sections = ", ".join(
            f"{r.team_name} ({r.meeting.committee.name} {r.meeting.date:%Y-%m-%d})" for r in self.reports
        )
        return f"{self.user.get_username()} <{self.user.email}>: {sections}"


def due_meetings(days: int = DEFAULT_DAYS, *, now: datetime | None = None) -> QuerySet:
    """Draft meetings (neither published nor cancelled) held within `days` days from now.

    A meeting with a start time is due from now until `days` days ahead; one
    with only a date, from today until the date `days` days ahead.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    by_date = Q(starts_at__isnull=True, date__gte=today, date__lte=today + timedelta(days=days))
    by_start = Q(starts_at__gte=now, starts_at__lte=now + timedelta(days=days))
    return Meeting.objects.filter(by_date | by_start, status=MeetingStatus.DRAFT)


def is_meeting_day(meeting: Meeting, *, now: datetime | None = None) -> bool:
    """Whether it is the meeting's day in its committee's time zone: the day a final call may go out."""
    return timezone.localdate(now or timezone.now(), meeting.committee.zone) == meeting.date


def pending_reminders(meetings, *, kind: str = ReminderKind.REMINDER) -> list[Reminder]:
    """The reminders of that kind still owed for these meetings: leads with an e-mail address and an empty section."""
    meetings = Meeting.objects.filter(pk__in=[m.pk for m in meetings], status=MeetingStatus.DRAFT)
    reports = (
        BacklogReport.objects.filter(meeting__in=meetings)
        .select_related("meeting__committee", "team")
        .prefetch_related("team__leads", "team__co_leads")
        .order_by("meeting__date", "meeting__committee__name", "position")
    )
    already = set(ReminderSent.objects.filter(meeting__in=meetings, kind=kind).values_list("meeting_id", "user_id"))
    reminders: dict[int, Reminder] = {}
    for report in reports:
        if not report.is_empty:
            continue
        owing = {user.pk: user for user in [*report.team.leads.all(), *report.team.co_leads.all()]}
        for user in owing.values():
            if not user.email or not user.is_active or (report.meeting_id, user.pk) in already:
                continue
            reminders.setdefault(user.pk, Reminder(user, kind=kind)).reports.append(report)
    return list(reminders.values())


def send_reminders(meetings, *, dry_run: bool = False, final_call: bool = False) -> list[Reminder]:
    """Mail every reminder still owed for these meetings; the reminders, each marked sent or failed.

    With `dry_run`, nothing is recorded or sent: the reminders that would be.
    A `final_call` is a second reminder of its own kind, once per lead and
    meeting, whether or not the first one went out.
    """
    reminders = pending_reminders(meetings, kind=ReminderKind.FINAL_CALL if final_call else ReminderKind.REMINDER)
    if dry_run:
        return reminders
    for reminder in reminders:
        try:
            with transaction.atomic():
                reminder.reports = _claim(reminder)
                if reminder.reports:
                    _mail(reminder)
                    reminder.sent = True
        except Exception as error:  # any failure to send leaves the lead for the next run
            reminder.sent, reminder.error = False, str(error) or type(error).__name__
            logger.exception("Could not send the reminder to %s", reminder.user.get_username())
    return [reminder for reminder in reminders if reminder.reports]


class RemindersFailed(Exception):
    """Some reminders could not be sent: the task queue tries those again later."""


def _describe_remind(meeting_id: int, *, final_call: bool = False) -> tuple[str, int]:
    meeting = Meeting.objects.select_related("committee").get(pk=meeting_id)
    return f"{'Final call' if final_call else 'Reminders'} to the leads of {meeting}", meeting.committee_id


@background_task(describe=_describe_remind)
def remind_meeting(meeting_id: int, *, final_call: bool = False) -> int:
    """Background task: send the reminders still owed for the meeting; how many went. Raises while some fail."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    reminders = send_reminders([meeting], final_call=final_call)
    failed = [reminder for reminder in reminders if not reminder.sent]
    if failed:
        raise RemindersFailed("; ".join(f"{reminder.user.get_username()}: {reminder.error}" for reminder in failed))
    return len(reminders)


def _claim(reminder: Reminder) -> list[BacklogReport]:
    """Record the reminder for each of its meetings; the sections of the meetings no one else claimed first."""
    claimed = set()
    for meeting in reminder.meetings:
        try:
            with transaction.atomic():  # a savepoint: a duplicate must not abort the whole transaction
                ReminderSent.objects.create(meeting=meeting, user=reminder.user, kind=reminder.kind)
        except IntegrityError:
            continue  # another run reminded this lead of this meeting meanwhile
        claimed.add(meeting.pk)
    return [report for report in reminder.reports if report.meeting_id in claimed]


def _when(meeting: Meeting) -> str:
    """The meeting's day, and its start time in the committee's time zone when it has one."""
    day = meeting.date
    if meeting.starts_at is None:
        return f"{day:%A} {day.day} {day:%B %Y}"
    try:
        zone = zoneinfo.ZoneInfo(meeting.committee.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    start = meeting.starts_at.astimezone(zone)
    return f"{start:%A} {start.day} {start:%B %Y, %H:%M} ({zone.key})"


def _mail(reminder: Reminder) -> None:
    for report in reminder.reports:
        report.edit_link = absolute_url(report.get_edit_url())
        report.when = _when(report.meeting)
    user = reminder.user
    final_call = reminder.kind == ReminderKind.FINAL_CALL
    # Greeted by name, never by username: “Hello,” when the account has no name.
    body = render_to_string(
        "emails/reminder.txt", {"name": person_name(user), "sections": reminder.reports, "final_call": final_call}
    )
    prefix = "Final call" if final_call else "Reminder"
    if len(reminder.reports) == 1:
        report = reminder.reports[0]
        subject = f"{prefix}: the {report.team_name} backlog report for {report.meeting.title}"
    else:
        subject = f"{prefix}: {len(reminder.reports)} backlog reports to write"
    EmailMessage(subject, body, to=[user.email]).send()
