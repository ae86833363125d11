"""Scheduling the next meetings from a committee's cadence: the dates, their UTC times, pre-filled and idempotent."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from meetings.format.outline import text_to_entries
from meetings.lib.scheduling import cadence_dates, nearest_weekday, starts_at
from meetings.models import Meeting
from meetings.services.editing import save_report, save_roadmap

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


# The date arithmetic, without a database (meetings/lib/scheduling.py).


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2030, 1, 8), date(2030, 1, 8)),  # a Tuesday stays
        (date(2030, 1, 7), date(2030, 1, 8)),  # Monday: the next day
        (date(2030, 1, 10), date(2030, 1, 8)),  # Thursday: two days back
        (date(2030, 1, 11), date(2030, 1, 8)),  # Friday: three back rather than four ahead
        (date(2030, 1, 12), date(2030, 1, 15)),  # Saturday: three ahead rather than four back
    ],
)
def test_a_meeting_held_on_another_day_is_moved_to_the_nearest_weekday(day, expected):
    assert nearest_weekday(day, TUESDAY) == expected


def test_the_cadence_continues_from_the_latest_meeting():
    dates = cadence_dates(3, every_weeks=2, weekday=TUESDAY, after=date(2030, 1, 10), latest=date(2030, 1, 8))
    assert dates == [date(2030, 1, 22), date(2030, 2, 5), date(2030, 2, 19)]


def test_after_a_pause_the_cadence_keeps_its_rhythm_and_skips_the_missed_dates():
    dates = cadence_dates(2, every_weeks=2, weekday=TUESDAY, after=date(2030, 3, 1), latest=date(2030, 1, 8))
    # 2030-01-08 + 8 weeks = 2030-03-05, the first date of that rhythm after 1 March.
    assert dates == [date(2030, 3, 5), date(2030, 3, 19)]


def test_a_meeting_moved_to_a_wednesday_does_not_move_the_cadence():
    dates = cadence_dates(1, every_weeks=2, weekday=TUESDAY, after=date(2030, 1, 9), latest=date(2030, 1, 9))
    assert dates == [date(2030, 1, 22)]


def test_without_a_meeting_the_cadence_starts_on_the_next_weekday():
    assert cadence_dates(2, every_weeks=1, weekday=TUESDAY, after=date(2030, 1, 8)) == [
        date(2030, 1, 15),
        date(2030, 1, 22),
    ]


@pytest.mark.parametrize(
    ("day", "instant"),
    [
        (date(2030, 10, 29), utc(2030, 10, 29, 17, 30)),  # PDT, UTC-7
        (date(2030, 11, 5), utc(2030, 11, 5, 18, 30)),  # PST after 3 November, UTC-8
        (date(2031, 3, 4), utc(2031, 3, 4, 18, 30)),  # PST
        (date(2031, 3, 11), utc(2031, 3, 11, 17, 30)),  # PDT after 9 March
    ],
)
def test_the_local_start_is_the_right_utc_instant_on_both_sides_of_a_dst_change(day, instant):
    assert starts_at(day, time(10, 30), "America/Los_Angeles") == instant


# The committee and the manager.


def test_scheduled_meetings_start_at_the_local_time_across_the_november_change(runtime):
    created, skipped = Meeting.objects.schedule(runtime, 3, first=date(2030, 10, 22))

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

    created, _ = Meeting.objects.schedule(runtime, 2, first=date(2031, 3, 4))

    assert [m.starts_at for m in created] == [utc(2031, 3, 4, 18, 30), utc(2031, 3, 11, 17, 30)]


def test_scheduling_is_idempotent(runtime):
    first = Meeting.objects.schedule(runtime, 3, first=date(2030, 1, 8))
    again = Meeting.objects.schedule(runtime, 3, first=date(2030, 1, 8))

    assert len(first.created) == 3
    assert again.created == []
    assert again.skipped == [date(2030, 1, 8), date(2030, 1, 22), date(2030, 2, 5)]
    assert Meeting.objects.filter(committee=runtime).count() == 3


def test_scheduling_with_the_default_dates_is_idempotent_too(runtime):
    """The default window starts after the latest meeting held, not after the meetings just scheduled."""
    first = Meeting.objects.schedule(runtime, 2)
    again = Meeting.objects.schedule(runtime, 2)

    today = datetime.now(runtime.zone).date()
    assert len(first.created) == 2
    assert all(m.date > today and m.date.weekday() == TUESDAY for m in first.created)
    assert first.created[1].date - first.created[0].date == timedelta(weeks=2)
    assert again.created == []
    assert Meeting.objects.filter(committee=runtime).count() == 2


def test_dates_that_already_have_a_meeting_are_skipped_and_left_alone(runtime, people):
    taken = Meeting.objects.create_from_roster(runtime, date(2030, 1, 22), title="Moved to the offsite")
    save_report(taken.reports.get(team=people["team_x"]), body="- Written early\n", by=people["lead_x"])
    cancelled = Meeting.objects.create_from_roster(runtime, date(2030, 2, 5))
    cancelled.cancel()

    created, skipped = Meeting.objects.schedule(runtime, 4, first=date(2030, 1, 8))

    assert [m.date for m in created] == [date(2030, 1, 8), date(2030, 2, 19)]
    assert skipped == [date(2030, 1, 22), date(2030, 2, 5)]
    taken.refresh_from_db()
    assert taken.title == "Moved to the offsite"
    assert taken.reports.get(team=people["team_x"]).body == "- Written early\n"
    cancelled.refresh_from_db()
    assert cancelled.is_cancelled


def test_each_scheduled_meeting_is_prefilled_as_a_single_creation(runtime, people):
    earlier = Meeting.objects.create_from_roster(runtime, date(2029, 12, 25))
    roadmap = text_to_entries("## Soon\n- Cell rebalancing (Diego)\n## Next\n- CLI v7 (CLI)\n")
    assert save_roadmap(earlier, entries=roadmap, expected_version=earlier.roadmap_version)

    created, _ = Meeting.objects.schedule(runtime, 2, first=date(2030, 1, 8))
    single = Meeting.objects.create_from_roster(runtime, date(2030, 3, 5))

    assert [m.title for m in created] == ["Runtime PMC Meeting 2030-01-08", "Runtime PMC Meeting 2030-01-22"]
    for meeting in created:
        assert shape(meeting) == shape(single)
    assert shape(single)["reports"][0][:3] == (0, "diego", "### Diego - Eric Malm")
    assert {team.slug for team in created[0].roadmap_entries.get(text__contains="Cell").teams.all()} == {"diego"}
    assert shape(single)["local start"] == time(10, 30)


def test_a_committee_without_a_start_time_gets_meetings_without_one(people):
    meeting = Meeting.objects.create_from_roster(people["runtime"], date(2030, 1, 8))
    assert meeting.starts_at is None


def test_the_next_dates_follow_the_latest_meeting_held(runtime):
    Meeting.objects.create_from_roster(runtime, date(2030, 1, 8))

    assert runtime.next_meeting_dates(3, after=date(2030, 1, 10)) == [
        date(2030, 1, 22),
        date(2030, 2, 5),
        date(2030, 2, 19),
    ]
    assert runtime.next_meeting_dates(2, first=date(2030, 1, 9)) == [date(2030, 1, 9), date(2030, 1, 23)]
