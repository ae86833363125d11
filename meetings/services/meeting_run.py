"""The chair runs the meeting in its live room: start it, move through its sections on the clock, take attendance,
record decisions and actions in the section being discussed, end it.

Each change is told to the room's followers (services/live_events.py) once committed. Time per section is
accumulated here at every switch, so every screen shows the same clocks. Decisions and actions are the usual
services, which save through live.merge_text so that the section's open room takes the line as its people type.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..format.actions import ActionLine
from ..format.decisions import DecisionLine
from ..models import AgendaItem, Attendee, BacklogReport, Meeting, MeetingRun, SectionTime
from ..queries.live_run import Person, attendance_event, run_state, section_key
from . import live_events
from .actions import record_action
from .attendance import record_attendance
from .decisions import record_decision
from .live import RoomError

logger = logging.getLogger(__name__)

# Saves of the section by its room (or anyone) between reading it and adding the line: tried again this often.
LINE_ATTEMPTS = 5


class RunError(Exception):
    """A change of the run that cannot be made as asked, with a message for the chair."""


def start_meeting(meeting: Meeting, *, by, at: datetime | None = None) -> MeetingRun:
    """Record that the meeting started now (by whom); an ended one goes on, keeping its start and its clocks."""
    now = at or timezone.now()
    with transaction.atomic():
        run = MeetingRun.objects.select_for_update().filter(meeting=meeting).first()
        if run is None:
            run = MeetingRun.objects.create(meeting=meeting, started_at=now, started_by=_account(by))
        elif not run.is_running:
            run.ended_at, run.ended_by = None, None
            run.save(update_fields=["ended_at", "ended_by"])
        else:
            return run  # started already: nothing changes, nothing to tell
        _tell_run(meeting)
    return run


def set_current_section(
    meeting: Meeting, section: AgendaItem | BacklogReport, *, by, at: datetime | None = None
) -> MeetingRun:
    """Make `section` the one under discussion: the previous one's time stops (and is kept), this one's runs."""
    now = at or timezone.now()
    with transaction.atomic():
        run = _running(meeting)
        if run.current_key == section_key(section):
            return run
        _stop_clock(run, now)
        run.current_item = section if isinstance(section, AgendaItem) else None
        run.current_report = section if isinstance(section, BacklogReport) else None
        run.current_since = now
        run.save(update_fields=["current_item", "current_report", "current_since"])
        _tell_run(meeting)
    return run


def end_meeting(meeting: Meeting, *, by, at: datetime | None = None) -> MeetingRun:
    """Record that the meeting ended now: the current section's time is kept and none is current any more."""
    now = at or timezone.now()
    with transaction.atomic():
        run = MeetingRun.objects.select_for_update().filter(meeting=meeting).first()
        if run is None:
            raise RunError("The meeting has not started: there is nothing to end.")
        if not run.is_running:
            return run
        _stop_clock(run, now)
        run.current_item = run.current_report = run.current_since = None
        run.ended_at, run.ended_by = now, _account(by)
        run.save(update_fields=["current_item", "current_report", "current_since", "ended_at", "ended_by"])
        _tell_run(meeting)
    return run


def _running(meeting: Meeting) -> MeetingRun:
    run = MeetingRun.objects.select_for_update().filter(meeting=meeting).first()
    if run is None:
        raise RunError("Start the meeting first.")
    if not run.is_running:
        raise RunError("The meeting has ended; start it again to go on.")
    return run


def _stop_clock(run: MeetingRun, now: datetime) -> None:
    """Add the current stretch to the current section's time."""
    key = run.current_key
    if key is None or run.current_since is None:
        return
    seconds = max(0, round((now - run.current_since).total_seconds()))
    row, _ = SectionTime.objects.get_or_create(run=run, **{f"{key[0]}_id": key[1]})
    SectionTime.objects.filter(pk=row.pk).update(seconds=F("seconds") + seconds)


def set_attendance(meeting: Meeting, *, person: Person, present: bool, by) -> list[Attendee]:
    """Mark one person present or not (asked twice, the same: nothing changes the second time); who is present."""
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one change of the list at a time
        recorded = list(meeting.attendees.select_related("user__profile"))
        mine = [row for row in recorded if _is(row, person)]
        if bool(mine) == present:
            return recorded
        if present:
            if not person.name:
                raise RunError(f"{person.user.get_username()} has no name yet, and the minutes never list a username.")
            if any(row.name.casefold() == person.name.casefold() for row in recorded):
                raise RunError(f"{person.name} is listed already.")
            recorded.append(Attendee(user=person.user, name=person.name, affiliation=person.affiliation))
        else:
            recorded = [row for row in recorded if row not in mine]
        saved = record_attendance(
            meeting,
            accounts=[(row.user, row.affiliation) for row in recorded if row.user is not None],
            others=[(row.name, row.affiliation) for row in recorded if row.user is None],
            by=by,
        )
        event = attendance_event(saved)
        transaction.on_commit(lambda: _publish(meeting.pk, lambda: event))
    return saved


def _is(row: Attendee, person: Person) -> bool:
    if person.user is not None:
        return row.user_id == person.user.pk
    return row.user_id is None and row.name == person.name


def record_decision_now(section: AgendaItem | BacklogReport, *, decision: DecisionLine, by, reason: str = "") -> None:
    """Add the decision at the end of the section as it stands now (the room's text included)."""
    _add_line(record_decision, section, decision=decision, by=by, reason=reason)


def record_action_now(section: AgendaItem | BacklogReport, *, action: ActionLine, by, reason: str = "") -> None:
    """Add the action at the end of the section as it stands now (the room's text included)."""
    _add_line(record_action, section, action=action, by=by, reason=reason)


def _add_line(record, section: AgendaItem | BacklogReport, **line) -> None:
    """Record the line against the section's latest version, whatever was typed since the page showed it.

    In the room, a version read a second ago is already old, and the line goes at the end anyway. An open
    room saves its text before the line is added (merge_text), so the line never replaces what was typed.
    """
    for _attempt in range(LINE_ATTEMPTS):
        section.refresh_from_db()
        try:
            if record(section, expected_version=section.version, **line):
                return
        except RoomError as error:
            raise RunError(str(error)) from None
    raise RunError("The section kept changing while the line was being added: try again.")


def _tell_run(meeting: Meeting) -> None:
    transaction.on_commit(lambda: _publish(meeting.pk, lambda: run_state(meeting).event()))


def _publish(meeting_id: int, event) -> None:
    """Tell the followers `event()`; failing to tell them loses nothing (the room's page shows the run as stored)."""
    try:
        live_events.publish(meeting_id, event())
    except Exception:
        logger.exception("Could not tell the followers of meeting %s what changed.", meeting_id)


def _account(user):
    return user if user is not None and user.is_authenticated else None
