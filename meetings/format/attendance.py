"""The attendance as the minutes write it.

The 2015 minutes list attendees under their own `## Attendees` heading, right
after the agenda, one `* Name, Company` line each. A meeting imported with
such a section keeps it as its notes; recorded attendance is only written
where no such section exists, so the archive's files come back unchanged.
"""

from collections.abc import Iterable, Sequence

from .choices import ItemKind

ATTENDEES_TITLE = "Attendees"


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
