"""Action items (meetings/services/actions.py and action_rows.py): recorded as task lines, kept as rows, closed
in later meetings, carried through the Markdown export and import."""

from datetime import date
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

from meetings.format.actions import ActionLine
from meetings.models import ActionItem, ActionOutcome, ActionStatus, ItemKind, Meeting, MeetingStatus, Outcome, Revision
from meetings.services.actions import record_action, record_outcome
from meetings.services.editing import move_report, save_item, save_report
from meetings.services.exporting import meeting_to_markdown
from meetings.services.importing import Outcome as ImportOutcome
from meetings.services.importing import import_data
from meetings.services.scheduling import create_meeting
from meetings.services.search_index import rebuild_index

pytestmark = pytest.mark.django_db

SHIP = ActionLine("diego", "Ship cell rebalancing", date(2030, 2, 1))

MINUTES_FILE = """# Runtime PMC Meeting 2018-07-10

## Agenda

* Announcements
* Backlog Reviews

## Announcements

- Summit next month.

- [ ] @diego: Book the summit room (due 2018-08-01)
- [x] @lead-y: Send the survey

## Backlog Reviews

### Diego - Eric Malm

- Shipped cell rebalancing.
- [ ] Follow up with BOSH
AI: Eric to write the RFC

### CLI - Abby Chau

```
- [ ] @cli: only an example, in code
```
"""


def fields(action: ActionItem) -> tuple:
    return (action.section, action.anchor, action.owner, action.text, action.due, action.status)


def test_a_lead_records_an_action_in_their_report_as_a_revision(people, draft):
    report = draft.reports.get(team=people["team_x"])
    save_report(report, body="- Shipped.\n", by=people["lead_x"])

    assert record_action(report, action=SHIP, by=people["lead_x"], expected_version=report.version)

    report.refresh_from_db()
    assert report.body == "- Shipped.\n\n- [ ] @diego: Ship cell rebalancing (due 2030-02-01)\n"
    assert Revision.objects.filter(report=report, author=people["lead_x"], after=report.body).exists()
    [action] = draft.actions.all()
    assert fields(action) == ("Diego", "diego", "diego", "Ship cell rebalancing", date(2030, 2, 1), "open")
    assert (action.owner_team, action.owner_user, action.report, action.created_by) == (
        people["team_x"],
        None,
        report,
        people["lead_x"],
    )


def test_the_chair_records_actions_for_a_person_in_one_task_list(people, draft):
    item = draft.items.get(title="Announcements")
    record_action(item, action=ActionLine("lead-y", "Write the RFC"), by=people["chair"], expected_version=1)
    item.refresh_from_db()
    record_action(item, action=ActionLine("cli", "Cut v7"), by=people["chair"], expected_version=item.version)

    item.refresh_from_db()
    assert item.body.endswith("- [ ] @lead-y: Write the RFC\n- [ ] @cli: Cut v7\n")
    first, second = draft.actions.order_by("position")
    assert (first.owner_user, first.owner_team, first.item) == (people["lead_y"], None, item)
    assert (second.owner_team, second.section) == (people["team_y"], "Announcements")


def test_an_owner_names_only_the_committees_people_never_a_user_of_another_committee(people, draft):
    item = draft.items.get(title="Announcements")
    body = "- [ ] @lead-x-elsewhere: Review the plan\n- [ ] @other-chair: Chair it\n- [ ] @member: Take notes\n"
    save_item(item, body=body, title=item.title, agenda_label="", by=people["chair"], expected_version=item.version)
    elsewhere = create_meeting(people["extensions"], day=date(2030, 3, 1))
    there = elsewhere.items.get(title="Announcements")
    save_item(
        there,
        body="- [ ] @lead-x-elsewhere: Review the plan\n",
        title=there.title,
        agenda_label="",
        by=None,
        expected_version=1,
    )

    here = draft.actions.order_by("position")
    assert [(action.owner, action.owner_user) for action in here] == [
        ("lead-x-elsewhere", None),
        ("other-chair", None),
        ("member", None),
    ]
    assert elsewhere.actions.get().owner_user == people["lead_x_elsewhere"]  # a lead there
    assert not ActionItem.objects.filter(committee=people["runtime"]).owned_by(people["other_chair"]).exists()


