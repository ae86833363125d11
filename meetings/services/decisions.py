"""Recording a decision in a section of the minutes: its line added to the section's text.

The line is the decision (format/decisions.py); saving the section with it
does the rest: the version-checked UPDATE, the revision, the index (and with
it the decisions page) and the git mirror, as any edit of the section.
"""

from ..format.decisions import DecisionLine, with_decision
from ..models import AgendaItem, BacklogReport
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
