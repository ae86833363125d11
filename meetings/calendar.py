"""A committee's meetings as an iCalendar feed (RFC 5545) that calendar apps subscribe to.

The feed lists the meetings that take place: every meeting not cancelled from
`PAST_DAYS` ago on, drafts and published alike, so that a meeting stays in
subscribers' calendars for a while after it was held. A cancelled meeting is
left out, and calendar apps drop it at their next refresh.

A timed meeting starts at its local time in the committee's time zone (a TZID
with its VTIMEZONE), so that a calendar moves it with the committee's summer
time, and lasts the committee's duration. Its URL is a page every subscriber
may open: the minutes once published, the committee's page until then (a
draft is not public).
"""

from collections.abc import Callable, Iterable
from datetime import UTC, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Event, vDuration

from .models import Committee, Meeting, MeetingStatus

PAST_DAYS = 90
REFRESH = timedelta(hours=6)  # how often subscribers should fetch the feed again


def feed_meetings(committee: Committee) -> QuerySet:
    """The committee's meetings the feed lists, soonest first."""
    since = timezone.localdate() - timedelta(days=PAST_DAYS)
    return (
        Meeting.objects.for_committee(committee)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(date__gte=since)
        .select_related("committee")
        .order_by("date")
    )


def committee_calendar(
    committee: Committee, meetings: Iterable[Meeting], *, domain: str, absolute_url: Callable[[str], str]
) -> bytes:
    """The iCalendar text of these meetings; `domain` makes their UIDs, `absolute_url` makes a path a URL."""
    calendar = Calendar()
    calendar.add("prodid", "-//PMC Minutes//Meetings of a committee//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", f"{committee.name} PMC meetings")
    calendar.add("x-wr-calname", f"{committee.name} PMC meetings")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # X- properties are text unless typed
    days = []
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, committee, domain=domain, absolute_url=absolute_url))
        days.append(meeting.date)
    if days:
        # The zone's rules over the meetings' span (the default span ends in 2038).
        calendar.add_missing_timezones(
            first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
        )
    return calendar.to_ical()


def meeting_event(meeting: Meeting, committee: Committee, *, domain: str, absolute_url: Callable[[str], str]) -> Event:
    """One meeting as a VEVENT: timed in the committee's zone when it has a start, an all-day event otherwise."""
    event = Event()
    # The primary key never changes, so calendar apps update the event rather than duplicate it.
    event.add("uid", f"meeting-{meeting.pk}@{domain}")
    # Without a METHOD, DTSTAMP is when the event last changed in the store (RFC 5545, 3.8.7.2).
    event.add("dtstamp", meeting.updated_at.astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    if meeting.starts_at is not None:
        event.add("dtstart", meeting.starts_at.astimezone(committee.zone))
        event.add("duration", timedelta(minutes=committee.duration_minutes or 30))
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + timedelta(days=1))
    event.add("summary", meeting.title)
    event.add("status", "CONFIRMED")
    if meeting.is_published:
        page = absolute_url(meeting.get_absolute_url())
        description = [f"Minutes: {page}"]
    else:
        page = absolute_url(committee.get_absolute_url())
        description = [f"The minutes will be published at {page}"]
    event.add("url", page)
    if committee.meeting_link:
        event.add("location", committee.meeting_link)
        description.insert(0, f"Join: {committee.meeting_link}")
    event.add("description", "\n".join(description))
    return event