def test_a_lead_who_steps_down_keeps_the_action_they_were_given(people, draft):
    item = draft.items.get(title="Announcements")
    save_item(item, body="- [ ] @lead-y: Cut v7\n", title=item.title, agenda_label="", by=None, expected_version=1)
    people["team_y"].leads.remove(people["lead_y"])

    item.refresh_from_db()
    save_item(
        item, body="- [ ] @lead-y: Cut v7\n\nMore.\n", title=item.title, agenda_label="", by=None, expected_version=2
    )

    assert draft.actions.get().owner_user == people["lead_y"]


def test_the_migration_takes_their_actions_from_users_of_another_committee(people, draft):
    item = draft.items.get(title="Announcements")
    save_item(
        item,
        body="- [ ] @lead-y: Cut v7\n- [ ] @other-chair: Chair it\n",
        title=item.title,
        agenda_label="",
        by=people["chair"],
        expected_version=item.version,
    )
    ActionItem.objects.filter(owner="other-chair").update(owner_user=people["other_chair"])  # as synced before

    import_module("meetings.migrations.0023_action_owners_of_the_committee").forget_owners_from_elsewhere(apps, None)

    assert dict(draft.actions.values_list("owner", "owner_user")) == {
        "lead-y": people["lead_y"].pk,
        "other-chair": None,
    }


def test_an_action_on_a_section_saved_meanwhile_is_not_recorded(people, draft):
    report = draft.reports.get(team=people["team_x"])
    read_at = report.version
    save_report(report, body="- Someone else's text.\n", by=people["chair"])

    assert not record_action(report, action=SHIP, by=people["lead_x"], expected_version=read_at)

    assert not ActionItem.objects.exists()


def test_editing_a_section_keeps_its_actions_and_their_outcomes_until_the_line_goes(people, draft):
    item = draft.items.get(title="Announcements")
    record_action(item, action=ActionLine("cli", "Cut v7"), by=people["chair"], expected_version=1)
    item.refresh_from_db()
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    action = ActionItem.objects.get()
    record_outcome(action, meeting=later, outcome=Outcome.CARRIED, note="Waiting on CI", by=people["lead_y"])

    save_item(
        item,
        body="Intro.\n\n" + item.body,
        title=item.title,
        agenda_label=item.agenda_label,
        by=people["chair"],
        expected_version=item.version,
    )
    assert ActionItem.objects.get().pk == action.pk
    assert action.outcomes.count() == 1

    item.refresh_from_db()
    save_item(
        item,
        body="Nothing owed.\n",
        title=item.title,
        agenda_label="",
        by=people["chair"],
        expected_version=item.version,
    )
    assert not ActionItem.objects.exists()


def test_open_actions_appear_in_later_meetings_until_closed_there(people, draft):
    item = draft.items.get(title="Announcements")
    record_action(item, action=ActionLine("cli", "Cut v7"), by=people["chair"], expected_version=1)
    action = ActionItem.objects.get()
    b = create_meeting(people["runtime"], day=date(2030, 1, 22))
    c = create_meeting(people["runtime"], day=date(2030, 2, 5))
    assert list(ActionItem.objects.open_at(draft)) == []
    assert list(ActionItem.objects.open_at(b)) == [action]

    record_outcome(action, meeting=b, outcome=Outcome.CARRIED, note="", by=people["chair"])
    assert list(ActionItem.objects.open_at(c)) == [action]

    record_outcome(action, meeting=c, outcome=Outcome.DONE, note="Released", by=people["lead_y"])
    action.refresh_from_db()
    assert (action.status, action.closed_in) == (ActionStatus.DONE, c)
    assert list(ActionItem.objects.open_at(c)) == [action]  # closed in it: still listed there, with its outcome
    assert list(ActionItem.objects.open_at(b)) == [action]
    d = create_meeting(people["runtime"], day=date(2030, 2, 19))
    assert list(ActionItem.objects.open_at(d)) == []
    assert [(o.meeting, o.outcome, o.note) for o in action.outcomes.all()] == [
        (b, "carried", ""),
        (c, "done", "Released"),
    ]


