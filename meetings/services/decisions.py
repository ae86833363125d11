"""Recording a decision in a section of the minutes: its line added to the section's text.

The line is the decision (format/decisions.py); saving the section with it
does the rest: the version-checked UPDATE, the revision, the index (and with
it the decisions page) and the git mirror, as any edit of the section.
"""

from ..format.decisions import DecisionLine, accepting_decision, with_decision
from ..models import AgendaItem, BacklogReport, CandidateKind, DismissedCandidate, Meeting
from .editing import save_section_body
from .live import merge_text


def record_decision(
    section: AgendaItem | BacklogReport,
    *,
    decision: DecisionLine,
    by,
    expected_version: int,
    reason: str = "",
) -> bool:
    """Add the decision at the end of the section unless someone saved it since `expected_version`; False then.

    In published minutes it is an amendment, which `reason` explains (the form asks for it). Saved through
    live.merge_text, so that the section's open live room takes the line too (RoomError: a text the forms refuse).
    """
    body = with_decision(section.body, decision)
    return merge_text(section, body, by=by, expected_version=expected_version, reason=reason)


def accept_decision_candidate(
    section: AgendaItem | BacklogReport, *, line: int, was: str, decision: DecisionLine, by, expected_version: int
) -> bool:
    """Make the archive's line `line` of the section (still reading `was`) the decision's line, in place.

    False when the section was saved since `expected_version` or the line changed: nothing is written then.
    """
    body = accepting_decision(section.body, line, was, decision)
    if body is None or section.version != expected_version:
        return False
    reason = "A decision from the archive's own line" if section.meeting.is_published else ""
    return save_section_body(section, body, by=by, expected_version=expected_version, reason=reason)


def dismiss_decision_candidate(meeting: Meeting, *, anchor: str, text: str, by) -> None:
    """Leave the archive's line as text: it is no longer offered as a decision."""
    DismissedCandidate.objects.get_or_create(
        meeting=meeting, kind=CandidateKind.DECISION, anchor=anchor, text=text, defaults={"by": by}
    )
