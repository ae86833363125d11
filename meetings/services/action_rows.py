"""Keeping the action rows in step with the task lines of the minutes' text (models/action.py).

Called wherever the search index is rebuilt, i.e. whenever a meeting's text
changes. A line still there keeps its row, and with it its outcomes; a line
gone takes its row with it; a new line makes a new open row.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from ..format.actions import OpenActionLine, read_actions
from ..format.reading import ParseError
from ..models import ActionItem, ActionOutcome, ActionStatus, Meeting, Outcome, Team
from ..queries.minutes import written_sections

_SECTION_CHARS = ActionItem._meta.get_field("section").max_length
_OWNER_CHARS = ActionItem._meta.get_field("owner").max_length
_SYNCED = [
    "anchor",
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


def _match(wanted: list, rows: list[ActionItem]) -> dict[int, ActionItem]:
    """The existing row each wanted line (by its index) keeps.

    A line keeps its row where it was; then a line whose section was renamed (a new anchor) takes the row of the
    same owner and text left in the meeting, so the outcomes recorded for it stay with it.
    """
    exact, loose = defaultdict(list), defaultdict(list)
    for action in rows:
        exact[(action.meeting_id, action.anchor, action.owner, action.text)].append(action)
        loose[(action.meeting_id, action.owner, action.text)].append(action)
    claimed, matched = set(), {}
    for lookup, with_anchor in ((exact, True), (loose, False)):
        for index, (meeting, written, _position, line) in enumerate(wanted):
            if index in matched:
                continue
            owner = line.owner[:_OWNER_CHARS]
            key = (meeting.pk, written.anchor, owner, line.text) if with_anchor else (meeting.pk, owner, line.text)
            row = next((r for r in lookup.get(key, ()) if r.pk not in claimed), None)
            if row is not None:
                claimed.add(row.pk)
                matched[index] = row
    return matched


def _people_named(owners: set[str], committees: set[int]) -> dict[tuple[int, str], int]:
    """The user id each (committee, user name) names, among those who chair or lead a team there (one query).

    As the form offers them (forms/actions.owner_choices): a line written by hand or imported naming a user of
    another committee, or of none, is no owner, so it gives that user neither the action nor its outcomes.
    """
    rows = (
        get_user_model()
        .objects.filter(username__in=owners)
        .filter(
            Q(chaired_committees__in=committees)
            | Q(led_teams__committee__in=committees)
            | Q(co_led_teams__committee__in=committees)
        )
        .values_list("pk", "username", "chaired_committees", "led_teams__committee", "co_led_teams__committee")
    )
    return {
        (committee, username): pk for pk, username, *theirs in rows for committee in theirs if committee in committees
    }


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
    rows = list(ActionItem.objects.filter(meeting__in=meetings).order_by("position", "pk"))
    matched = _match(wanted, rows)
    owners = {line.owner for *_, line in wanted}
    committees = {meeting.committee_id for meeting in meetings}
    teams = {
        (team.committee_id, team.slug): team
        for team in Team.objects.filter(committee_id__in=committees, slug__in=owners)
    }
    people = _people_named(owners, committees)

    created, changed = [], []
    for index, (meeting, written, position, line) in enumerate(wanted):
        owner = line.owner[:_OWNER_CHARS]
        fields = {
            "anchor": written.anchor,
            "item": written.section if written.team is None else None,
            "report": written.section if written.team is not None else None,
            "section": written.title[:_SECTION_CHARS],
            "position": position,
            "due": line.due,
            "owner_team": teams.get((meeting.committee_id, owner)),
            "owner_user_id": None
            if (meeting.committee_id, owner) in teams
            else people.get((meeting.committee_id, owner)),
        }
        action = matched.get(index)
        if action is not None and fields["owner_user_id"] is None and fields["owner_team"] is None:
            # Named while they chaired or led here: stepping down since does not take their action away.
            fields["owner_user_id"] = action.owner_user_id if action.owner == owner else None
        if action is not None:
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
                    owner=owner,
                    text=line.text,
                    done_in_text=line.done,
                    status=ActionStatus.DONE if line.done else ActionStatus.OPEN,
                    closed_in=meeting if line.done else None,
                    **fields,
                )
            )
    kept = {action.pk for action in matched.values()}
    gone = [action.pk for action in rows if action.pk not in kept]
    if gone:
        ActionItem.objects.filter(pk__in=gone).delete()
    if changed:
        ActionItem.objects.bulk_update(changed, [name.removesuffix("_id") for name in _SYNCED] + ["updated_at"])
    ActionItem.objects.bulk_create(created)


def _settle(action: ActionItem) -> None:
    """Its status from its outcomes, unless its own line says it was done where it was agreed."""
    if not action.done_in_text:
        action.status, action.closed_in = _status_from_outcomes(action)
        action.save(update_fields=["status", "closed_in", "updated_at"])


def read_outcomes(meeting: Meeting, lines: list[OpenActionLine]) -> None:
    """Record what the meeting's "Open action items" section says became of each action (an import of it).

    Each line is matched to the committee's action open then, by owner, text and the date it was agreed: the
    section never makes actions. An outcome already recorded as the line writes it stays (with who recorded it);
    another one replaces those recorded in the meeting, and a line without one removes them. A line matching no
    action is refused with a ParseError, so that nothing of the file is lost silently.
    """
    open_ = list(
        ActionItem.objects.open_at(meeting).select_related("meeting").prefetch_related("outcomes").order_by("pk")
    )
    claimed = set()
    for line in lines:
        action = next(
            (
                action
                for action in open_
                if action.pk not in claimed
                and (action.owner, " ".join(action.text.split()), action.meeting.date)
                == (line.owner[:_OWNER_CHARS], line.text, line.origin)
            ),
            None,
        )
        if action is None:
            raise ParseError(
                f"the open action “@{line.owner}: {line.text}” agreed on {line.origin.isoformat()} is not one of "
                "the committee's actions open then; import the minutes that agreed it first"
            )
        claimed.add(action.pk)
        here = [outcome for outcome in action.outcomes.all() if outcome.meeting_id == meeting.pk]
        last = here[-1] if here else None
        if last is not None and (last.outcome, " ".join(last.note.split())) == (line.outcome, line.note):
            continue
        if not here and not line.outcome:
            continue
        ActionOutcome.objects.filter(pk__in=[outcome.pk for outcome in here]).delete()
        if line.outcome:
            ActionOutcome.objects.create(action=action, meeting=meeting, outcome=line.outcome, note=line.note)
        _settle(action)
