"""The chairs' pages of a committee: its settings and default agenda, its roster of teams and leads."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Case, Max, Q, Value, When
from django.db.models.functions import Lower
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms.committee import AgendaTemplateFormSet, CommitteeSettingsForm, InvitationForm, TeamCreateForm, TeamForm
from ..forms.fields import TEAM_GROUPS
from ..models import HandleClaim, MeetingStatus, TeamStatus
from ..services.invitations import invite, is_pending, role_of
from ..services.mirroring import queue_published, sync_mirror
from ..services.roster import update_open_reports
from ..services.signin import forget_handle_claims
from .lookup import get_committee

# A reporting team without a written report for this many meeting cycles is shown as quiet.
QUIET_AFTER_CYCLES = 3


def _managed_committee(request, slug: str):
    """The committee, unless the user may not manage it."""
    return get_committee(slug, request, allowed=permissions.can_manage_committee)


@login_required
def committee_settings(request, committee):
    committee = _managed_committee(request, committee)
    data = request.POST if request.method == "POST" else None
    form = CommitteeSettingsForm(data, instance=committee)
    initial = [
        {"title": item.title, "kind": item.kind, "agenda_label": item.agenda_label, "body": item.body}
        for item in committee.agenda_for_new_meeting()
    ]
    agenda = AgendaTemplateFormSet(data, prefix="agenda", initial=initial)
    if data is not None and all([form.is_valid(), agenda.is_valid()]):
        with transaction.atomic():
            form.save()
            committee.set_default_agenda(agenda.items())
        messages.success(request, f"Saved the settings of the {committee.name} PMC.")
        if committee.has_mirror and {"mirror_remote", "mirror_branch"} & set(form.changed_data):
            messages.info(
                request,
                "From now on each publication and amendment is committed and pushed there. Minutes published "
                "before are committed when they change, or all at once with “Commit every published meeting” below.",
            )
        return redirect("meetings:committee_settings", committee.slug)
    context = {"committee": committee, "form": form, "agenda": agenda, "mirror": _mirror_state(committee)}
    return render(request, "meetings/committee_settings.html", context)


def _mirror_state(committee) -> dict:
    """What the chairs see of the git mirror: the changes it still owes, those that failed with their error."""
    owed = list(committee.mirror_syncs.select_related("meeting__committee"))
    return {"owed": owed, "failing": [change for change in owed if change.last_error]}


@require_POST
@login_required
def mirror_sync(request, committee):
    """Try the git mirror again now (or commit every published meeting whose file differs)."""
    committee = _managed_committee(request, committee)
    if not committee.has_mirror:
        messages.error(request, "The committee has no git mirror; name the remote it pushes to first.")
        return redirect("meetings:committee_settings", committee.slug)
    if request.POST.get("action") == "all":
        queue_published(committee)
    result = sync_mirror(committee, push=True)
    if result.failed:
        messages.error(
            request,
            f"The git mirror failed again; {result.pending} change{pluralize(result.pending)} still pending: "
            f"{result.error}",
        )
    else:
        done = f"{len(result.commits)} commit{pluralize(len(result.commits))}" + (", pushed" if result.pushed else "")
        messages.success(request, f"The git mirror is up to date: {done}.")
    return redirect("meetings:committee_settings", committee.slug)


# The roster's order: what a chair looks after now first, the retired last (the import's order means nothing).
_STATUS_RANK = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(TEAM_GROUPS)),
    default=Value(len(TEAM_GROUPS)),
)


def _roster_teams(committee):
    """The teams with their people and the date of their latest written report: three queries."""
    written = ~Q(reports__body="") & ~Q(reports__meeting__status=MeetingStatus.CANCELLED)
    # An aggregate drops Meta.ordering: the roster's order is said again.
    return (
        committee.teams.annotate(last_report=Max("reports__meeting__date", filter=written))
        .order_by(_STATUS_RANK, Lower("name"))
        .prefetch_related("leads", "co_leads")
    )


@login_required
def roster(request, committee):
    committee = _managed_committee(request, committee)
    action = request.POST.get("action") if request.method == "POST" else None
    team_form = TeamCreateForm(request.POST if action == "add-team" else None, committee=committee, prefix="team")
    invite_form = InvitationForm(
        request.POST if action == "invite" else None,
        committee=committee,
        prefix="invite",
        initial={"team": request.GET.get("team")},
    )
    if action == "add-team" and team_form.is_valid():
        with transaction.atomic():
            team = team_form.save()
            added = update_open_reports(team)
        note = f", with an empty report in {added} draft meeting{pluralize(added)}" if added else ""
        messages.success(request, f"Added {team} to the roster{note}.")
        return redirect("meetings:team_edit", committee.slug, team.slug)
    if action == "invite" and invite_form.is_valid():
        data = invite_form.cleaned_data
        invitation = invite(committee, data["email"], team=data["team"], by=request.user, request=request)
        messages.success(request, f"Sending {invitation.email} an invitation to {role_of(invitation)}.")
        return redirect("meetings:roster", committee.slug)

    teams = list(_roster_teams(committee))
    quiet_before = timezone.localdate() - timedelta(weeks=QUIET_AFTER_CYCLES * committee.cadence_weeks)
    for team in teams:
        team.is_quiet = team.is_reporting and (team.last_report is None or team.last_report < quiet_before)
    invitations = list(committee.invitations.filter(used_at__isnull=True).select_related("team"))
    for invitation in invitations:
        invitation.is_pending = is_pending(invitation)
    # A second GitHub account signed in as a handle another claimed first: the chair decides whose it is.
    refusals = HandleClaim.objects.filter(team__committee=committee, refused_at__isnull=False).select_related(
        "team", "user", "refused_user"
    )
    return render(
        request,
        "meetings/roster.html",
        {
            "committee": committee,
            # Active teams first, then incubating and proposed, by name; the retired ones folded below.
            "current_teams": [team for team in teams if team.status != TeamStatus.RETIRED],
            "retired_teams": [team for team in teams if team.status == TeamStatus.RETIRED],
            "chairs": committee.chairs.order_by("username"),
            "invitations": invitations,
            "refusals": refusals.order_by("-refused_at"),
            "team_form": team_form,
            "invite_form": invite_form,
            "quiet_weeks": QUIET_AFTER_CYCLES * committee.cadence_weeks,
            "invitation_days": settings.PMC_INVITATION_DAYS,
        },
    )


@login_required
def team_edit(request, committee, team):
    committee = _managed_committee(request, committee)
    team = get_object_or_404(committee.teams.select_related("committee"), slug=team)
    name = team.name  # the form writes what was typed into the instance, valid or not
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            team = form.save()
            updated = update_open_reports(team)
            forget_handle_claims(team)  # a handle removed, then added again, goes to whoever signs in first
        reports = f"{updated} unwritten report{pluralize(updated)} of draft meetings"
        note = f"; {reports} now show{pluralize(updated, 's,')} it" if updated else ""
        messages.success(request, f"Saved {team}{note}. Minutes already written keep the team as it was.")
        return redirect("meetings:roster", committee.slug)
    return render(
        request,
        "meetings/team_edit.html",
        {
            "committee": committee,
            "team": team,
            "team_name": name,
            "form": form,
            "invite_url": reverse("meetings:roster", args=[committee.slug]) + f"?team={team.pk}#invite",
        },
    )


@require_POST
@login_required
def team_remove_person(request, committee, team):
    """Take a lead or co-lead off a team; the account stays."""
    committee = _managed_committee(request, committee)
    team = get_object_or_404(committee.teams, slug=team)
    role, pk = request.POST.get("role"), request.POST.get("user", "")
    if role not in {"lead", "co-lead"} or not pk.isdecimal():  # int() refuses "²", a digit
        return HttpResponseBadRequest("Say which lead or co-lead to remove.")
    people = team.leads if role == "lead" else team.co_leads
    user = get_object_or_404(people.all(), pk=pk)
    with transaction.atomic():
        people.remove(user)
        update_open_reports(team)
    messages.success(request, f"{user.get_username()} is no longer a {role} of {team}; the account is kept.")
    return redirect("meetings:roster", committee.slug)
