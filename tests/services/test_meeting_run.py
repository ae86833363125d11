"""The chair's run of a meeting (meetings/services/meeting_run.py): start, current section and its clock, end,
attendance one person at a time, lines added in the section being discussed, and what the followers are told."""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from pycrdt import Doc, Text

from meetings.format.actions import ActionLine
from meetings.format.decisions import DecisionLine
from meetings.models import ActionItem, MeetingRun, SectionTime
from meetings.queries.live_run import attendance_people, run_state
from meetings.services import decisions, live_events, meeting_run
from meetings.services.editing import save_item
from meetings.services.live import open_room
from meetings.services.meeting_run import (
    RunError,
    end_meeting,
    record_action_now,
    record_decision_now,
    set_attendance,
    set_current_section,
    start_meeting,
)
from tests.support.builders import make_user
from tests.support.live import drop_rooms

pytestmark = pytest.mark.django_db

NINE = datetime(2030, 1, 8, 9, 0, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture
def told(monkeypatch) -> list[tuple[int, dict]]:
    """What the followers were told (services/live_events.publish), in order."""
    sent = []
    monkeypatch.setattr(live_events, "publish", lambda meeting_id, event: sent.append((meeting_id, event)))
    return sent


@pytest.fixture(autouse=True)
def no_room_outlives_its_test():
    yield
    drop_rooms()


def item(draft, title):
    return draft.items.get(title=title)


def report(draft, people, team="team_x"):
    return draft.reports.get(team=people[team])


def test_starting_records_when_and_who_and_tells_the_followers_once_committed(
    draft, people, told, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = start_meeting(draft, by=people["chair"], at=NINE)

    assert (run.started_at, run.started_by, run.ended_at) == (NINE, people["chair"], None)
    assert len(callbacks) == 1
    [(meeting_id, event)] = told
    assert meeting_id == draft.pk
    assert (event["type"], event["state"], event["started_at"]) == ("run", "running", "2030-01-08T09:00:00Z")


def test_starting_twice_changes_nothing_and_tells_nobody(draft, people, told, django_capture_on_commit_callbacks):
    start_meeting(draft, by=people["chair"], at=NINE)
    with django_capture_on_commit_callbacks(execute=True):
        again = start_meeting(draft, by=people["other_chair"], at=NINE + minutes(5))

    assert (again.started_at, again.started_by) == (NINE, people["chair"])
    assert told == [] and MeetingRun.objects.count() == 1


def test_time_is_accumulated_per_section_across_switches(draft, people):
    announcements, discussion = item(draft, "Announcements"), item(draft, "Discussion")
    start_meeting(draft, by=people["chair"], at=NINE)
    set_current_section(draft, announcements, by=people["chair"], at=NINE + minutes(1))
    set_current_section(draft, discussion, by=people["chair"], at=NINE + minutes(4))
    set_current_section(draft, announcements, by=people["chair"], at=NINE + minutes(10))

    state = run_state(draft, now=NINE + minutes(12))

    assert state.current.anchor == "section-announcements"
    assert state.elapsed(state.clock("section-announcements")) == 5 * 60  # 3 before, 2 running now
    assert state.elapsed(state.clock("section-discussion")) == 6 * 60
    assert state.clock("section-announcements").spent == 3 * 60  # what the followers add their own ticking to


def test_setting_the_current_section_again_keeps_its_clock_running(draft, people):
    announcements = item(draft, "Announcements")
    start_meeting(draft, by=people["chair"], at=NINE)
    set_current_section(draft, announcements, by=people["chair"], at=NINE)
    set_current_section(draft, announcements, by=people["chair"], at=NINE + minutes(3))

    run = MeetingRun.objects.get()
    assert run.current_since == NINE and not SectionTime.objects.exists()


def test_a_reports_planned_time_is_its_share_of_the_backlog_review_which_counts_its_teams_time(draft, people):
    backlog = item(draft, "Backlog Reviews")
    backlog.duration_minutes = 20
    backlog.save()
    start_meeting(draft, by=people["chair"], at=NINE)
    set_current_section(draft, report(draft, people), by=people["chair"], at=NINE)
    set_current_section(draft, report(draft, people, "team_y"), by=people["chair"], at=NINE + minutes(12))

    state = run_state(draft, now=NINE + minutes(13))

    diego, cli, review = state.clock("diego"), state.clock("cli"), state.clock("section-backlog-reviews")
    assert (diego.planned, cli.planned, review.planned) == (600, 600, 1200)
    assert diego.over and diego.elapsed == 720
    assert not cli.over and cli.elapsed == 60 and cli.running
    assert review.elapsed == 780 and review.running
    assert state.clock("section-discussion").planned is None  # no time set for it on the agenda


def test_an_agenda_items_planned_time_is_its_duration_and_over_time_is_reported(draft, people):
    discussion = item(draft, "Discussion")
    discussion.duration_minutes = 5
    discussion.save()
    start_meeting(draft, by=people["chair"], at=NINE)
    set_current_section(draft, discussion, by=people["chair"], at=NINE)

    assert not run_state(draft, now=NINE + minutes(5)).clock("section-discussion").over
    late = run_state(draft, now=NINE + minutes(6)).event()
    assert late["clocks"]["section-discussion"] == {
        "title": "Discussion",
        "spent": 0,
        "planned": 300,
        "running": True,
    }
    assert late["since"] == "2030-01-08T09:00:00Z" and late["now"] == "2030-01-08T09:06:00Z"


def test_moving_before_the_start_or_after_the_end_is_refused_with_a_reason(draft, people):
    discussion = item(draft, "Discussion")
    with pytest.raises(RunError, match="Start the meeting first"):
        set_current_section(draft, discussion, by=people["chair"])
    with pytest.raises(RunError, match="nothing to end"):
        end_meeting(draft, by=people["chair"])

    start_meeting(draft, by=people["chair"], at=NINE)
    end_meeting(draft, by=people["chair"], at=NINE + minutes(30))

    with pytest.raises(RunError, match="has ended"):
        set_current_section(draft, discussion, by=people["chair"])


def test_ending_keeps_the_current_sections_time_and_marks_none_current(
    draft, people, told, django_capture_on_commit_callbacks
):
    discussion = item(draft, "Discussion")
    start_meeting(draft, by=people["chair"], at=NINE)
    set_current_section(draft, discussion, by=people["chair"], at=NINE + minutes(1))
    with django_capture_on_commit_callbacks(execute=True):
        run = end_meeting(draft, by=people["chair"], at=NINE + minutes(8))

    assert (run.ended_at, run.ended_by, run.current_key) == (NINE + minutes(8), people["chair"], None)
    state = run_state(draft, now=NINE + minutes(60))
    assert state.ended and state.current is None
    assert state.clock("section-discussion").elapsed == 7 * 60  # not running on after the end
    [(_, event)] = told
    assert (event["state"], event["current"], event["ended_at"]) == ("ended", None, "2030-01-08T09:08:00Z")


def test_an_ended_meeting_started_again_goes_on_with_its_start_and_clocks(draft, people):
    discussion = item(draft, "Discussion")
    start_meeting(draft, by=people["chair"], at=NINE)
    set_current_section(draft, discussion, by=people["chair"], at=NINE)
    end_meeting(draft, by=people["chair"], at=NINE + minutes(2))

    run = start_meeting(draft, by=people["chair"], at=NINE + minutes(3))
    set_current_section(draft, discussion, by=people["chair"], at=NINE + minutes(3))

    assert run.started_at == NINE and run.ended_at is None
    assert run_state(draft, now=NINE + minutes(4)).clock("section-discussion").elapsed == 3 * 60


def test_a_section_removed_while_current_loses_nothing_else(draft, people):
    notes = item(draft, "PMC Lifecycle Activities")
    start_meeting(draft, by=people["chair"], at=NINE)
    set_current_section(draft, notes, by=people["chair"], at=NINE)
    notes.delete()

    state = run_state(draft, now=NINE + minutes(1))

    assert state.current is None and state.running
    set_current_section(draft, item(draft, "Discussion"), by=people["chair"], at=NINE + minutes(1))  # no error


def test_a_failure_to_tell_the_followers_loses_nothing(draft, people, monkeypatch, django_capture_on_commit_callbacks):
    def down(meeting_id, event):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(live_events, "publish", down)
    with django_capture_on_commit_callbacks(execute=True):
        start_meeting(draft, by=people["chair"], at=NINE)

    assert MeetingRun.objects.get().started_at == NINE


# --- attendance ------------------------------------------------------------------------------------------------


def person(draft, key):
    return next(p for p in attendance_people(draft) if p.key == key)


def test_attendance_is_a_toggle_that_asked_twice_changes_nothing(
    draft, people, told, django_capture_on_commit_callbacks
):
    eric = person(draft, f"user:{people['lead_x'].pk}")
    with django_capture_on_commit_callbacks(execute=True):
        set_attendance(draft, person=eric, present=True, by=people["chair"])
        set_attendance(draft, person=person(draft, eric.key), present=True, by=people["chair"])

    assert [str(row) for row in draft.attendees.all()] == ["Eric Malm"]
    assert told == [(draft.pk, {"type": "attendance", "attendees": [{"name": "Eric Malm", "affiliation": ""}]})]

    set_attendance(draft, person=person(draft, eric.key), present=False, by=people["chair"])
    set_attendance(draft, person=person(draft, eric.key), present=False, by=people["chair"])
    assert not draft.attendees.exists()


def test_attendance_keeps_the_others_recorded_and_their_order(draft, people):
    abby, eric = person(draft, "name:Abby Chau"), person(draft, f"user:{people['lead_x'].pk}")
    set_attendance(draft, person=abby, present=True, by=people["chair"])
    set_attendance(draft, person=eric, present=True, by=people["chair"])
    set_attendance(draft, person=person(draft, "name:Abby Chau"), present=False, by=people["chair"])
    set_attendance(draft, person=person(draft, "name:Abby Chau"), present=True, by=people["chair"])

    assert [(row.name, row.user) for row in draft.attendees.all()] == [
        ("Eric Malm", people["lead_x"]),
        ("Abby Chau", None),
    ]


def test_an_account_without_a_name_cannot_be_listed(draft, people):
    nameless = person(draft, f"user:{people['lead_y'].pk}")

    with pytest.raises(RunError, match="lead-y has no name yet"):
        set_attendance(draft, person=nameless, present=True, by=people["chair"])
    assert not draft.attendees.exists()


def test_a_name_listed_already_is_not_listed_twice(draft, people):
    other = make_user("eric-2", first_name="Eric", last_name="Malm")
    draft.committee.chairs.add(other)
    set_attendance(draft, person=person(draft, f"user:{people['lead_x'].pk}"), present=True, by=people["chair"])

    with pytest.raises(RunError, match="Eric Malm is listed already"):
        set_attendance(draft, person=person(draft, f"user:{other.pk}"), present=True, by=people["chair"])


# --- decisions and actions in the section being discussed --------------------------------------------------------


def test_a_decision_goes_at_the_end_of_the_section_whatever_version_the_page_showed(draft, people):
    discussion = item(draft, "Discussion")
    stale = item(draft, "Discussion")
    assert save_item(discussion, body="Talked.\n", title="Discussion", agenda_label="", expected_version=1)

    record_decision_now(stale, decision=DecisionLine("Adopt Xenial"), by=people["chair"])

    assert item(draft, "Discussion").body == "Talked.\n\n> **Decision:** Adopt Xenial\n"


def test_an_action_recorded_now_is_claimed_by_its_recorder(draft, people):
    diego = report(draft, people)

    record_action_now(diego, action=ActionLine(owner="diego", text="Write the RFC"), by=people["lead_x"])

    assert "- [ ] @diego: Write the RFC" in report(draft, people).body
    assert ActionItem.objects.get().created_by == people["lead_x"]


def test_a_line_recorded_while_the_room_holds_unsaved_typing_keeps_the_typing(draft, people):
    discussion = item(draft, "Discussion")
    chair = people["chair"]

    async def type_in_the_room():
        room = await open_room(discussion)
        doc = Doc()
        doc.apply_update(room.answer_step1(doc.get_state()))
        before = doc.get_state()
        doc.get("body", type=Text).insert(0, "Typed live.\n")
        await room.apply(doc.get_update(before), by=chair)
        return room

    room = async_to_sync(type_in_the_room)()  # the ORM in this thread: it sees the test's transaction
    assert item(draft, "Discussion").body == ""  # not saved yet: the room's pause has not passed

    record_decision_now(discussion, decision=DecisionLine("Adopt Xenial"), by=chair)

    expected = "Typed live.\n\n> **Decision:** Adopt Xenial\n"
    assert item(draft, "Discussion").body == expected
    assert room.text == expected  # the room's people see the line at once


def test_a_line_the_minutes_refuse_is_refused_with_the_renderers_reason(draft, people, monkeypatch):
    discussion = item(draft, "Discussion")

    def refuse(*args, **kwargs):
        raise meeting_run.RoomError("This text nests too deeply to show.")

    monkeypatch.setattr(decisions, "merge_text", refuse)  # where the decision's text is saved

    with pytest.raises(RunError, match="nests too deeply"):
        record_decision_now(discussion, decision=DecisionLine("Adopt Xenial"), by=people["chair"])
