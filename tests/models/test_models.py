"""The domain model: its invariants, its URLs, and the actions a meeting goes through."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    AgendaTemplateItem,
    BacklogReport,
    Horizon,
    ItemKind,
    Meeting,
    MeetingStatus,
    Revision,
    RevisionSource,
    RoadmapEntry,
    Team,
    TeamStatus,
)
from meetings.models.committee import DEFAULT_AGENDA, DEFAULT_DISCLAIMER
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from tests.support.builders import make_committee, make_team, make_user

DAY = date(2030, 1, 8)  # the `draft` fixture's date


def add_roadmap(meeting: Meeting, *lines: tuple[str, str, list[Team]]) -> None:
    """Give a meeting these roadmap entries (horizon, text, linked teams), in order, replacing its own."""
    meeting.roadmap_entries.all().delete()
    for position, (horizon, text, teams) in enumerate(lines):
        entry = RoadmapEntry.objects.create(meeting=meeting, horizon=horizon, position=position, text=text)
        entry.teams.set(teams)


def roadmap_of(meeting: Meeting) -> list[tuple[str, str, list[str]]]:
    return [
        (entry.horizon, entry.text, sorted(team.slug for team in entry.teams.all()))
        for entry in meeting.roadmap_entries.prefetch_related("teams").order_by("position")
    ]


# --- invariants the database enforces ---------------------------------------------------------


def test_database_refuses_a_second_report_for_the_same_team_in_a_meeting(draft, people):
    team = people["team_x"]
    with pytest.raises(IntegrityError), transaction.atomic():
        BacklogReport.objects.create(meeting=draft, team=team, position=99, heading="### Diego", team_name="Diego")
    assert draft.reports.filter(team=team).count() == 1


def test_the_same_team_may_report_in_two_meetings(draft, people):
    other = Meeting.objects.create_from_roster(people["runtime"], DAY + timedelta(days=14))
    assert BacklogReport.objects.filter(team=people["team_x"], meeting__in=[draft, other]).count() == 2


def test_database_refuses_a_second_meeting_of_a_committee_on_the_same_date(draft, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(committee=people["runtime"], date=DAY, title="Again")
    assert Meeting.objects.filter(committee=people["runtime"], date=DAY).count() == 1


def test_create_from_roster_on_a_taken_date_leaves_nothing_behind(draft, people):
    before = (Meeting.objects.count(), AgendaItem.objects.count(), BacklogReport.objects.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create_from_roster(people["runtime"], DAY)
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
    meeting = Meeting.objects.create_from_roster(runtime, DAY)
    assert meeting.title == "Runtime PMC – 2030-01-08"
    assert Meeting.objects.create_from_roster(runtime, DAY + timedelta(days=1), title="Special").title == "Special"


# --- create_from_roster -----------------------------------------------------------------------


def test_a_new_meeting_is_a_draft_with_the_standard_agenda_when_the_committee_has_none(draft):
    assert draft.status == MeetingStatus.DRAFT
    assert draft.published_at is None
    items = list(draft.items.order_by("position"))
    assert [(item.title, item.kind, item.agenda_label) for item in items] == DEFAULT_AGENDA
    assert [item.position for item in items] == list(range(len(DEFAULT_AGENDA)))
    # Only labelled items are bullets of the agenda, in the same order.
    listed = [
        item.title for item in sorted(items, key=lambda i: i.agenda_position or 0) if item.agenda_position is not None
    ]
    assert listed == [title for title, _, label in DEFAULT_AGENDA if label]
    roadmap = draft.items.get(kind=ItemKind.ROADMAP)
    assert roadmap.footnote == DEFAULT_DISCLAIMER
    assert all(item.footnote == "" for item in items if item.kind != ItemKind.ROADMAP)


def test_a_new_meeting_takes_the_committees_own_agenda_in_order(people):
    runtime = people["runtime"]
    runtime.roadmap_disclaimer = "*Plans only.*"
    runtime.save()
    # Created out of order on purpose: the position decides.
    AgendaTemplateItem.objects.create(committee=runtime, position=2, title="Roadmap", kind=ItemKind.ROADMAP)
    AgendaTemplateItem.objects.create(
        committee=runtime, position=0, title="Welcome", kind=ItemKind.NOTES, agenda_label="Welcome", body="Hi all."
    )
    AgendaTemplateItem.objects.create(
        committee=runtime, position=1, title="Teams", kind=ItemKind.BACKLOG, agenda_label="Team reports"
    )

    meeting = Meeting.objects.create_from_roster(runtime, DAY)

    items = list(meeting.items.order_by("position"))
    assert [(i.title, i.kind, i.agenda_label, i.body) for i in items] == [
        ("Welcome", ItemKind.NOTES, "Welcome", "Hi all."),
        ("Teams", ItemKind.BACKLOG, "Team reports", ""),
        ("Roadmap", ItemKind.ROADMAP, "", ""),
    ]
    assert [i.agenda_position for i in items] == [0, 1, None]
    assert items[2].footnote == "*Plans only.*"


def test_a_new_meeting_has_one_empty_report_per_active_or_incubating_team(people):
    runtime = people["runtime"]
    make_team(runtime, "Proposed Team", status=TeamStatus.PROPOSED, position=3)
    make_team(runtime, "Eirini", status=TeamStatus.INCUBATING, lead_names="Julz Friedman", position=4)

    meeting = Meeting.objects.create_from_roster(runtime, DAY)

    reports = list(meeting.reports.order_by("position"))
    assert [(r.team.slug, r.team_name, r.status_label, r.leads) for r in reports] == [
        ("diego", "Diego", "", "Eric Malm"),  # no lead_names: the lead account's full name
        ("cli", "CLI", "", "Abby Chau"),  # lead_names win over the accounts
        ("eirini", "Eirini", "incubating", "Julz Friedman"),
    ]
    assert [r.heading for r in reports] == [
        "### Diego - Eric Malm",
        "### CLI - Abby Chau",
        "### Eirini (incubating) - Julz Friedman",
    ]
    assert all(r.body == "" and r.is_empty and r.version == 1 for r in reports)
    assert len({r.position for r in reports}) == len(reports)


def test_leads_without_a_full_name_are_named_by_username(people):
    team = make_team(people["runtime"], "BOSH", leads=[make_user("dmitriy")], position=5)
    meeting = Meeting.objects.create_from_roster(people["runtime"], DAY)
    assert meeting.reports.get(team=team).leads == "dmitriy"


def test_a_team_without_leads_gets_a_heading_without_leads(people):
    team = make_team(people["runtime"], "Loggregator", position=5)
    meeting = Meeting.objects.create_from_roster(people["runtime"], DAY)
    report = meeting.reports.get(team=team)
    assert (report.leads, report.heading) == ("", "### Loggregator")


def test_a_later_change_of_leads_does_not_rewrite_an_existing_report(draft, people):
    team = people["team_x"]
    team.leads.set([people["lead_y"]])
    team.lead_names = "Someone Else"
    team.status = TeamStatus.INCUBATING
    team.save()

    report = draft.reports.get(team=team)
    assert (report.leads, report.status_label, report.heading) == ("Eric Malm", "", "### Diego - Eric Malm")
    # ... while the next meeting takes the roster as it stands then.
    later = Meeting.objects.create_from_roster(people["runtime"], DAY + timedelta(days=14))
    assert later.reports.get(team=team).leads == "Someone Else"
    assert later.reports.get(team=team).status_label == "incubating"


def test_the_roadmap_is_copied_from_the_latest_earlier_meeting(people):
    runtime, diego, cli = people["runtime"], people["team_x"], people["team_y"]
    older = Meeting.objects.create_from_roster(runtime, DAY - timedelta(days=28))
    add_roadmap(older, (Horizon.SOON, "Too old", []))
    earlier = Meeting.objects.create_from_roster(runtime, DAY - timedelta(days=14))
    add_roadmap(
        earlier,
        (Horizon.SOON, "**cf-deployment GA:**", []),
        (Horizon.SOON, "Cell rebalancing (Diego, CLI)", [diego, cli]),
        (Horizon.SOON, "", []),
        (Horizon.NEXT, "Server side manifests (CLI)", [cli]),
    )
    later = Meeting.objects.create_from_roster(runtime, DAY + timedelta(days=14))
    add_roadmap(later, (Horizon.FUTURE, "From the future", [diego]))
    elsewhere = Meeting.objects.create_from_roster(people["extensions"], DAY - timedelta(days=1))
    add_roadmap(elsewhere, (Horizon.SOON, "Another committee's plans", []))

    meeting = Meeting.objects.create_from_roster(runtime, DAY)

    expected = [
        (Horizon.SOON, "**cf-deployment GA:**", []),
        (Horizon.SOON, "Cell rebalancing (Diego, CLI)", ["cli", "diego"]),
        (Horizon.SOON, "", []),
        (Horizon.NEXT, "Server side manifests (CLI)", ["cli"]),
    ]
    assert roadmap_of(meeting) == expected
    # Copies, not moves: the earlier meeting keeps its own roadmap.
    assert roadmap_of(earlier) == expected
    assert not set(meeting.roadmap_entries.values_list("pk", flat=True)) & set(
        earlier.roadmap_entries.values_list("pk", flat=True)
    )


def test_the_first_meeting_of_a_committee_has_no_roadmap(people):
    later = Meeting.objects.create_from_roster(people["runtime"], DAY + timedelta(days=14))
    add_roadmap(later, (Horizon.SOON, "Later plans", []))
    meeting = Meeting.objects.create_from_roster(people["runtime"], DAY)
    assert roadmap_of(meeting) == []


# --- BacklogReport.save_text ------------------------------------------------------------------


@pytest.fixture
def report(draft, people) -> BacklogReport:
    return draft.reports.get(team=people["team_x"])


def test_save_text_saves_and_bumps_the_version(report, people):
    assert save_report(report, body="- Shipped cell rebalancing\n", by=people["lead_x"], expected_version=1) is True

    stored = BacklogReport.objects.get(pk=report.pk)
    assert (stored.body, stored.version, stored.updated_by) == ("- Shipped cell rebalancing\n", 2, people["lead_x"])
    assert stored.updated_at is not None
    assert (report.body, report.version) == (stored.body, 2)


def test_save_text_refuses_a_stale_version_and_keeps_the_text_saved_in_between(report, people):
    colleague_copy = BacklogReport.objects.get(pk=report.pk)
    assert save_report(colleague_copy, body="Colleague's text", by=people["chair"], expected_version=1) is True

    assert save_report(report, body="My text", by=people["lead_x"], expected_version=1) is False

    stored = BacklogReport.objects.get(pk=report.pk)
    assert (stored.body, stored.version, stored.updated_by) == ("Colleague's text", 2, people["chair"])
    # The refused instance now shows what was saved in between, for the conflict page.
    assert (report.body, report.version) == ("Colleague's text", 2)
    assert Revision.objects.filter(report=report).count() == 1


def test_of_two_saves_from_the_same_version_exactly_one_applies(report, people):
    first = BacklogReport.objects.get(pk=report.pk)
    second = BacklogReport.objects.get(pk=report.pk)
    results = [
        save_report(first, body="first", by=people["lead_x"]),
        save_report(second, body="second", by=people["chair"]),
    ]
    assert results == [True, False]
    assert BacklogReport.objects.get(pk=report.pk).body == "first"


def test_save_text_records_a_revision(report, people):
    save_report(report, body="one", by=people["lead_x"], expected_version=1)
    save_report(report, body="two", by=people["chair"], expected_version=2)

    revisions = list(Revision.objects.filter(report=report).order_by("pk"))
    assert [(r.before, r.after, r.author, r.target) for r in revisions] == [
        ("", "one", people["lead_x"], "report:diego"),
        ("one", "two", people["chair"], "report:diego"),
    ]
    assert all(r.meeting_id == report.meeting_id for r in revisions)
    assert all(r.source == RevisionSource.WEB and not r.after_publication for r in revisions)


def test_a_revision_records_the_text_it_replaced_even_from_a_stale_instance(report, people):
    """`before` is the stored text the save replaced, not what an old copy in memory held."""
    save_report(BacklogReport.objects.get(pk=report.pk), body="saved in between", by=people["chair"])
    assert save_report(report, body="mine", by=people["lead_x"], expected_version=2) is True

    latest = Revision.objects.filter(report=report).order_by("-pk").first()
    assert (latest.before, latest.after) == ("saved in between", "mine")


def test_an_edit_after_publication_is_recorded_as_an_amendment(report, people):
    publish_meeting(report.meeting)
    save_report(report, body="Amended", by=people["chair"])
    assert list(Revision.objects.amendments().values_list("after", flat=True)) == ["Amended"]


def test_unchanged_text_records_no_revision_and_keeps_the_version(report, people):
    save_report(report, body="Same", by=people["lead_x"], expected_version=1)
    assert save_report(report, body="Same", by=people["lead_x"], expected_version=2) is True
    assert BacklogReport.objects.get(pk=report.pk).version == 2
    assert Revision.objects.filter(report=report).count() == 1


def test_save_text_by_an_anonymous_user_records_no_editor(report):
    from django.contrib.auth.models import AnonymousUser

    assert save_report(report, body="text", by=AnonymousUser()) is True
    assert BacklogReport.objects.get(pk=report.pk).updated_by is None
    assert Revision.objects.get(report=report).author is None


# --- publishing -------------------------------------------------------------------------------


def test_publish_and_unpublish_set_status_and_published_at(draft):
    before = timezone.now()
    publish_meeting(draft)
    stored = Meeting.objects.get(pk=draft.pk)
    assert stored.status == MeetingStatus.PUBLISHED and stored.is_published
    assert before <= stored.published_at <= timezone.now()
    assert list(Meeting.objects.published()) == [stored]

    draft.unpublish()
    stored = Meeting.objects.get(pk=draft.pk)
    assert (stored.status, stored.published_at, stored.is_published) == (MeetingStatus.DRAFT, None, False)
    assert list(Meeting.objects.drafts()) == [stored]


def test_upcoming_lists_meetings_from_today_soonest_first(people):
    today = timezone.localdate()
    runtime = people["runtime"]
    past = Meeting.objects.create_from_roster(runtime, today - timedelta(days=1))
    later = Meeting.objects.create_from_roster(runtime, today + timedelta(days=14))
    now = Meeting.objects.create_from_roster(runtime, today)
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
