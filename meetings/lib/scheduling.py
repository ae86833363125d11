"""Date arithmetic of a committee's cadence: which days it meets, and when that is in UTC.

Pure functions of dates, times and zones; the models ask them (`Committee.next_meeting_dates`,
`Committee.starts_at_on`), so the rules live in one place and are tested without a database.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> ZoneInfo:
    """The IANA time zone of that name; UTC for an empty or unknown one rather than an error page."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def starts_at(day: date, start: time, zone_name: str) -> datetime:
    """The UTC instant of `start` o'clock on `day` in that zone, the zone's daylight saving time applied.

    A local time skipped by a change to summer time (02:30 on the night clocks
    go forward) is taken as the instant it would have been before the change,
    as `zoneinfo` does for fold=0.
    """
    return datetime.combine(day, start, tzinfo=zone(zone_name)).astimezone(UTC)


def nearest_weekday(day: date, weekday: int) -> date:
    """The date on that weekday (0 is Monday) closest to `day`, at most three days either side."""
    offset = (weekday - day.weekday()) % 7
    return day + timedelta(days=offset - 7 if offset > 3 else offset)


def cadence_dates(
    count: int, *, every_weeks: int, weekday: int | None, after: date, latest: date | None = None
) -> list[date]:
    """`count` dates `every_weeks` weeks apart, the first one strictly after `after`.

    They keep in step with `latest`, the committee's latest meeting on or before
    `after`: the first is `every_weeks` after it (moved to the nearest `weekday`
    when that meeting was held on another day) or, if that is already past, the
    first date after `after` in the same rhythm. Without a latest meeting, the
    first is the next `weekday` after `after` (the day after it with no weekday).
    """
    step = timedelta(weeks=max(every_weeks, 1))
    if latest is None:
        first = after + timedelta(days=1)
        if weekday is not None:
            first += timedelta(days=(weekday - first.weekday()) % 7)
    else:
        first = latest + step
        if weekday is not None:
            first = nearest_weekday(first, weekday)
        if first <= after:
            # A pause in the meetings: skip the missed dates, keep the rhythm.
            first += step * ((after - first) // step + 1)
    return dates_from(first, count, every_weeks=every_weeks)


def dates_from(first: date, count: int, *, every_weeks: int) -> list[date]:
    """`count` dates from `first` on, `every_weeks` weeks apart."""
    step = timedelta(weeks=max(every_weeks, 1))
    return [first + step * i for i in range(count)]


def days_in_words(day: date, today: date) -> str:
    """When `day` is, seen from `today`: "today", "tomorrow", "in 3 days", "yesterday", "2 days ago"."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"