def test_actions_of_another_committee_never_appear(people, draft):
    item = draft.items.get(title="Announcements")
    record_action(item, action=ActionLine("cli", "Cut v7"), by=people["chair"], expected_version=1)
    elsewhere = create_meeting(people["extensions"], day=date(2030, 3, 1))

    assert not ActionItem.objects.open_at(elsewhere).exists()


def test_an_imported_file_gives_its_actions_and_exports_byte_for_byte(people):
    result = import_data(MINUTES_FILE.encode(), Path("2018-07-10-runtime.md"), "runtime")
    assert result.outcome == ImportOutcome.IMPORTED, result.message
    meeting = result.meeting

    assert [fields(a) for a in meeting.actions.order_by("position")] == [
        ("Announcements", "section-announcements", "diego", "Book the summit room", date(2018, 8, 1), "open"),
        ("Announcements", "section-announcements", "lead-y", "Send the survey", None, "done"),
    ]  # the archive's own task and AI: line are candidates only; the fenced one is code
    assert meeting.actions.get(owner="lead-y").owner_user == people["lead_y"]
    assert meeting_to_markdown(meeting) == MINUTES_FILE


def test_actions_round_trip_through_export_and_import(people, draft):
    report = draft.reports.get(team=people["team_x"])
    record_action(report, action=SHIP, by=people["lead_x"], expected_version=report.version)
    item = draft.items.get(title="Announcements")
    record_action(item, action=ActionLine("lead-y", "Write *the* RFC"), by=people["chair"], expected_version=1)
    recorded = [fields(a) for a in draft.actions.order_by("position")]
    exported = meeting_to_markdown(Meeting.objects.get(pk=draft.pk))
    assert "- [ ] @lead-y: Write *the* RFC\n" in exported
    assert "- [ ] @diego: Ship cell rebalancing (due 2030-02-01)\n" in exported

    Meeting.objects.filter(pk=draft.pk).delete()
    result = import_data(exported.encode(), Path(f"{draft.date}-runtime.md"), "runtime")

    assert result.outcome == ImportOutcome.IMPORTED, result.message
    assert [fields(a) for a in result.meeting.actions.order_by("position")] == recorded
    assert meeting_to_markdown(result.meeting) == exported


def test_rebuilding_the_index_keeps_the_actions_and_their_outcomes(people, draft):
    item = draft.items.get(title="Announcements")
    record_action(item, action=ActionLine("cli", "Cut v7"), by=people["chair"], expected_version=1)
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    record_outcome(ActionItem.objects.get(), meeting=later, outcome=Outcome.DROPPED, note="", by=people["chair"])

    rebuild_index()

    action = ActionItem.objects.get()
    assert (action.status, action.closed_in, action.outcomes.count()) == (ActionStatus.DROPPED, later, 1)


def test_renaming_a_section_keeps_its_actions_outcomes(people, draft):
    item = draft.items.get(title="Announcements")
    record_action(item, action=ActionLine("cli", "Cut v7"), by=people["chair"], expected_version=1)
    item.refresh_from_db()
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    action = ActionItem.objects.get()
    record_outcome(action, meeting=later, outcome=Outcome.CARRIED, note="", by=people["chair"])

    by, version = people["chair"], item.version
    save_item(item, body=item.body, title="News", agenda_label="News", by=by, expected_version=version)

    kept = ActionItem.objects.get()
    assert (kept.pk, kept.anchor, kept.section, kept.outcomes.count()) == (action.pk, "section-news", "News", 1)


def meeting_with_open_actions(people, draft) -> Meeting:
    """Meeting B of 2030-01-22, whose agenda places the open actions, after A (`draft`) agreed two."""
    report = draft.reports.get(team=people["team_x"])
    record_action(report, action=SHIP, by=people["lead_x"], expected_version=report.version)
    record_action(
        draft.items.get(title="Announcements"),
        action=ActionLine("cli", "Cut v7"),
        by=people["chair"],
        expected_version=1,
    )
    people["runtime"].set_default_agenda(
        [
            {"title": "Action items", "kind": ItemKind.ACTIONS, "agenda_label": "", "body": ""},
            {"title": "Discussion", "kind": ItemKind.NOTES, "agenda_label": "", "body": "- Talked."},
            {"title": "Backlog Reviews", "kind": ItemKind.BACKLOG, "agenda_label": "", "body": ""},
        ]
    )
    return create_meeting(people["runtime"], day=date(2030, 1, 22))


