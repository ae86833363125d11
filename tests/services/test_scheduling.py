"""Creating meetings (services/scheduling.py): one pre-filled from the roster, or the next ones of the cadence."""

from datetime import UTC, date, datetime, time, timedelta

from meetings.format.choices import TeamLayout
from meetings.format.outline import text_to_entries
from meetings.models import (
    AgendaTemplateItem,
    Horizon,
    ItemKind,
    Meeting,
    MeetingStatus,
    Profile,
    RoadmapEntry,
    Team,
    TeamStatus,
)
from meetings.models.committee import DEFAULT_AGENDA, DEFAULT_DISCLAIMER
from meetings.queries.timeline import current_roadmap_meeting
from meetings.services.editing import save_report, save_roadmap
from meetings.services.exporting import structural_markdown
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting, schedule_meetings
from tests.support.builders import make_team, make_user

TUESDAY = 1


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def shape(meeting: Meeting) -> dict:
    """Everything a new meeting is pre-filled with, comparable between two meetings."""
    return {
        "items": list(meeting.items.values_list("position", "title", "kind", "agenda_label", "body", "footnote")),
        "reports": list(meeting.reports.values_list("position", "team__slug", "heading", "leads", "body")),
        "roadmap": list(meeting.roadmap_entries.values_list("horizon", "position", "text", "is_heading")),
        "status": meeting.status,
        "local start": meeting.starts_at.astimezone(meeting.committee.zone).time() if meeting.starts_at else None,
    }


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


# --- create_meeting ---


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

    meeting = create_meeting(runtime, day=DAY)

    items = list(meeting.items.order_by("position"))
    assert [(i.title, i.kind, i.agenda_label, i.body) for i in items] == [
        ("Welcome", ItemKind.NOTES, "Welcome", "Hi all."),
        ("Teams", ItemKind.BACKLOG, "Team reports", ""),
        ("Roadmap", ItemKind.ROADMAP, "", ""),
    ]
    assert [i.agenda_position for i in items] == [0, 1, None]
    assert items[2].footnote == "*Plans only.*"


def test_a_notes_style_committees_new_meeting_gives_each_team_its_own_section(people):
    """Its default agenda may hold the team sections without a heading; each team's is a `##` section."""
    runtime = people["runtime"]
    runtime.team_layout = TeamLayout.NOTES
    runtime.save()
    AgendaTemplateItem.objects.create(committee=runtime, position=0, title="Announcements", kind=ItemKind.NOTES)
    AgendaTemplateItem.objects.create(committee=runtime, position=1, title="", kind=ItemKind.BACKLOG)

    meeting = create_meeting(runtime, day=DAY)
    report = meeting.reports.get(team__slug="diego")
    assert save_report(report, body="- shipped", by=people["lead_x"], expected_version=report.version)

    exported = structural_markdown(Meeting.objects.get(pk=meeting.pk))
    assert "## Diego - Eric Malm\n\n- shipped" in exported
    assert "###" not in exported
    assert "## Backlog Reviews" not in exported


def test_a_new_meeting_has_one_empty_report_per_active_or_incubating_team(people):
    runtime = people["runtime"]
    make_team(runtime, "Proposed Team", status=TeamStatus.PROPOSED, position=3)
    make_team(runtime, "Eirini", status=TeamStatus.INCUBATING, lead_names="Julz Friedman", position=4)

    meeting = create_meeting(runtime, day=DAY)

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


def test_leads_are_named_by_their_names_never_by_username(people):
    named = make_user("ruben")
    Profile.objects.create(user=named, display_name="Ruben Koster")
    team = make_team(people["runtime"], "BOSH", leads=[make_user("dmitriy"), named], position=5)
    meeting = create_meeting(people["runtime"], day=DAY)
    report = meeting.reports.get(team=team)
    assert (report.leads, report.heading) == ("Ruben Koster", "### BOSH - Ruben Koster")


