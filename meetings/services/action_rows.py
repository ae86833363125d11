"""Keeping the action rows in step with the task lines of the minutes' text (models/action.py).

Called wherever the search index is rebuilt, i.e. whenever a meeting's text
changes. A line still there keeps its row, and with it its outcomes; a line
gone takes its row with it; a new line makes a new open row.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils import timezone

from ..format.actions import read_actions
from ..models import ActionItem, ActionStatus, Meeting, Outcome, Team
from ..queries.minutes import written_sections

_SECTION_CHARS = ActionItem._meta.get_field("section").max_length
_OWNER_CHARS = ActionItem._meta.get_field("owner").max_length
_SYNCED = [
    "item_id",
    "report_id",
    "section",
    "position",
    "due",
    "owner_team_id",
    "owner_user_id",
    "done_in_text",
    "status",
    "closed_in_id",
]


def _status_from_outcomes(action: ActionItem) -> tuple[str, Meeting | None]:
    closing = action.outcomes.exclude(outcome=Outcome.CARRIED).select_related("meeting").last()
    if closing is None:
        return ActionStatus.OPEN, None
    return closing.outcome, closing.meeting


def sync_actions(meetings: list[Meeting]) -> None:
    """Make the meetings' action rows match the task lines of their text (meetings prefetched as the index reads)."""
    if not meetings:
        return
    wanted = []
    for meeting in meetings:
        position = 0
        for written in written_sections(meeting):
            for line in read_actions(written.text):
                wanted.append((meeting, written, position, line))
                position += 1
    existing = defaultdict(list)
    for action in ActionItem.objects.filter(meeting__in=meetings).order_by("position", "pk"):
        existing[(action.meeting_id, action.anchor, action.owner, action.text)].append(action)
    owners = {line.owner for *_, line in wanted}
    committees = {meeting.committee_id for meeting in meetings}
    teams = {
        (team.committee_id, team.slug): team
        for team in Team.objects.filter(committee_id__in=committees, slug__in=owners)
    }
    users = {user.username: user for user in get_user_model().objects.filter(username__in=owners)}

    created, changed = [], []
    for meeting, written, position, line in wanted:
        owner = line.owner[:_OWNER_CHARS]
        fields = {
            "item": written.section if written.team is None else None,
            "report": written.section if written.team is not None else None,
            "section": written.title[:_SECTION_CHARS],
            "position": position,
            "due": line.due,
            "owner_team": teams.get((meeting.committee_id, owner)),
            "owner_user": None if (meeting.committee_id, owner) in teams else users.get(owner),
        }
        matches = existing.get((meeting.pk, written.anchor, owner, line.text))
        if matches:
            action = matches.pop(0)
            before = [getattr(action, name) for name in _SYNCED]
            for name, value in fields.items():
                setattr(action, name, value)
            if action.done_in_text != line.done:
                action.done_in_text = line.done
                if line.done:
                    action.status, action.closed_in = ActionStatus.DONE, meeting
                else:
                    action.status, action.closed_in = _status_from_outcomes(action)
            if [getattr(action, name) for name in _SYNCED] != before:
                action.updated_at = timezone.now()  # the pages listing it (cached by version) see a change
                changed.append(action)
        else:
            created.append(
                ActionItem(
                    committee_id=meeting.committee_id,
                    meeting=meeting,
                    anchor=written.anchor,
                    owner=owner,
                    text=line.text,
                    done_in_text=line.done,
                    status=ActionStatus.DONE if line.done else ActionStatus.OPEN,
                    closed_in=meeting if line.done else None,
                    **fields,
                )
            )
    gone = [action.pk for actions in existing.values() for action in actions]
    if gone:
        ActionItem.objects.filter(pk__in=gone).delete()
    if changed:
        ActionItem.objects.bulk_update(changed, [name.removesuffix("_id") for name in _SYNCED] + ["updated_at"])
    ActionItem.objects.bulk_create(created)
