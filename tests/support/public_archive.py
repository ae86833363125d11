"""Helpers for the tests of the community's pages: the corpus imported once per test class, pages as trees,
and archives of any size built in a few bulk inserts.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

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
from meetings.services.importing import import_paths
from meetings.services.search_index import rebuild_index
from tests.support.corpus import CORPUS, require_corpus
from tests.support.html_tree import Element, parse_html

RUNTIME = CORPUS / "Runtime"
LATEST = date(2018, 6, 12)  # the newest meeting of a built archive; older ones every two weeks before it
PUBLISHED_AT = datetime(2018, 6, 13, 9, 0, tzinfo=UTC)


def page_of(client: Client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return parse_html(response.content.decode())


def queries_of(client: Client, url: str) -> tuple[int, int]:
    """The (status, number of queries) of a request, rendered afresh."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured)


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction that is always rolled back: what happens inside leaves nothing behind."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def corpus_fixture():
    """A class-scoped fixture: the corpus imported once for the tests of a class, rolled back after them.

    Each test still runs in its own savepoint (pytest-django's `db`), so what
    one test changes is undone before the next. Assign it in a test module:
    `imported_corpus = corpus_fixture()`.
    """

    @pytest.fixture(scope="class")
    def imported_corpus(django_db_setup, django_db_blocker):
        require_corpus()
        with django_db_blocker.unblock(), rolled_back():
            results = import_paths([CORPUS])
            cache.clear()
            yield results
        cache.clear()

    return imported_corpus


def corpus_report(day: date, team: str) -> tuple[str, str]:
    """(leads, body) of a team's `### Team - Leads` section in the Runtime corpus file of that day, read as text."""
    text = (RUNTIME / f"{day:%Y}" / f"{day.isoformat()}-runtime.md").read_text(encoding="utf-8")
    match = re.search(rf"^### {re.escape(team)}(?: - (.*))?\n((?:(?!###? ).*\n)*)", text, re.MULTILINE)
    assert match, f"no {team} section in the {day} minutes"
    return (match[1] or "").strip(), match[2].strip()


def corpus_roadmaps() -> dict[date, dict[str, str]]:
    """Each Runtime corpus file's roadmap table, read as text: {meeting date: {entry text: horizon}}."""
    labels = {label.lower(): value for value, label in Horizon.choices}
    roadmaps = {}
    for path in sorted(RUNTIME.glob("*/*-runtime.md")):
        text = path.read_text(encoding="utf-8")
        if "\nDelivered When? | What?" not in text:
            continue
        table = text.split("\nDelivered When? | What?", 1)[1].split("\n\n", 1)[0]
        horizon, entries = None, {}
        for row in table.splitlines():
            label = re.match(r"^\*([^*]+)\* \|", row)
            if label:
                horizon = labels[label[1].strip().lower()]
            cell = row.split("|", 2)[-1].strip() if row.startswith("||") else row.partition("|")[2].strip()
            if horizon and cell.startswith("- "):
                entries[cell[2:].strip()] = horizon
        roadmaps[date.fromisoformat(path.name[:10])] = entries
    return roadmaps


# --- Archives of any size, for query budgets -------------------------------------------------------------

TEAMS = [("Diego", "Eric Malm"), ("CLI", "Abby Chau"), ("Garden", "Julz Friedman")]
AGENDA = [
    ("Announcements", ItemKind.NOTES),
    ("Backlog Reviews", ItemKind.BACKLOG),
    ("CF Feature Roadmap Review", ItemKind.ROADMAP),
]


def build_committee(name: str = "Runtime") -> Committee:
    committee = Committee.objects.create(name=name, slug=name.lower())
    for position, (team, leads) in enumerate(TEAMS):
        Team.objects.create(committee=committee, name=team, lead_names=leads, position=position)
    return committee


def add_meetings(committee: Committee, count: int) -> list[Meeting]:
    """`count` more published meetings, each older than the committee's oldest, with what real minutes have.

    Every meeting has an announcement, a report of each team (Garden's is
    empty one meeting in three), and two roadmap entries naming Diego, one of
    which moves between horizons. The search index is rebuilt afterwards.
    """
    oldest = Meeting.objects.for_committee(committee).order_by("date").values_list("date", flat=True).first()
    first = (oldest or LATEST + timedelta(days=14)) - timedelta(days=14)
    days = [first - timedelta(days=14 * n) for n in range(count)]
    meetings = Meeting.objects.bulk_create(
        Meeting(
            committee=committee,
            date=day,
            title=f"{committee.name} PMC Meeting {day.isoformat()}",
            status=MeetingStatus.PUBLISHED,
            published_at=PUBLISHED_AT,
        )
        for day in days
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=position,
            title=title,
            kind=kind,
            agenda_label=title,
            agenda_position=position,
            body=f"- The Xenial stemcell ships on {meeting.date.isoformat()}." if kind == ItemKind.NOTES else "",
        )
        for meeting in meetings
        for position, (title, kind) in enumerate(AGENDA)
    )
    teams = list(committee.teams.order_by("position"))
    BacklogReport.objects.bulk_create(
        BacklogReport(
            meeting=meeting,
            team=team,
            position=position,
            heading=f"### {team.name} - {team.lead_names}",
            team_name=team.name,
            leads=team.lead_names,
            body="" if team.name == "Garden" and index % 3 == 0 else f"- {team.name} validated Xenial stemcells.",
        )
        for index, meeting in enumerate(meetings)
        for position, team in enumerate(teams)
    )
    horizons = [Horizon.SOON, Horizon.NEXT]
    entries = RoadmapEntry.objects.bulk_create(
        RoadmapEntry(meeting=meeting, horizon=horizon, position=position, text=text)
        for index, meeting in enumerate(meetings)
        for position, (horizon, text) in enumerate(
            [
                (horizons[(index // 10) % 2], "Zero-downtime app updates (CAPI, Diego)"),
                (Horizon.FUTURE, f"Placement of large app instances, take {index // 50} (Diego)"),
            ]
        )
    )
    diego = committee.teams.get(name="Diego")
    RoadmapEntry.teams.through.objects.bulk_create(
        RoadmapEntry.teams.through(roadmapentry=entry, team=diego) for entry in entries
    )
    rebuild_index()
    return meetings
