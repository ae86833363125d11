"""Scheduling the next meetings from a committee's cadence: the dates, their UTC times, pre-filled and idempotent."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from meetings.format.outline import text_to_entries
from meetings.lib.scheduling import cadence_dates, nearest_weekday, starts_at
from meetings.models import Meeting
from meetings.services.editing import save_report, save_roadmap
from tests.support.accounts import login_redirect, sign_in
from tests.support.html_tree import parse_html
from tests.support.pages import page_form

SCHEDULE = "/runtime/meetings/schedule/"
TUESDAY = 1


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def runtime(people):
    """Runtime meets every other Tuesday at 10:30 in Los Angeles, 45 minutes on Zoom."""
    committee = people["runtime"]
    committee.timezone = "America/Los_Angeles"
    committee.weekday = TUESDAY
    committee.start_time = time(10, 30)
    committee.cadence_weeks = 2
    committee.duration_minutes = 45
    committee.meeting_link = "https://zoom.example.org/j/123"
    committee.save()
    return committee


def shape(meeting: Meeting) -> dict:
    """Everything a new meeting is pre-filled with, comparable between two meetings."""
    return {
        "items": list(meeting.items.values_list("position", "title", "kind", "agenda_label", "body", "footnote")),
        "reports": list(meeting.reports.values_list("position", "team__slug", "heading", "leads", "body")),
        "roadmap": list(meeting.roadmap_entries.values_list("horizon", "position", "text", "is_heading")),
        "status": meeting.status,
        "local start": meeting.starts_at.astimezone(meeting.committee.zone).time() if meeting.starts_at else None,
    }


# The date arithmetic, without a database.


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


# The page.


def test_the_chair_schedules_meetings_through_the_form(client, runtime, people):
    client.force_login(people["chair"])
    page = client.get(SCHEDULE)
    assert page.status_code == 200
    assert page_form(page) == {"csrfmiddlewaretoken": page_form(page)["csrfmiddlewaretoken"], "count": "4", "first": ""}
    assert len(parse_html(page.content.decode()).find("ul", class_="schedule-preview").find_all("li")) == 4

    response = client.post(SCHEDULE, {"count": "3", "first": "2030-10-22"}, follow=True)

    assert response.redirect_chain == [("/runtime/", 302)]
    assert [m.date for m in Meeting.objects.filter(committee=runtime).order_by("date")] == [
        date(2030, 10, 22),
        date(2030, 11, 5),
        date(2030, 11, 19),
    ]
    text = response.content.decode()
    assert "Created 3 meeting(s), pre-filled: 2030-10-22, 2030-11-05, 2030-11-19." in text
    # The chair's list shows each meeting's local time, with the zone.
    assert "10:30 America/Los_Angeles" in text

    again = client.post(SCHEDULE, {"count": "3", "first": "2030-10-22"}, follow=True)
    assert "Left alone 3 date(s) that already had a meeting: 2030-10-22, 2030-11-05, 2030-11-19." in (
        again.content.decode()
    )
    assert Meeting.objects.filter(committee=runtime).count() == 3


@pytest.mark.parametrize("count", ["0", "27", "many"])
def test_a_bad_number_of_meetings_is_a_form_error(client, runtime, people, count):
    client.force_login(people["chair"])
    response = client.post(SCHEDULE, {"count": count})
    assert response.status_code == 200
    assert parse_html(response.content.decode()).find(class_="errorlist") is not None
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead_x", 403), ("member", 403), ("other_chair", 403), ("chair", 200), ("superuser", 200)],
)
def test_only_the_committees_chairs_may_schedule(client, runtime, people, who, status):
    sign_in(client, people, who)
    assert client.get(SCHEDULE).status_code == status
    posted = client.post(SCHEDULE, {"count": "2", "first": "2030-01-08"})
    assert posted.status_code == (302 if status == 200 else status)
    assert Meeting.objects.exists() == (status == 200)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, runtime):
    response = client.get(SCHEDULE)
    assert (response.status_code, response["Location"]) == (302, login_redirect(SCHEDULE))
    assert client.post(SCHEDULE, {"count": "2"}).status_code == 302
    assert not Meeting.objects.exists()


def test_the_meeting_page_shows_the_time_in_the_committees_zone(client, runtime, people):
    Meeting.objects.schedule(runtime, 2, first=date(2030, 10, 29))
    client.force_login(people["chair"])

    for url in ("/runtime/2030-11-12/", "/runtime/2030-11-12/edit/"):
        start = parse_html(client.get(url).content.decode()).find("time", class_="starts-at")
        assert start is not None, url
        assert (start.text, start.attrs["datetime"]) == ("10:30 America/Los_Angeles", "2030-11-12T18:30:00+00:00")


def test_the_public_archive_lists_upcoming_meetings_with_their_time(client, runtime):
    Meeting.objects.schedule(runtime, 2, first=timezone.localdate() + timedelta(days=1))

    page = parse_html(client.get("/runtime/").content.decode())

    upcoming = page.find("ul", class_="upcoming").find_all("li")
    assert len(upcoming) == 2
    assert all("America/Los_Angeles" in item.text for item in upcoming)
    assert page.find("a", href="/runtime/meetings.ics") is not None
