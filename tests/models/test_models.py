"""The domain model: its invariants, its URLs, and the actions a meeting goes through."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    BacklogReport,
    Horizon,
    Meeting,
    RoadmapEntry,
    Team,
)
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_committee

DAY = date(2030, 1, 8)  # the `draft` fixture's date


def add_roadmap(meeting: Meeting, *lines: tuple[str, str, list[Team]]) -> None:
    """Give a meeting these roadmap entries (horizon, text, linked teams), in order, replacing its own."""
    meeting.roadmap_entries.all().delete()
    for position, (horizon, text, teams) in enumerate(lines):
        entry = RoadmapEntry.objects.create(meeting=meeting, horizon=horizon, position=position, text=text)
        entry.teams.set(teams)


# --- invariants the database enforces ---------------------------------------------------------


def test_database_refuses_a_second_report_for_the_same_team_in_a_meeting(draft, people):
    team = people["team_x"]
    with pytest.raises(IntegrityError), transaction.atomic():
        BacklogReport.objects.create(meeting=draft, team=team, position=99, heading="### Diego", team_name="Diego")
    assert draft.reports.filter(team=team).count() == 1


def test_the_same_team_may_report_in_two_meetings(draft, people):
    other = create_meeting(people["runtime"], day=DAY + timedelta(days=14))
    assert BacklogReport.objects.filter(team=people["team_x"], meeting__in=[draft, other]).count() == 2


def test_database_refuses_a_second_meeting_of_a_committee_on_the_same_date(draft, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(committee=people["runtime"], date=DAY, title="Again")
    assert Meeting.objects.filter(committee=people["runtime"], date=DAY).count() == 1


def test_creating_a_meeting_on_a_taken_date_leaves_nothing_behind(draft, people):
    before = (Meeting.objects.count(), AgendaItem.objects.count(), BacklogReport.objects.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        create_meeting(people["runtime"], day=DAY)
    assert (Meeting.objects.count(), AgendaItem.objects.count(), BacklogReport.objects.count()) == before


def test_two_committees_may_meet_on_the_same_date(draft, people):
    other = Meeting.objects.create(committee=people["extensions"], date=DAY, title="Extensions")
    assert other.pk is not None


def test_team_slugs_are_unique_within_a_committee_only(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(committee=people["runtime"], name="diego!")  # same slug as “Diego”
    assert people["runtime"].find_team("DIEGO") == people["team_x"]
    assert people["extensions"].find_team("Diego") != people["team_x"]


@pytest.mark.parametrize("slug", ["accounts", "admin", "markdownx", "my-sections"])
def test_a_committee_slug_may_not_shadow_the_sites_own_pages(db, slug):
    committee = make_committee("Shadow")
    committee.slug = slug
    with pytest.raises(ValidationError, match="reserved"):
        committee.full_clean()


# --- __str__ and get_absolute_url -------------------------------------------------------------


def test_str_and_urls_of_committee_team_and_meeting(draft, people):
    runtime, diego = people["runtime"], people["team_x"]
    assert str(runtime) == "Runtime"
    assert runtime.get_absolute_url() == "/runtime/"
    assert str(diego) == "Diego"
    assert diego.get_absolute_url() == "/runtime/teams/diego/"  # its timeline
    assert str(draft) == "Runtime PMC Meeting 2030-01-08"
    assert draft.get_absolute_url() == "/runtime/2030-01-08/"
    assert draft.get_edit_url() == "/runtime/2030-01-08/edit/"
    assert draft.get_pdf_url() == "/runtime/2030-01-08.pdf"
    assert draft.get_markdown_url() == "/runtime/2030-01-08.md"


def test_str_and_urls_of_the_parts_of_a_meeting(draft, people):
    report = draft.reports.get(team=people["team_x"])
    item = draft.items.get(title="Announcements")
    add_roadmap(draft, (Horizon.SOON, "Ship it", []))
    entry = draft.roadmap_entries.get()
    spacer = RoadmapEntry.objects.create(meeting=draft, horizon=Horizon.SOON, position=1, text="")

    assert str(report) == "Diego – Runtime PMC Meeting 2030-01-08"
    assert report.get_absolute_url() == "/runtime/2030-01-08/#diego"
    assert report.get_edit_url() == "/runtime/2030-01-08/reports/diego/edit/"
    assert str(item) == "Announcements"
    assert item.get_absolute_url() == "/runtime/2030-01-08/#section-announcements"
    assert str(entry) == "Ship it"
    assert entry.get_absolute_url() == "/runtime/2030-01-08/#roadmap"
    assert str(spacer) == "(spacer)"


def test_the_anchors_of_get_absolute_url_exist_on_the_pages(client, draft, people):
    """A link to a part of the minutes lands on that part, not just somewhere on the page."""
    add_roadmap(draft, (Horizon.SOON, "Ship it", []))
    client.force_login(people["chair"])
    targets = [
        draft.reports.get(team=people["team_x"]),
        draft.items.get(title="Announcements"),
        draft.roadmap_entries.get(),
        people["team_x"],
    ]
    for target in targets:
        page, _, anchor = target.get_absolute_url().partition("#")
        response = client.get(page)
        assert response.status_code == 200, target
        if anchor:
            assert f'id="{anchor}"' in response.content.decode(), f"{target!r} links to a missing #{anchor}"


def test_a_title_pattern_names_new_meetings(people):
    runtime = people["runtime"]
    runtime.title_pattern = "{name} PMC – {date}"
    runtime.save()
    meeting = create_meeting(runtime, day=DAY)
    assert meeting.title == "Runtime PMC – 2030-01-08"
    assert create_meeting(runtime, day=DAY + timedelta(days=1), title="Special").title == "Special"


# --- publishing -------------------------------------------------------------------------------
def test_upcoming_lists_meetings_from_today_soonest_first(people):
    today = timezone.localdate()
    runtime = people["runtime"]
    past = create_meeting(runtime, day=today - timedelta(days=1))
    later = create_meeting(runtime, day=today + timedelta(days=14))
    now = create_meeting(runtime, day=today)
    assert list(Meeting.objects.upcoming()) == [now, later]
    assert past not in Meeting.objects.upcoming()


# --- smaller domain rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "horizon"),
    [
        ("Recently Completed", Horizon.RECENTLY_COMPLETED),
        ("recently   completed", Horizon.RECENTLY_COMPLETED),
        ("SOON", Horizon.SOON),
        ("Next", Horizon.NEXT),
        ("Future", Horizon.FUTURE),
        ("Someday", None),
    ],
)
def test_horizons_are_read_from_their_labels(label, horizon):
    assert Horizon.from_label(label) == horizon


def test_set_agenda_label_lists_a_new_item_at_the_end_and_unlisting_clears_it(draft):
    discussion = draft.items.get(title="Discussion")
    assert discussion.agenda_position is None
    last = max(p for p in draft.items.values_list("agenda_position", flat=True) if p is not None)

    discussion.set_agenda_label("Open discussion")
    assert (discussion.agenda_label, discussion.agenda_position) == ("Open discussion", last + 1)

    discussion.set_agenda_label("")
    assert (discussion.agenda_label, discussion.agenda_position) == ("", None)