def test_a_team_without_leads_gets_a_heading_without_leads(people):
    team = make_team(people["runtime"], "Loggregator", position=5)
    meeting = create_meeting(people["runtime"], day=DAY)
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
    later = create_meeting(people["runtime"], day=DAY + timedelta(days=14))
    assert later.reports.get(team=team).leads == "Someone Else"
    assert later.reports.get(team=team).status_label == "incubating"


def test_the_roadmap_is_copied_from_the_latest_earlier_meeting(people):
    runtime, diego, cli = people["runtime"], people["team_x"], people["team_y"]
    older = create_meeting(runtime, day=DAY - timedelta(days=28))
    add_roadmap(older, (Horizon.SOON, "Too old", []))
    earlier = create_meeting(runtime, day=DAY - timedelta(days=14))
    add_roadmap(
        earlier,
        (Horizon.SOON, "**cf-deployment GA:**", []),
        (Horizon.SOON, "Cell rebalancing (Diego, CLI)", [diego, cli]),
        (Horizon.SOON, "", []),
        (Horizon.NEXT, "Server side manifests (CLI)", [cli]),
    )
    later = create_meeting(runtime, day=DAY + timedelta(days=14))
    add_roadmap(later, (Horizon.FUTURE, "From the future", [diego]))
    elsewhere = create_meeting(people["extensions"], day=DAY - timedelta(days=1))
    add_roadmap(elsewhere, (Horizon.SOON, "Another committee's plans", []))

    meeting = create_meeting(runtime, day=DAY)

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


def test_the_roadmap_starts_from_the_committees_current_one_even_after_a_meeting_without(people):
    """Published minutes with a roadmap, then a later meeting imported without a table: the new one is not blank."""
    runtime, diego = people["runtime"], people["team_x"]
    published = create_meeting(runtime, day=DAY - timedelta(days=28))
    add_roadmap(published, (Horizon.SOON, "Cell rebalancing (Diego)", [diego]), (Horizon.NEXT, "Bigger cells", []))
    publish_meeting(published)
    without = create_meeting(runtime, day=DAY - timedelta(days=14))
    without.roadmap_entries.all().delete()
    publish_meeting(without)

    meeting = create_meeting(runtime, day=DAY)

    assert current_roadmap_meeting(runtime) == published  # what /runtime/roadmap/ shows as current
    assert roadmap_of(meeting) == [
        (Horizon.SOON, "Cell rebalancing (Diego)", ["diego"]),
        (Horizon.NEXT, "Bigger cells", []),
    ]


def test_the_current_roadmap_wins_over_an_earlier_drafts(people):
    runtime = people["runtime"]
    draft_before = create_meeting(runtime, day=DAY - timedelta(days=14))
    add_roadmap(draft_before, (Horizon.SOON, "Half-typed plans", []))
    published_later = create_meeting(runtime, day=DAY + timedelta(days=14))
    add_roadmap(published_later, (Horizon.SOON, "The committee's roadmap", []))
    publish_meeting(published_later)

    meeting = create_meeting(runtime, day=DAY)

    assert roadmap_of(meeting) == [(Horizon.SOON, "The committee's roadmap", [])]


def test_the_first_meeting_of_a_committee_has_no_roadmap(people):
    later = create_meeting(people["runtime"], day=DAY + timedelta(days=14))
    add_roadmap(later, (Horizon.SOON, "Later plans", []))
    meeting = create_meeting(people["runtime"], day=DAY)
    assert roadmap_of(meeting) == []


# --- schedule_meetings ---


def test_scheduled_meetings_start_at_the_local_time_across_the_november_change(runtime):
    created, skipped = schedule_meetings(runtime, count=3, first=date(2030, 10, 22))

    assert skipped == []
    assert [(m.date, m.starts_at) for m in created] == [
        (date(2030, 10, 22), utc(2030, 10, 22, 17, 30)),
        (date(2030, 11, 5), utc(2030, 11, 5, 18, 30)),
        (date(2030, 11, 19), utc(2030, 11, 19, 18, 30)),
    ]
    stored = Meeting.objects.get(committee=runtime, date=date(2030, 11, 5))
    assert stored.starts_at == utc(2030, 11, 5, 18, 30)
    assert stored.starts_at.utcoffset() == timedelta(0)