def outcomes() -> list[tuple]:
    return sorted(
        (o.action.owner, o.action.text, o.meeting.date, o.outcome, o.note)
        for o in ActionOutcome.objects.select_related("action", "meeting")
    )


OPEN_SECTION = (
    "## Action items\n\n"
    "- [ ] @cli: Cut v7 (from 2030-01-08, Announcements) — carried: Next time\n"
    "- [x] @diego: Ship cell rebalancing (due 2030-02-01) (from 2030-01-08, Diego) — done: Shipped in 2.9\n\n"
)


def test_the_minutes_of_the_later_meeting_say_what_became_of_the_open_actions(people, draft):
    later = meeting_with_open_actions(people, draft)
    assert "## Action items\n\n- [ ] @cli: Cut v7 (from 2030-01-08, Announcements)\n- [ ] @diego:" in (
        meeting_to_markdown(later)
    )
    cli, diego = ActionItem.objects.order_by("text")
    record_outcome(cli, meeting=later, outcome=Outcome.CARRIED, note="Next time", by=people["chair"])
    record_outcome(diego, meeting=later, outcome=Outcome.DONE, note="Shipped\n in 2.9", by=people["lead_x"])

    exported = meeting_to_markdown(Meeting.objects.get(pk=later.pk))
    assert OPEN_SECTION + "## Discussion\n\n- Talked.\n\n## Backlog Reviews" in exported


def test_the_open_actions_section_round_trips_as_outcomes_never_as_actions(people, draft):
    later = meeting_with_open_actions(people, draft)
    cli, diego = ActionItem.objects.order_by("text")
    record_outcome(cli, meeting=later, outcome=Outcome.CARRIED, note="Next time", by=people["chair"])
    record_outcome(diego, meeting=later, outcome=Outcome.DONE, note="Shipped in 2.9", by=people["lead_x"])
    files = [meeting_to_markdown(Meeting.objects.get(pk=m.pk)) for m in (draft, later)]
    recorded = outcomes()

    Meeting.objects.all().delete()  # a fresh database: its actions and outcomes go with it
    assert not ActionItem.objects.exists()
    results = [
        import_data(text.encode(), Path(f"{d}-runtime.md"), "runtime")
        for text, d in zip(files, ["2030-01-08", "2030-01-22"], strict=True)
    ]

    assert [r.outcome for r in results] == [ImportOutcome.IMPORTED] * 2, [r.message for r in results]
    assert outcomes() == recorded
    assert not results[1].meeting.actions.exists()
    assert [meeting_to_markdown(r.meeting) for r in results] == files
    assert [a.status for a in ActionItem.objects.order_by("text")] == [ActionStatus.OPEN, ActionStatus.DONE]


def test_importing_the_later_meeting_again_changes_its_outcomes_as_the_file_says(people, draft):
    later = meeting_with_open_actions(people, draft)
    cli, diego = ActionItem.objects.order_by("text")
    record_outcome(cli, meeting=later, outcome=Outcome.CARRIED, note="Next time", by=people["chair"])
    record_outcome(diego, meeting=later, outcome=Outcome.DONE, note="Shipped in 2.9", by=people["lead_x"])
    text = meeting_to_markdown(Meeting.objects.get(pk=later.pk))
    name = Path("2030-01-22-runtime.md")

    same = import_data(text.encode(), name, "runtime")
    assert same.outcome == ImportOutcome.UNCHANGED, same.message
    assert ActionOutcome.objects.get(action=diego).by == people["lead_x"]

    edited = text.replace("— carried: Next time", "— dropped: Not needed").replace("[x] @diego", "[ ] @diego")
    edited = edited.replace(" — done: Shipped in 2.9", "")
    result = import_data(edited.encode(), name, "runtime")

    assert result.outcome == ImportOutcome.UPDATED, result.message
    assert outcomes() == [("cli", "Cut v7", date(2030, 1, 22), "dropped", "Not needed")]
    cli.refresh_from_db()
    diego.refresh_from_db()
    assert (cli.status, cli.closed_in, diego.status) == (ActionStatus.DROPPED, later, ActionStatus.OPEN)
    assert meeting_to_markdown(Meeting.objects.get(pk=later.pk)) == edited


