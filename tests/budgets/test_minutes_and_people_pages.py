"""Query budgets of the minutes and the people's pages: as many SQL queries for 60 teams and 2,000 meetings as for 3.

Each page is requested twice, once in a small archive and once in a large one
(built with bulk_create), and must run the same number of queries in both:
a page whose count grows with the data has an N+1 somewhere.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attendee,
    BacklogReport,
    Committee,
    Horizon,
    ItemKind,
    Meeting,
    MeetingStatus,
    Revision,
    RoadmapEntry,
    Team,
)

LATEST = date(2018, 6, 12)
HORIZONS = list(Horizon.values)


@dataclass
class Archive:
    """One committee's archive: `published` and `draft` meetings of `teams` teams, among `meetings` in all."""

    chair: object
    lead: object
    published: Meeting
    draft: Meeting


def _meeting_rows(meeting: Meeting, teams: list[Team], *, written: bool) -> None:
    """Sections, one report per team, a roadmap line per team naming it: what a created meeting holds."""
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=position, title=title, kind=kind, body=f"{title} notes", **agenda)
        for position, (title, kind, agenda) in enumerate(
            [
                ("Agenda", ItemKind.AGENDA, {}),
                ("Announcements", ItemKind.NOTES, {"agenda_label": "Announcements", "agenda_position": 0}),
                ("Backlog Review", ItemKind.BACKLOG, {"agenda_label": "Backlog review", "agenda_position": 1}),
                ("Roadmap", ItemKind.ROADMAP, {"agenda_label": "Roadmap", "agenda_position": 2}),
                ("Discussion", ItemKind.NOTES, {}),
            ]
        )
    )
    reports = BacklogReport.objects.bulk_create(
        BacklogReport(
            meeting=meeting,
            team=team,
            position=position,
            heading=f"### {team.name} - {team.lead_names}",
            team_name=team.name,
            leads=team.lead_names,
            body=f"- {team.name} shipped release {meeting.date:%Y.%m.%d}\n- **Next:** more" if written else "",
            version=2 if written else 1,
            updated_at=timezone.now() if written else None,
        )
        for position, team in enumerate(teams)
    )
    entries = RoadmapEntry.objects.bulk_create(
        RoadmapEntry(meeting=meeting, horizon=HORIZONS[i % 4], position=i, text=f"{team.name} milestone")
        for i, team in enumerate(teams)
    )
    RoadmapEntry.teams.through.objects.bulk_create(
        RoadmapEntry.teams.through(roadmapentry=entry, team=team) for entry, team in zip(entries, teams, strict=True)
    )
    if written:
        Revision.objects.bulk_create(
            Revision(meeting=meeting, report=report, target=f"report:{report.team.slug}", after=report.body)
            for report in reports
        )


