"""Recording who came to a meeting (the list as the minutes write it is format/attendance.py)."""

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from ..models import Attendee, Meeting
from ..queries.attendance import display_name
from .mirroring import mirror_later


@transaction.atomic
def record_attendance(
    meeting: Meeting,
    *,
    accounts: Sequence[tuple],
    others: Sequence[tuple[str, str]],
    typed_names: Mapping[int, str] | None = None,
    by=None,
) -> list[Attendee]:
    """Replace the meeting's attendees: `accounts` as (user, affiliation), then `others` as (name, affiliation).

    An account is listed under its person's name, else under the name the
    chair typed for it (`typed_names`, by user id); with neither it cannot be
    (a username is never published).
    """
    typed_names = typed_names or {}
    names = {user.pk: display_name(user) or typed_names.get(user.pk, "").strip() for user, _ in accounts}
    nameless = [user.get_username() for user, _ in accounts if not names[user.pk]]
    if nameless:
        raise ValueError(f"No name to list for {', '.join(nameless)}.")
    rows = [
        Attendee(meeting=meeting, user=user, name=names[user.pk], affiliation=affiliation)
        for user, affiliation in accounts
    ]
    rows += [Attendee(meeting=meeting, name=name, affiliation=affiliation) for name, affiliation in others]
    for position, row in enumerate(rows):
        row.position = position
    meeting.attendees.all().delete()
    # Attendance is not a revision: touching the meeting gives its cached minutes a new version.
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now())
    saved = Attendee.objects.bulk_create(rows)
    mirror_later(meeting, author=by, message="Attendance amended")  # the minutes' file lists who came
    return saved