def test_an_open_action_the_committee_never_agreed_is_refused_with_nothing_written(people, draft):
    later = meeting_with_open_actions(people, draft)
    text = meeting_to_markdown(later).replace("@cli: Cut v7 (from", "@cli: Cut v8 (from")

    result = import_data(text.encode(), Path("2030-01-22-runtime.md"), "runtime")

    assert result.outcome == ImportOutcome.FAILED
    assert "“@cli: Cut v8” agreed on 2030-01-08 is not one of the committee's actions open then" in result.message
    assert not ActionOutcome.objects.exists()
    assert Meeting.objects.get(pk=later.pk).items.filter(kind=ItemKind.ACTIONS).exists()


def test_a_published_meetings_minutes_list_only_actions_agreed_in_published_minutes(people, draft):
    later = meeting_with_open_actions(people, draft)
    Meeting.objects.filter(pk=later.pk).update(status=MeetingStatus.PUBLISHED)

    assert "## Action items\n\nNo open action items.\n" in meeting_to_markdown(Meeting.objects.get(pk=later.pk))


def test_moving_a_report_takes_its_actions_with_their_outcomes(people, draft):
    report = draft.reports.get(team=people["team_x"])
    save_report(report, body="- Shipped.\n", by=people["lead_x"])
    report.refresh_from_db()
    record_action(report, action=SHIP, by=people["lead_x"], expected_version=report.version)
    report.refresh_from_db()
    action = ActionItem.objects.get()
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    record_outcome(action, meeting=later, outcome=Outcome.CARRIED, note="Next time", by=people["chair"])
    earlier = create_meeting(people["runtime"], day=date(2029, 12, 11))

    move_report(report, to=earlier, by=people["chair"])

    moved = ActionItem.objects.get()
    assert (moved.pk, moved.meeting, moved.anchor, moved.created_by) == (action.pk, earlier, "diego", people["lead_x"])
    assert [(o.meeting, o.outcome, o.note) for o in moved.outcomes.all()] == [(later, "carried", "Next time")]
    assert not draft.actions.exists()


def test_importing_a_meeting_again_keeps_its_actions_and_their_outcomes(people):
    path = Path("2018-07-10-runtime.md")
    meeting = import_data(MINUTES_FILE.encode(), path, "runtime").meeting
    later = create_meeting(people["runtime"], day=date(2018, 7, 24))
    action = meeting.actions.get(owner="diego")
    record_outcome(action, meeting=later, outcome=Outcome.DONE, note="Booked", by=people["chair"])
    # The line moves from the chair's section to the team's, whose heading changes; the rest is edited.
    edited = (
        MINUTES_FILE.replace("- [ ] @diego: Book the summit room (due 2018-08-01)\n", "")
        .replace("### Diego - Eric Malm\n", "### Diego - Eric Malm, Abby Chau\n\n- [ ] @diego: Book the summit room\n")
        .replace("Summit next month.", "Summit in August.")
    )

    result = import_data(edited.encode(), path, "runtime")

    assert result.outcome == ImportOutcome.UPDATED, result.message
    kept = ActionItem.objects.get(owner="diego")
    assert (kept.pk, kept.section, kept.due, kept.status, kept.closed_in) == (
        action.pk,
        "Diego",
        None,
        ActionStatus.DONE,
        later,
    )
    assert [(o.meeting, o.outcome, o.note) for o in kept.outcomes.all()] == [(later, "done", "Booked")]


def test_a_history_replay_indexing_later_reads_the_open_actions_too(people, draft):
    later = meeting_with_open_actions(people, draft)
    record_outcome(ActionItem.objects.get(owner="cli"), meeting=later, outcome=Outcome.DONE, note="", by=None)
    files = [meeting_to_markdown(Meeting.objects.get(pk=m.pk)) for m in (draft, later)]
    Meeting.objects.all().delete()

    results = [
        import_data(text.encode(), Path(f"{day}-runtime.md"), "runtime", reindex=False)
        for text, day in zip(files, ["2030-01-08", "2030-01-22"], strict=True)
    ]

    assert [r.outcome for r in results] == [ImportOutcome.IMPORTED] * 2, [r.message for r in results]
    assert outcomes() == [("cli", "Cut v7", date(2030, 1, 22), "done", "")]
