"""What the pages read of action items: a meeting's open ones, the committee's list, a team's, a person's."""

from django.db.models import Prefetch, Q

from ..models import (
    ActionItem,
    ActionOutcome,
    ActionStatus,
    Committee,
    Meeting,
    MeetingStatus,
    Outcome,
    Team,
)


def _listed(actions):
    return actions.select_related("committee", "meeting__committee", "owner_team", "owner_user", "closed_in__committee")


def open_actions(meeting: Meeting) -> list[ActionItem]:
    """The actions open when the meeting began, oldest first, each with its `outcomes_here` and `age` in days.

    A published meeting lists only actions agreed in published minutes, whoever reads it, so its page reads the
    same for everyone (and can be cached); a draft, seen only by the committee's chairs and leads, lists them all.
    """
    actions = ActionItem.objects.open_at(meeting)
    if meeting.is_published:
        actions = actions.filter(meeting__status=MeetingStatus.PUBLISHED)
    here = ActionOutcome.objects.filter(meeting=meeting).select_related("by")
    listed = list(
        _listed(actions)
        .prefetch_related(Prefetch("outcomes", queryset=here, to_attr="outcomes_here"))
        .order_by("meeting__date", "position")
    )
    for action in listed:
        action.age = (meeting.date - action.meeting.date).days
    return listed


def agreed_actions(meeting: Meeting) -> list[ActionItem]:
    """The actions agreed in the meeting's minutes, in their order there."""
    return list(_listed(meeting.actions.all()).order_by("position"))


def committee_actions(committee: Committee, *, drafts: bool, team: str = "", person: str = ""):
    """The committee's actions (of a team's slug, a person's user name): open, then dropped and done, newest first."""
    actions = ActionItem.objects.filter(committee=committee)
    if not drafts:
        actions = actions.published()
    if team:
        actions = actions.filter(owner_team__slug=team)
    if person:
        actions = actions.filter(owner_user__username=person)
    return _listed(actions).order_by("-status", "-meeting__date", "position")  # "open", then "dropped", "done"


def team_actions(team: Team, *, limit: int = 30) -> list[ActionItem]:
    """The team's actions in the published minutes for its timeline: open ones, then the closed, newest first."""
    actions = ActionItem.objects.filter(owner_team=team).published()
    return list(_listed(actions).order_by("-status", "-meeting__date", "position")[:limit])


def open_actions_of(user) -> list[ActionItem]:
    """The user's open actions and their teams', in every committee, oldest first (for My sections).

    Those agreed in draft minutes only where the user may read the drafts: a chair or a lead of the committee.
    """
    led = Team.objects.filter(Q(leads=user) | Q(co_leads=user))
    actions = ActionItem.objects.filter(status=ActionStatus.OPEN).filter(
        Q(owner_user=user) | Q(owner_team__in=led.values("pk"))
    )
    if not user.is_superuser:
        actions = actions.filter(
            Q(meeting__status=MeetingStatus.PUBLISHED)
            | Q(committee__chairs=user)
            | Q(committee__in=led.values("committee_id"))
        ).distinct()
    return list(_listed(actions).order_by("meeting__date", "position"))


def feed_actions(committee: Committee, *, limit: int) -> list[ActionItem]:
    """The actions of the committee's published minutes, newest meeting first, for its Atom feed.

    Each with `published_outcomes`: those recorded in published minutes, oldest first. A draft's outcome is not
    said yet, so `public_status` is the status they (or a `[x]` where it was agreed) give.
    """
    outcomes = ActionOutcome.objects.filter(meeting__status=MeetingStatus.PUBLISHED).select_related(
        "meeting__committee"
    )
    actions = list(
        _listed(ActionItem.objects.filter(committee=committee).published())
        .prefetch_related(Prefetch("outcomes", queryset=outcomes, to_attr="published_outcomes"))
        .order_by("-meeting__date", "position")[:limit]
    )
    for action in actions:
        closing = [outcome for outcome in action.published_outcomes if outcome.outcome != Outcome.CARRIED]
        if action.done_in_text:
            action.public_status, action.public_closed_in = ActionStatus.DONE, action.meeting
        elif closing:
            action.public_status, action.public_closed_in = closing[-1].outcome, closing[-1].meeting
        else:
            action.public_status, action.public_closed_in = ActionStatus.OPEN, None
    return actions
