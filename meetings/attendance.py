"""Who came to a meeting: the roster accounts a chair may tick, and the list as the minutes write it.

The 2015 minutes list attendees under their own `## Attendees` heading, right
after the agenda, one `* Name, Company` line each. A meeting imported with
such a section keeps it as its notes; recorded attendance is only written
where no such section exists, so the archive's files come back unchanged.
"""

from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Attendee, ItemKind, Meeting, TeamStatus

ATTENDEES_TITLE = "Attendees"


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def roster_accounts(committee) -> list:
    """The committee's chairs and the leads and co-leads of its teams that are not retired, by name."""
    teams = committee.teams.exclude(status=TeamStatus.RETIRED)
    users = (
        get_user_model()
        .objects.filter(
            Q(chaired_committees=committee) | Q(led_teams__in=teams) | Q(co_led_teams__in=teams), is_active=True
        )
        .distinct()
    )
    return sorted(users, key=lambda user: display_name(user).casefold())


def has_attendees_section(items: Iterable) -> bool:
    """Whether the minutes already hold a section titled “Attendees” (as imported 2015 minutes do)."""
    return any(item.level and item.title.strip().casefold() == ATTENDEES_TITLE.casefold() for item in items)


def attendee_lines(attendees: Iterable) -> list[str]:
    """The archive's list: `* Name, Affiliation`, or `* Name` without one."""
    return [f"* {attendee}" for attendee in attendees]


def attendance_block(items: Sequence, attendees: Sequence) -> str:
    """The `## Attendees` section to write after the agenda, or "" when there is nothing (new) to write."""
    if not attendees or has_attendees_section(items):
        return ""
    return f"## {ATTENDEES_TITLE}\n\n" + "\n".join(attendee_lines(attendees))


def attendees_after(items: Sequence) -> int | None:
    """Position in `items` after which the attendance goes: the agenda's section, else before everything (-1)."""
    for index, item in enumerate(items):
        if item.level and item.kind == ItemKind.AGENDA:
            return index
    return -1


def affiliations_known(users: Iterable, meeting: Meeting) -> dict[int, str]:
    """Each account's affiliation in this meeting, else as last recorded in an earlier one (one query)."""
    known: dict[int, str] = {}
    rows = (
        Attendee.objects.filter(user__in=list(users), meeting__date__lte=meeting.date)
        .exclude(affiliation="")
        .order_by("meeting__date")
        .values_list("user_id", "meeting_id", "affiliation")
    )
    this_meeting: dict[int, str] = {}
    for user_id, meeting_id, affiliation in rows:
        known[user_id] = affiliation  # later meetings overwrite earlier ones
        if meeting_id == meeting.pk:
            this_meeting[user_id] = affiliation
    return {**known, **this_meeting}


@transaction.atomic
def record_attendance(meeting: Meeting, accounts: Sequence[tuple], others: Sequence[tuple[str, str]]) -> list[Attendee]:
    """Replace the meeting's attendees: `accounts` as (user, affiliation), then `others` as (name, affiliation)."""
    rows = [
        Attendee(meeting=meeting, user=user, name=display_name(user), affiliation=affiliation)
        for user, affiliation in accounts
    ]
    rows += [Attendee(meeting=meeting, name=name, affiliation=affiliation) for name, affiliation in others]
    for position, row in enumerate(rows):
        row.position = position
    meeting.attendees.all().delete()
    # Attendance is not a revision: touching the meeting gives its cached minutes a new version.
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now())
    return Attendee.objects.bulk_create(rows)
