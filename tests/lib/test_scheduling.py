"""Scheduling the next meetings from a committee's cadence: the dates, their UTC times, pre-filled and idempotent."""

from datetime import UTC, date, datetime, time

import pytest

from meetings.lib.scheduling import cadence_dates, days_in_words, nearest_weekday, starts_at

TUESDAY = 1


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


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


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2030, 1, 11), "in 3 days"),
        (date(2030, 1, 9), "tomorrow"),
        (date(2030, 1, 8), "today"),
        (date(2030, 1, 7), "yesterday"),
        (date(2030, 1, 6), "2 days ago"),
    ],
)
def test_a_day_is_said_in_words_from_today(day, words):
    assert days_in_words(day, date(2030, 1, 8)) == words