def build_archive(prefix: str, *, teams: int, meetings: int, committees: int) -> Archive:
    """`meetings` published meetings over `committees` committees; the first committee has `teams` teams."""
    users = get_user_model().objects
    created = Committee.objects.bulk_create(
        Committee(name=f"{prefix.title()} {n}", slug=f"{prefix}{n}") for n in range(committees)
    )
    main = created[0]
    chair = users.create_user(f"{prefix}-chair")
    main.chairs.add(chair)
    leads = users.bulk_create(users.model(username=f"{prefix}-lead-{n}", password="!") for n in range(teams))
    roster = Team.objects.bulk_create(
        Team(committee=main, name=f"Team {n}", slug=f"team-{n}", position=n, lead_names=f"Lead {n}")
        for n in range(teams)
    )
    # Each team has its own lead, and the next team's lead as co-lead.
    Team.leads.through.objects.bulk_create(
        Team.leads.through(team=team, user=lead) for team, lead in zip(roster, leads, strict=True)
    )
    Team.co_leads.through.objects.bulk_create(
        Team.co_leads.through(team=team, user=leads[(n + 1) % teams]) for n, team in enumerate(roster)
    )
    Meeting.objects.bulk_create(
        Meeting(
            committee=committee,
            date=LATEST - timedelta(weeks=2 * n),
            title=f"{committee.name} PMC Meeting {LATEST - timedelta(weeks=2 * n)}",
            status=MeetingStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        for index, committee in enumerate(created)
        for n in range(meetings // committees + (index < meetings % committees))
    )
    published = Meeting.objects.get(committee=main, date=LATEST)
    earlier = Meeting.objects.filter(committee=main, date__lt=LATEST).order_by("-date")[:3]
    for meeting in [published, *earlier]:
        _meeting_rows(meeting, roster, written=True)
    Attendee.objects.bulk_create(
        Attendee(meeting=published, user=lead, name=f"Lead {n}", affiliation="Pivotal", position=n)
        for n, lead in enumerate(leads)
    )
    Revision.objects.bulk_create(
        Revision(meeting=published, target="item:discussion", after="Amended", after_publication=True)
        for _ in range(teams)
    )
    draft = Meeting.objects.create(
        committee=main, date=LATEST + timedelta(weeks=2), title="Next meeting", status=MeetingStatus.DRAFT
    )
    _meeting_rows(draft, roster, written=False)
    return Archive(chair=chair, lead=leads[0], published=published, draft=draft)


@pytest.fixture
def archives(db) -> tuple[Archive, Archive]:
    """A small archive (3 teams, 6 meetings) and a large one (60 teams, 2,000 meetings over 4 committees)."""
    return (
        build_archive("small", teams=3, meetings=6, committees=1),
        build_archive("large", teams=60, meetings=2000, committees=4),
    )


# Each page: who asks (None for an anonymous reader) and its URL in an archive.
PAGES = {
    "meeting page, anonymous": (None, lambda a: a.published.get_absolute_url()),
    "meeting page, chair": ("chair", lambda a: a.published.get_absolute_url()),
    "draft meeting page, lead": ("lead", lambda a: a.draft.get_absolute_url()),
    "PDF": (None, lambda a: a.published.get_pdf_url()),
    "Markdown": (None, lambda a: a.published.get_markdown_url()),
    "my sections": ("lead", lambda a: "/my-sections/"),
    "readiness board": ("chair", lambda a: f"/{a.draft.committee.slug}/{a.draft.date}/readiness/"),
    "chair's page": ("chair", lambda a: a.published.get_edit_url()),
    "chair's page of the draft": ("chair", lambda a: a.draft.get_edit_url()),
    "history, chair": ("chair", lambda a: f"{a.published.get_absolute_url()}history/"),
    "history, anonymous": (None, lambda a: f"{a.published.get_absolute_url()}history/"),
    "report history, lead": ("lead", lambda a: f"{a.published.get_absolute_url()}reports/team-0/history/"),
    "report editor, lead": ("lead", lambda a: f"{a.draft.get_absolute_url()}reports/team-0/edit/"),
}


def queries_of(archive: Archive, who: str | None, url: str) -> list[str]:
    """The SQL one request of the page runs, rendered afresh (nothing taken from the cache)."""
    client = Client()
    if who:
        client.force_login(getattr(archive, who))
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_as_many_queries_for_a_large_archive_as_for_a_small_one(archives, page):
    who, url_of = PAGES[page]
    small, large = (queries_of(archive, who, url_of(archive)) for archive in archives)
    assert len(large) == len(small), "\n".join(large)


@pytest.mark.parametrize(
    ("page", "budget"),
    # The meeting page and the PDF read the open action items, My sections the person's: one query each.
    [("meeting page, anonymous", 8), ("Markdown", 6), ("PDF", 8), ("readiness board", 10), ("my sections", 5)],
)
def test_page_stays_within_its_budget(archives, page, budget):
    who, url_of = PAGES[page]
    large = archives[1]
    assert len(queries_of(large, who, url_of(large))) <= budget


def test_a_cached_published_page_costs_one_query(archives, django_assert_num_queries):
    url = archives[1].published.get_absolute_url()
    client = Client()
    cache.clear()
    client.get(url)
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
