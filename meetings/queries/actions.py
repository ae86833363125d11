"""What the pages read of action items: a meeting's open ones, the committee's list, a team's, a person's."""

from django.db.models import Prefetch, Q

from ..models import (
    ActionItem,
    ActionOutcome,
    ActionStatus,
    Committee,
    Meeting,
    MeetingStatus,
    Team,
)


def _listed(actions):
    # Where an action stands is read from the `as_said` annotations, never from its `status` and `closed_in`.
    return actions.select_related("committee", "meeting__committee", "owner_team", "owner_user__profile")


def owner_names(meeting: Meeting) -> dict[str, str]:
    """Each owner the meeting's action lines name (`@diego`), as its readers read it (ActionItem.owner_name).

    One query, kept on the meeting: each of its sections asks, in the page and the PDF.
    """
    names = getattr(meeting, "_owner_names", None)
    if names is None:
        actions = meeting.actions.select_related("owner_team", "owner_user__profile")
        names = meeting._owner_names = {action.owner: action.owner_name for action in actions}
    return names


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
    """The actions agreed in the meeting's minutes, in their order there, where they stand as its readers read.

    Published minutes' readers are told what published minutes say of them; a draft's, who read the drafts, all.
    """
    actions = meeting.actions.as_said(drafts=not meeting.is_published)
    return list(_listed(actions).order_by("position"))


def committee_actions(committee: Committee, *, drafts: bool, team: str = "", person: str = ""):
    """The committee's actions (of a team's slug, a person's user name): open, then dropped and done, newest first.

    Without `drafts`, those of published minutes, where published minutes say they stand (`as_said`).
    """
    actions = ActionItem.objects.filter(committee=committee)
    if not drafts:
        actions = actions.published()
    if team:
        actions = actions.filter(owner_team__slug=team)
    if person:
        actions = actions.filter(owner_user__username=person)
    # "open", then "dropped", then "done"
    return _listed(actions.as_said(drafts=drafts)).order_by("-said_status", "-meeting__date", "position")


def team_actions(team: Team, *, limit: int = 30) -> list[ActionItem]:
    """The team's actions in the published minutes for its timeline: open ones, then the closed, newest first."""
    actions = ActionItem.objects.filter(owner_team=team).published().as_said(drafts=False)
    return list(_listed(actions).order_by("-said_status", "-meeting__date", "position")[:limit])


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


def with_closing_meetings(actions: list[ActionItem]) -> list[ActionItem]:
    """The actions, each with its `closing_meeting`: its committee's first draft meeting after the one that agreed
    it, where done, dropped or carried is recorded (None when there is none yet); one query."""
    if not actions:
        return actions
    drafts = list(
        Meeting.objects.drafts()
        .filter(committee_id__in={action.committee_id for action in actions})
        .select_related("committee")
        .order_by("date")
    )
    for action in actions:
        action.closing_meeting = next(
            (m for m in drafts if m.committee_id == action.committee_id and m.date > action.meeting.date), None
        )
    return actions


def feed_actions(committee: Committee, *, limit: int) -> list[ActionItem]:
    """The actions of the committee's published minutes, newest meeting first, for its Atom feed.

    Each where published minutes say it stands (`as_said`), with `published_outcomes` (oldest first) and
    `said_closed_in`, the meeting closing it (when the entry was last updated).
    """
    outcomes = ActionOutcome.objects.published().select_related("meeting__committee")
    actions = list(
        _listed(ActionItem.objects.filter(committee=committee).published().as_said(drafts=False))
        .prefetch_related(Prefetch("outcomes", queryset=outcomes, to_attr="published_outcomes"))
        .order_by("-meeting__date", "position")[:limit]
    )
    for action in actions:
        said_in = {action.meeting_id: action.meeting, **{o.meeting_id: o.meeting for o in action.published_outcomes}}
        action.said_closed_in = said_in.get(action.said_closed_in_id)
    return actions
