"""Signing in with GitHub: the roster names leads and co-leads by their GitHub handles.

An account signing in with GitHub as a handle the roster names becomes that
team's lead (or co-lead), as an accepted invitation would make it: a lead
known by handle needs no invitation. GitHub handles are case-insensitive.

A handle is the GitHub account's that first claimed it (its numeric id, which
no rename changes; models.HandleClaim): another account signing in under the
same handle later, after the first renamed theirs, is refused.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import HandleClaim, Team
from .roster import update_open_reports


@dataclass
class Linking:
    """What a GitHub sign-in did to the roster: the teams it joined, and those whose handle it was refused."""

    joined: list[Team] = field(default_factory=list)
    refused: list[Team] = field(default_factory=list)


@transaction.atomic
def link_github_account(user, *, handle: str, github_id: str) -> Linking:
    """Add the account to every team whose roster names `handle`, or a handle `github_id` claimed before."""
    handle = handle.strip().lstrip("@")
    github_id = str(github_id).strip()
    linking = Linking()
    if not github_id:
        return linking
    wanted = handle.casefold()
    # icontains narrows the rows; the exact, case-insensitive match is on the split handles.
    named = Q(lead_handles__icontains=handle) | Q(co_lead_handles__icontains=handle) if handle else Q(pk__in=[])
    claimed = Q(pk__in=HandleClaim.objects.filter(github_id=github_id).values("team"))
    for team in Team.objects.filter(named | claimed).select_related("committee").select_for_update(of=("self",)):
        leads = {name.casefold() for name in Team.handles_in(team.lead_handles)}
        co_leads = {name.casefold() for name in Team.handles_in(team.co_lead_handles)}
        claims = {claim.handle: claim for claim in team.handle_claims.all()}
        # The account's entries: the handles it claimed (under whatever login it has now), and its login.
        held = {name for name, claim in claims.items() if claim.github_id == github_id} & (leads | co_leads)
        if wanted and wanted in leads | co_leads and wanted not in held:
            if wanted in claims:
                _refuse(claims[wanted], user=user, github_id=github_id)
                linking.refused.append(team)
            else:
                HandleClaim.objects.create(team=team, handle=wanted, github_id=github_id, user=user)
                held.add(wanted)
        if not held:
            continue
        as_lead = bool(held & leads)
        people = team.leads if as_lead else team.co_leads
        if people.filter(pk=user.pk).exists():
            continue
        people.add(user)
        if as_lead:
            update_open_reports(team)  # the drafts' empty sections name the new lead
        linking.joined.append(team)
    return linking


def _refuse(claim: HandleClaim, *, user, github_id: str) -> None:
    claim.refused_github_id, claim.refused_user, claim.refused_at = github_id, user, timezone.now()
    claim.save(update_fields=["refused_github_id", "refused_user", "refused_at"])


def forget_handle_claims(team: Team) -> int:
    """Drop the claims of handles no longer on the team's roster; returns how many went."""
    on_roster = {name.casefold() for name in Team.handles_in(f"{team.lead_handles} {team.co_lead_handles}")}
    deleted, _ = team.handle_claims.exclude(handle__in=on_roster).delete()
    return deleted
