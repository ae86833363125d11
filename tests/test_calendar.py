"""The iCalendar feed of a committee's meetings: valid, public, the meetings that take place, in the
committee's time zone, linking to pages the public can open."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar import PAST_DAYS
from meetings.models import Meeting
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting, schedule_meetings
from tests.support.accounts import sign_in

FEED = "/runtime/meetings.ics"


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def by_summary(response) -> dict:
    return {str(event["SUMMARY"]): event for event in events(response)}


LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def test_the_feed_lists_the_scheduled_meetings_in_the_committees_time_zone(client, runtime):
    schedule_meetings(runtime, count=3, first=date(2030, 10, 22))

    found = events(client.get(FEED))

    assert len(found) == 3
    assert len({str(event["UID"]) for event in found}) == 3
    meetings = Meeting.objects.filter(committee=runtime).order_by("date")
    assert [str(event["UID"]) for event in found] == [f"meeting-{m.pk}@testserver" for m in meetings]
    starts = [event.decoded("DTSTART") for event in found]
    assert starts == [
        datetime(2030, 10, 22, 17, 30, tzinfo=UTC),
        datetime(2030, 11, 5, 18, 30, tzinfo=UTC),  # after the change to winter time
        datetime(2030, 11, 19, 18, 30, tzinfo=UTC),
    ]
    # The committee's local time, 10:30 in Los Angeles before and after the change of clocks.
    assert [event["DTSTART"].params["TZID"] for event in found] == ["America/Los_Angeles"] * 3
    assert [(start.astimezone(LOS_ANGELES).hour, start.astimezone(LOS_ANGELES).minute) for start in starts] == [
        (10, 30)
    ] * 3
    assert [event.decoded("DURATION") for event in found] == [timedelta(minutes=45)] * 3
    first = found[0]
    assert str(first["SUMMARY"]) == "Runtime PMC Meeting 2030-10-22"
    assert str(first["LOCATION"]) == "https://zoom.example.org/j/123"
    assert "Join: https://zoom.example.org/j/123" in str(first["DESCRIPTION"])
    # A draft is not public: the event links to the committee's page until the minutes are published.
    assert str(first["URL"]) == "http://testserver/runtime/"
    assert client.get("/runtime/").status_code == 200
    assert client.get("/runtime/2030-10-22/").status_code != 200
    assert first.decoded("DTSTAMP").utcoffset() == timedelta(0)


def test_the_zone_of_the_events_is_defined_in_the_feed(client, runtime):
    schedule_meetings(runtime, count=1, first=date(2030, 10, 22))

    calendar = Calendar.from_ical(client.get(FEED).content)

    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Los_Angeles"
    assert b"DTSTART;TZID=America/Los_Angeles:20301022T103000" in client.get(FEED).content


def test_published_minutes_are_linked_from_their_event(client, runtime):
    [meeting] = schedule_meetings(runtime, count=1, first=timezone.localdate() - timedelta(days=7)).created
    publish_meeting(meeting)

    [event] = events(client.get(FEED))

    url = f"http://testserver{meeting.get_absolute_url()}"
    assert str(event["URL"]) == url
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert f"Minutes: {url}" in str(event["DESCRIPTION"])


def test_the_feed_is_valid_icalendar(client, runtime):
    schedule_meetings(runtime, count=1, first=date(2030, 10, 22))

    response = client.get(FEED)
    calendar = Calendar.from_ical(response.content)

    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", "-//PMC Minutes//Meetings of a committee//EN")
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))  # folded (RFC 5545, 3.1)
    event = calendar.walk("VEVENT")[0]
    for required in ("UID", "DTSTAMP", "DTSTART", "DURATION", "SUMMARY"):
        assert required in event
    assert "DTEND" not in event  # one or the other (RFC 5545, 3.6.1)
    assert response.content.count(b"DTSTART;TZID=America/Los_Angeles:20301022T103000") == 1
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\nX-PUBLISHED-TTL:PT6H\r\n" in response.content


def test_a_meeting_without_a_time_is_an_all_day_event(client, people, draft):
    event = events(client.get(FEED))[0]

    assert event.decoded("DTSTART") == date(2030, 1, 8)
    assert not isinstance(event.decoded("DTSTART"), datetime)
    assert event.decoded("DTEND") == date(2030, 1, 9)
    assert str(event["URL"]) == "http://testserver/runtime/"
    assert "/runtime/2030-01-08/" not in str(event["DESCRIPTION"])  # a draft: not a page for the public
    assert "http://testserver/runtime/" in str(event["DESCRIPTION"])


def test_cancelled_meetings_old_minutes_and_other_committees_are_left_out(client, people, runtime):
    today = timezone.localdate()
    kept = create_meeting(runtime, day=date(2030, 1, 8))
    cancelled = create_meeting(runtime, day=date(2030, 1, 22))
    cancelled.cancel()
    recent = create_meeting(runtime, day=today - timedelta(days=10))
    publish_meeting(recent)
    old = create_meeting(runtime, day=today - timedelta(days=PAST_DAYS + 1))
    publish_meeting(old)
    create_meeting(people["extensions"], day=date(2030, 1, 9))

    summaries = set(by_summary(client.get(FEED)))

    assert summaries == {kept.title, recent.title}


def test_a_meeting_cancelled_after_subscribing_disappears_from_the_feed(client, runtime):
    meeting = create_meeting(runtime, day=date(2030, 1, 8))
    assert len(events(client.get(FEED))) == 1

    meeting.cancel()
    assert events(client.get(FEED)) == []

    meeting.uncancel()
    assert [str(e["UID"]) for e in events(client.get(FEED))] == [f"meeting-{meeting.pk}@testserver"]


@pytest.mark.parametrize("who", ["anonymous", "member", "lead_x", "chair"])
def test_the_feed_is_public(client, people, draft, who):
    sign_in(client, people, who)
    assert len(events(client.get(FEED))) == 1


def test_an_unknown_committee_has_no_feed(client, db):
    assert client.get("/nobody/meetings.ics").status_code == 404
