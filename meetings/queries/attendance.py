"""Who may be ticked as present at a meeting, and the affiliations they came with before."""

import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q

from ..models import Attendee, Meeting, TeamStatus, person_name

# How the minutes join the leads of one team: “Shannon Coen / Shubha Tupil”, “A, B and C”.
_NAME_SEPARATORS = re.compile(r"\s*(?:/|,|&|\band\b)\s*")


def display_name(user) -> str:
    """The person's name as the minutes write it; "" for an account without one (never its username)."""
    return person_name(user)


def roster_accounts(committee) -> list:
    """The committee's chairs and the leads and co-leads of its teams that are not retired, by name."""
    teams = committee.teams.exclude(status=TeamStatus.RETIRED)
    users = (
        get_user_model()
        .objects.filter(
            Q(chaired_committees=committee) | Q(led_teams__in=teams) | Q(co_led_teams__in=teams), is_active=True
        )
        .select_related("profile")
        .distinct()
    )
    return sorted(users, key=lambda user: (display_name(user) or user.get_username()).casefold())


def roster_names(committee, accounts: Iterable) -> list[str]:
    """The leads the minutes name (the roster's “lead names”) who are none of these accounts, by name."""
    known = {display_name(user).casefold() for user in accounts} - {""}
    names: dict[str, str] = {}
    for team in committee.teams.exclude(status=TeamStatus.RETIRED).exclude(lead_names=""):
        for name in _NAME_SEPARATORS.split(team.lead_names):
            name = name.strip()
            if name and name.casefold() not in known:
                names.setdefault(name.casefold(), name)
    return sorted(names.values(), key=str.casefold)


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


def names_recorded(users: Iterable, meeting: Meeting) -> dict[int, str]:
    """The name each account was last listed under up to this meeting (what the chair typed for one without a name)."""
    rows = (
        Attendee.objects.filter(user__in=list(users), meeting__date__lte=meeting.date)
        .exclude(name="")
        .order_by("meeting__date", "meeting_id")
        .values_list("user_id", "name")
    )
    return dict(rows)  # later meetings overwrite earlier ones


def affiliations_by_name(names: Iterable[str], meeting: Meeting) -> dict[str, str]:
    """Each person's affiliation as last recorded (by name, without an account) up to this meeting (one query)."""
    rows = (
        Attendee.objects.filter(name__in=list(names), user__isnull=True, meeting__date__lte=meeting.date)
        .exclude(affiliation="")
        .order_by("meeting__date")
        .values_list("name", "affiliation")
    )
    return dict(rows)  # later meetings overwrite earlier ones
