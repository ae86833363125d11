"""Signing in with GitHub: the roster names leads and co-leads by their GitHub handles.

An account signing in with GitHub as a handle the roster names becomes that
team's lead (or co-lead), as an accepted invitation would make it: a lead
known by handle needs no invitation. GitHub handles are case-insensitive.
"""

from django.db import transaction
from django.db.models import Q

from ..models import Team
from .roster import update_open_reports


@transaction.atomic
def link_github_account(user, *, handle: str) -> list[Team]:
    """Add the account to every team whose roster names `handle`; returns the teams it newly joined."""
    handle = handle.strip().lstrip("@")
    if not handle:
        return []
    wanted = handle.casefold()
    joined = []
    # icontains narrows the rows; the exact, case-insensitive match is on the split handles.
    named = Team.objects.filter(Q(lead_handles__icontains=handle) | Q(co_lead_handles__icontains=handle))
    for team in named.select_related("committee").select_for_update(of=("self",)):
        as_lead = wanted in {name.casefold() for name in Team.handles_in(team.lead_handles)}
        if not as_lead and wanted not in {name.casefold() for name in Team.handles_in(team.co_lead_handles)}:
            continue
        people = team.leads if as_lead else team.co_leads
        if people.filter(pk=user.pk).exists():
            continue
        people.add(user)
        if as_lead:
            update_open_reports(team)  # the drafts' empty sections name the new lead
        joined.append(team)
    return joined