def test_scheduled_meetings_start_at_the_local_time_across_the_march_change(runtime):
    runtime.cadence_weeks = 1
    runtime.save()

    created, _ = schedule_meetings(runtime, count=2, first=date(2031, 3, 4))

    assert [m.starts_at for m in created] == [utc(2031, 3, 4, 18, 30), utc(2031, 3, 11, 17, 30)]


def test_scheduling_is_idempotent(runtime):
    first = schedule_meetings(runtime, count=3, first=date(2030, 1, 8))
    again = schedule_meetings(runtime, count=3, first=date(2030, 1, 8))

    assert len(first.created) == 3
    assert again.created == []
    assert again.skipped == [date(2030, 1, 8), date(2030, 1, 22), date(2030, 2, 5)]
    assert Meeting.objects.filter(committee=runtime).count() == 3


def test_scheduling_with_the_default_dates_is_idempotent_too(runtime):
    """The default window starts after the latest meeting held, not after the meetings just scheduled."""
    first = schedule_meetings(runtime, count=2)
    again = schedule_meetings(runtime, count=2)

    today = datetime.now(runtime.zone).date()
    assert len(first.created) == 2
    assert all(m.date > today and m.date.weekday() == TUESDAY for m in first.created)
    assert first.created[1].date - first.created[0].date == timedelta(weeks=2)
    assert again.created == []
    assert Meeting.objects.filter(committee=runtime).count() == 2


def test_dates_that_already_have_a_meeting_are_skipped_and_left_alone(runtime, people):
    taken = create_meeting(runtime, day=date(2030, 1, 22), title="Moved to the offsite")
    save_report(taken.reports.get(team=people["team_x"]), body="- Written early\n", by=people["lead_x"])
    cancelled = create_meeting(runtime, day=date(2030, 2, 5))
    cancelled.cancel()

    created, skipped = schedule_meetings(runtime, count=4, first=date(2030, 1, 8))

    assert [m.date for m in created] == [date(2030, 1, 8), date(2030, 2, 19)]
    assert skipped == [date(2030, 1, 22), date(2030, 2, 5)]
    taken.refresh_from_db()
    assert taken.title == "Moved to the offsite"
    assert taken.reports.get(team=people["team_x"]).body == "- Written early\n"
    cancelled.refresh_from_db()
    assert cancelled.is_cancelled


def test_each_scheduled_meeting_is_prefilled_as_a_single_creation(runtime, people):
    earlier = create_meeting(runtime, day=date(2029, 12, 25))
    roadmap = text_to_entries("## Soon\n- Cell rebalancing (Diego)\n## Next\n- CLI v7 (CLI)\n")
    assert save_roadmap(earlier, entries=roadmap, expected_version=earlier.roadmap_version)

    created, _ = schedule_meetings(runtime, count=2, first=date(2030, 1, 8))
    single = create_meeting(runtime, day=date(2030, 3, 5))

    assert [m.title for m in created] == ["Runtime PMC Meeting 2030-01-08", "Runtime PMC Meeting 2030-01-22"]
    for meeting in created:
        assert shape(meeting) == shape(single)
    assert shape(single)["reports"][0][:3] == (0, "diego", "### Diego - Eric Malm")
    assert {team.slug for team in created[0].roadmap_entries.get(text__contains="Cell").teams.all()} == {"diego"}
    assert shape(single)["local start"] == time(10, 30)


def test_a_committee_without_a_start_time_gets_meetings_without_one(people):
    meeting = create_meeting(people["runtime"], day=date(2030, 1, 8))
    assert meeting.starts_at is None


def test_the_next_dates_follow_the_latest_meeting_held(runtime):
    create_meeting(runtime, day=date(2030, 1, 8))

    assert runtime.next_meeting_dates(3, after=date(2030, 1, 10)) == [
        date(2030, 1, 22),
        date(2030, 2, 5),
        date(2030, 2, 19),
    ]
    assert runtime.next_meeting_dates(2, first=date(2030, 1, 9)) == [date(2030, 1, 9), date(2030, 1, 23)]
