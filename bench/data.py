"""The benchmarks' data: the seed meeting, generated archives from the corpus's texts, leads who write.

Runs inside Django (bench/run.py sets it up on the bench database).
"""

import itertools
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from meetings.demo import SEED
from meetings.models import (
    AgendaItem,
    BacklogReport,
    Committee,
    Horizon,
    ItemKind,
    Meeting,
    MeetingStatus,
    RoadmapEntry,
    Team,
)
from meetings.services.importing import import_file, import_paths
from meetings.services.scheduling import create_meeting
from meetings.services.search_index import index_new_meetings

from .harness import CORPUS, check

SEED_URL = "/runtime/2018-06-12/"
SCALE_COMMITTEES = ("Scale Alpha", "Scale Beta", "Scale Gamma")
SCALE_TEAMS = 15
SCALE_LATEST = date(2024, 12, 3)
WRITERS = 20
WRITES_PASSWORD = "bench-writes-password"  # noqa: S105 (a throw-away local account)


def load_seed() -> Meeting:
    result = import_file(SEED, "runtime")
    check(result.meeting is not None, result.message)
    return result.meeting


class TextPool:
    """Report bodies, notes and roadmap lines written by people: the corpus's, else the seed's."""

    def __init__(self) -> None:
        if CORPUS.is_dir():
            import_paths([CORPUS])
        reports = BacklogReport.objects.exclude(body="")
        self.reports = list(reports.values_list("body", flat=True).order_by("pk"))
        self.notes = list(AgendaItem.objects.exclude(body="").values_list("body", flat=True).order_by("pk"))
        self.roadmap = list(RoadmapEntry.objects.exclude(text="").values_list("text", flat=True).order_by("pk"))
        self._reports, self._notes = itertools.cycle(self.reports), itertools.cycle(self.notes)
        self._roadmap = itertools.cycle(self.roadmap)

    def report(self) -> str:
        return next(self._reports)

    def notes_text(self) -> str:
        return next(self._notes)

    def roadmap_line(self) -> str:
        return next(self._roadmap)


def scale_committees() -> list[tuple[Committee, list[Team]]]:
    out = []
    for name in SCALE_COMMITTEES:
        committee, _ = Committee.objects.get_or_create(name=name, slug=name.lower().replace(" ", "-"))
        teams = list(committee.teams.order_by("position"))
        if not teams:
            teams = Team.objects.bulk_create(
                Team(committee=committee, name=f"{name} Team {n}", slug=f"team-{n}", position=n, lead_names=f"Lead {n}")
                for n in range(SCALE_TEAMS)
            )
        out.append((committee, teams))
    return out


def chair_sections(meeting: Meeting, pool: TextPool) -> list[AgendaItem]:
    """A bulk-made meeting's five chair sections (not saved), two of them with notes from the corpus."""
    sections = [
        ("Agenda", ItemKind.AGENDA, ""),
        ("Announcements", ItemKind.NOTES, pool.notes_text()),
        ("Backlog Review", ItemKind.BACKLOG, ""),
        ("Roadmap", ItemKind.ROADMAP, ""),
        ("Discussion", ItemKind.NOTES, pool.notes_text()),
    ]
    return [
        AgendaItem(meeting=meeting, position=p, title=t, kind=k, body=b, agenda_label=t, agenda_position=p)
        for p, (t, k, b) in enumerate(sections)
    ]


def grow_archive(pool: TextPool, total: int) -> int:
    """Add published meetings (older ones first-come) until the scale committees hold `total`; the number added."""
    committees = scale_committees()
    have = Meeting.objects.filter(committee__in=[c for c, _ in committees]).count()
    added = []
    for n in range(have, total):
        committee, teams = committees[n % len(committees)]
        day = SCALE_LATEST - timedelta(weeks=2 * (n // len(committees)))
        added.append((Meeting(committee=committee, date=day, title=f"{committee.name} PMC Meeting {day}"), teams))
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                committee=m.committee,
                date=m.date,
                title=m.title,
                status=MeetingStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            for m, _ in added
        ]
    )
    items, reports, entries = [], [], []
    for meeting, (_, teams) in zip(meetings, added, strict=True):
        items += chair_sections(meeting, pool)
        for position, team in enumerate(teams):
            # One report in five left empty, as in the archive.
            body = "" if (meeting.date.toordinal() // 14 + position) % 5 == 0 else pool.report()
            heading = f"### {team.name} - {team.lead_names}"
            reports.append(
                BacklogReport(
                    meeting=meeting,
                    team=team,
                    position=position,
                    heading=heading,
                    team_name=team.name,
                    leads=team.lead_names,
                    body=body,
                )
            )
        horizons = list(Horizon.values)
        entries += [
            RoadmapEntry(meeting=meeting, horizon=horizons[i % 4], position=i, text=pool.roadmap_line())
            for i in range(8)
        ]
    AgendaItem.objects.bulk_create(items, batch_size=2000)
    BacklogReport.objects.bulk_create(reports, batch_size=2000)
    RoadmapEntry.objects.bulk_create(entries, batch_size=2000)
    for start in range(0, len(meetings), 200):
        batch = Meeting.objects.filter(pk__in=[m.pk for m in meetings[start : start + 200]])
        index_new_meetings(batch)
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load in production: without statistics the planner
        # takes thousands of rows for one and nests loops over them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(meetings)


def writers() -> tuple[Meeting, list[tuple[str, str]]]:
    """A draft meeting of a committee of 20 teams, each led by its own account; (meeting, [(username, team slug)])."""
    committee, _ = Committee.objects.get_or_create(name="Bench Writes", slug="bench-writes")
    users = get_user_model().objects
    accounts = []
    for n in range(WRITERS):
        user = users.create_user(f"writer-{n}", password=WRITES_PASSWORD)
        team = Team.objects.create(committee=committee, name=f"Writers {n}", position=n, lead_names=f"Writer {n}")
        team.leads.add(user)
        accounts.append((user.username, team.slug))
    meeting = create_meeting(committee, day=date(2031, 1, 7))
    return meeting, accounts
