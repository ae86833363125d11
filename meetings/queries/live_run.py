"""What the live room shows of the meeting's run: started, the current section, its clocks, who is present.

`run_state` is also what the room's followers are sent (`RunState.event`):
nothing in it that the minutes' readers may not see (titles, anchors, times).
A team's report has no time of its own in the agenda; it gets an equal share of
its backlog review's time, and the review's clock counts its teams' time too.
"""

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from ..format.choices import ItemKind
from ..models import AgendaItem, Attendee, BacklogReport, Meeting, MeetingRun, affiliation_of
from .attendance import affiliations_by_name, affiliations_known, display_name, roster_accounts, roster_names
from .minutes import WrittenSection, written_sections

SectionKey = tuple[str, int]  # ("item" | "report", pk)


def section_key(section: AgendaItem | BacklogReport) -> SectionKey:
    return ("report", section.pk) if isinstance(section, BacklogReport) else ("item", section.pk)


@dataclass
class Clock:
    """One section's time: planned and spent (in seconds), and whether it runs now."""

    anchor: str
    title: str
    key: SectionKey
    planned: int | None
    spent: int = 0  # up to the current stretch, which `running` sections add from the run's `since`
    running: bool = False
    parent: str | None = None  # a report's backlog review
    elapsed: int = 0  # spent, with the running stretch up to the state's `now`

    @property
    def over(self) -> bool:
        return self.planned is not None and self.elapsed > self.planned


