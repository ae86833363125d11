"""Recording a decision in a section of the minutes: its line added to the section's text.

The line is the decision (format/decisions.py); saving the section with it
does the rest: the version-checked UPDATE, the revision, the index (and with
it the decisions page) and the git mirror, as any edit of the section.
"""

from ..format.decisions import DecisionLine, with_decision
from ..models import AgendaItem, BacklogReport
from .editing import save_section_body


def record_decision(
    section: AgendaItem | BacklogReport,
    *,
    decision: DecisionLine,
    by,
    expected_version: int,
    reason: str = "",
    save=save_section_body,
) -> bool:
    """Add the decision at the end of the section unless someone saved it since `expected_version`; False then.

    In published minutes it is an amendment, which `reason` explains (the form asks for it). `save` is
    save_section_body's equal: the live room passes live.merge_text, so that its document takes the line too.
    """
    body = with_decision(section.body, decision)
    return save(section, body, by=by, expected_version=expected_version, reason=reason)
