"""Who may be ticked as present at a meeting, and the affiliations they came with before."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q

from ..models import Attendee, Meeting, TeamStatus


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