@dataclass
class RunState:
    meeting: Meeting
    run: MeetingRun | None
    clocks: list[Clock]
    sections: list[WrittenSection]  # the written sections (bodies) in the minutes' order, one per clock
    now: datetime

    @property
    def started(self) -> bool:
        return self.run is not None

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.is_running

    @property
    def ended(self) -> bool:
        return self.run is not None and not self.run.is_running

    @property
    def current(self) -> Clock | None:
        key = self.run.current_key if self.run is not None else None
        return next((clock for clock in self.clocks if clock.key == key), None)

    @property
    def since(self) -> datetime | None:
        return self.run.current_since if self.current is not None else None

    def section(self, anchor: str) -> AgendaItem | BacklogReport | None:
        written = next((written for written in self.sections if written.anchor == anchor), None)
        return written.section if written is not None else None

    def clock(self, anchor: str) -> Clock | None:
        return next((clock for clock in self.clocks if clock.anchor == anchor), None)

    def elapsed(self, clock: Clock) -> int:
        """Seconds spent on the section as of `now`, its running stretch included."""
        if clock.running and self.since is not None:
            return clock.spent + max(0, int((self.now - self.since).total_seconds()))
        return clock.spent

    def next_after(self, clock: Clock | None) -> Clock | None:
        """The section after `clock` in the minutes' order (the first one before any)."""
        if clock is None:
            return self.clocks[0] if self.clocks else None
        index = self.clocks.index(clock)
        return self.clocks[index + 1] if index + 1 < len(self.clocks) else None

    def event(self) -> dict:
        """The run as the room's followers receive it (JSON): public facts only, times as ISO 8601 in UTC."""
        current = self.current
        return {
            "type": "run",
            "state": "running" if self.running else "ended" if self.ended else "not-started",
            "started_at": _iso(self.run.started_at) if self.run else None,
            "ended_at": _iso(self.run.ended_at) if self.run else None,
            "current": current.anchor if current else None,
            "current_title": current.title if current else None,
            "since": _iso(self.since),
            "now": _iso(self.now),
            "clocks": {
                clock.anchor: {
                    "title": clock.title,
                    "spent": clock.spent,
                    "planned": clock.planned,
                    "running": clock.running,
                }
                for clock in self.clocks
            },
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def run_state(meeting: Meeting, *, now: datetime | None = None) -> RunState:
    """The meeting's run and the clock of each written section (four queries)."""
    run = MeetingRun.objects.filter(meeting=meeting).first()
    spent = {row.key: row.seconds for row in run.times.all()} if run is not None else {}
    current = run.current_key if run is not None and run.is_running else None
    sections = room_sections(meeting)
    reports = [written for written in sections if isinstance(written.section, BacklogReport)]
    clocks, backlog = [], None
    for written in sections:
        key = section_key(written.section)
        clock = Clock(written.anchor, written.title, key, planned=None, spent=spent.get(key, 0), running=key == current)
        if key[0] == "item":
            minutes = written.section.duration_minutes
            clock.planned = minutes * 60 if minutes else None
            if written.section.kind == ItemKind.BACKLOG:
                backlog = clock
        clocks.append(clock)
    if backlog is not None:
        share = backlog.planned // len(reports) if backlog.planned and reports else None
        for clock in clocks:
            if clock.key[0] == "report":
                clock.planned, clock.parent = share, backlog.anchor
                backlog.spent += clock.spent
                backlog.running = backlog.running or clock.running
    state = RunState(meeting, run, clocks, sections, now or timezone.now())
    for clock in clocks:
        clock.elapsed = state.elapsed(clock)
    return state


def room_sections(meeting: Meeting) -> list[WrittenSection]:
    """The meeting's written sections, one per section (a backlog review's footnote is part of its section).

    Reads the meeting's items and reports (with their teams) as prefetched by the caller, else in two queries.
    """
    cache = getattr(meeting, "_prefetched_objects_cache", {})
    if "items" not in cache or "reports" not in cache:
        meeting = copy.copy(meeting)  # its own prefetch: the caller's meeting keeps reading fresh
        meeting._prefetched_objects_cache = {}
        reports = Prefetch("reports", queryset=BacklogReport.objects.select_related("team"))
        prefetch_related_objects([meeting], reports, Prefetch("items", queryset=AgendaItem.objects.all()))
    return [written for written in written_sections(meeting) if written.field == "body"]


def find_section(meeting: Meeting, anchor: str) -> AgendaItem | BacklogReport | None:
    """The section of the meeting with that anchor (as its page has it), None if there is none."""
    written = next((w for w in room_sections(meeting) if w.anchor == anchor), None)
    if written is None:
        return None
    written.section.meeting = meeting
    return written.section


@dataclass
class Person:
    """Someone who may be ticked present: an account of the roster, a lead the minutes name, or someone recorded."""

    key: str  # "user:<pk>" or "name:<name>": what the attendance form posts
    name: str  # "" for an account without a name, which cannot be listed
    affiliation: str = ""
    present: bool = False
    user: object = field(default=None, repr=False)


def attendance_people(meeting: Meeting) -> list[Person]:
    """The committee's people, then anyone else recorded as present, each with whether they are."""
    recorded = list(meeting.attendees.select_related("user__profile"))
    users = roster_accounts(meeting.committee)
    users += [row.user for row in recorded if row.user is not None and row.user not in users]
    present_users = {row.user_id for row in recorded if row.user_id is not None}
    known = affiliations_known(users, meeting)
    people = [
        Person(
            f"user:{user.pk}",
            display_name(user),
            known.get(user.pk) or affiliation_of(user),
            user.pk in present_users,
            user,
        )
        for user in users
    ]
    named = roster_names(meeting.committee, users)
    named_affiliations = affiliations_by_name(named, meeting)
    present_names = {row.name: row for row in recorded if row.user_id is None}
    people += [Person(f"name:{name}", name, named_affiliations.get(name, ""), name in present_names) for name in named]
    people += [
        Person(f"name:{row.name}", row.name, row.affiliation, True)
        for row in recorded
        if row.user_id is None and row.name not in named
    ]
    return people


def attendance_event(attendees: list[Attendee]) -> dict:
    """Who is present, as the room's followers receive it: the names and affiliations the minutes list."""
    return {
        "type": "attendance",
        "attendees": [{"name": row.name, "affiliation": row.affiliation} for row in attendees],
    }
