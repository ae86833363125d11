"""Action items: recording one in a section, and recording what became of it in a later meeting.

Recording adds the action's task line to the section's text (format/actions.py)
and saves the section as any edit does (revision, index, mirror); the index's
sync makes the row. An outcome is a row of its own, in the meeting where it
was decided: the origin's minutes stay as they were agreed.
"""

from django.db import transaction

from ..format.actions import ActionLine, accepting_candidate, with_action
from ..models import (
    ActionItem,
    ActionOutcome,
    ActionStatus,
    AgendaItem,
    BacklogReport,
    CandidateKind,
    DismissedCandidate,
    ItemKind,
    Meeting,
    Outcome,
)
from .editing import save_section_body
from .live import merge_text
from .mirroring import mirror_later


def record_action(
    section: AgendaItem | BacklogReport,
    *,
    action: ActionLine,
    by,
    expected_version: int,
    reason: str = "",
) -> bool:
    """Add the action at the end of the section unless someone saved it since `expected_version`; False then.

    In published minutes it is an amendment, which `reason` explains (the form asks for it). Saved as
    decisions.record_decision saves.
    """
    body = with_action(section.body, action)
    saved = merge_text(section, body, by=by, expected_version=expected_version, reason=reason)
    if saved:
        # The sync made the row; the newest one with this line, not yet claimed, is this one.
        row = (
            ActionItem.objects.filter(
                meeting=section.meeting, owner=action.owner, text=action.text.strip(), created_by__isnull=True
            )
            .order_by("-pk")
            .first()
        )
        if row is not None:
            row.created_by = by
            row.save(update_fields=["created_by", "updated_at"])
    return saved


@transaction.atomic
def record_outcome(action: ActionItem, *, meeting: Meeting, outcome: str, note: str, by) -> ActionOutcome:
    """Record that the action was done, dropped or carried in `meeting`; done and dropped close it there."""
    recorded = ActionOutcome.objects.create(action=action, meeting=meeting, outcome=outcome, note=note.strip(), by=by)
    if outcome == Outcome.CARRIED:
        action.status, action.closed_in = ActionStatus.OPEN, None
    else:
        action.status, action.closed_in = outcome, meeting
    action.save(update_fields=["status", "closed_in", "updated_at"])
    if meeting.items.filter(kind=ItemKind.ACTIONS).exists():
        # Its "Open action items" section writes the outcome: the mirror's file of the meeting changes.
        mirror_later(meeting, author=by, message=f"{meeting.committee.name} minutes of {meeting.date}: {recorded}")
    return recorded


def accept_candidate(
    section: AgendaItem | BacklogReport, *, line: int, was: str, action: ActionLine, by, expected_version: int
) -> bool:
    """Make the archive's line `line` of the section (still reading `was`) the action's task line, in place.

    False when the section was saved since `expected_version` or the line changed: nothing is written then.
    """
    body = accepting_candidate(section.body, line, was, action)
    if body is None or section.version != expected_version:
        return False
    reason = "An action item from the archive's own line" if section.meeting.is_published else ""
    saved = save_section_body(section, body, by=by, expected_version=expected_version, reason=reason)
    if saved:
        ActionItem.objects.filter(
            meeting=section.meeting, owner=action.owner, text=action.text, created_by__isnull=True
        ).update(created_by=by)
    return saved


def dismiss_candidate(meeting: Meeting, *, anchor: str, text: str, by) -> None:
    """Leave the archive's line as text: it is no longer offered."""
    DismissedCandidate.objects.get_or_create(
        meeting=meeting, kind=CandidateKind.ACTION, anchor=anchor, text=text, defaults={"by": by}
    )
