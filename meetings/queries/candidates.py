"""The archive's own action and decision lines of an imported meeting, offered to the chair
(format/actions.candidate_actions, format/decisions.candidate_decisions)."""

from dataclasses import dataclass

from ..format.actions import candidate_actions
from ..format.decisions import candidate_decisions
from ..models import AgendaItem, BacklogReport, CandidateKind, Meeting
from .minutes import written_sections


@dataclass(frozen=True)
class Offered:
    """A line of a section that may record an action or a decision: where it is, and the line as it reads now."""

    section: AgendaItem | BacklogReport
    anchor: str
    title: str
    line: int
    was: str
    text: str

    @property
    def key(self) -> str:
        return f"{self.anchor}:{self.line}"


def meeting_candidates(meeting: Meeting) -> list[Offered]:
    """The archive's own action lines in the meeting's sections that the chair has not dismissed, in order."""
    return _offered(meeting, CandidateKind.ACTION, candidate_actions)


def meeting_decision_candidates(meeting: Meeting) -> list[Offered]:
    """The archive's own decision lines ("Decision:", "Agreed:", "We decided", "Vote:") in the meeting's sections
    that the chair has not dismissed, in order."""
    return _offered(meeting, CandidateKind.DECISION, candidate_decisions)


def _offered(meeting: Meeting, kind: CandidateKind, candidates) -> list[Offered]:
    dismissed = set(meeting.dismissed_candidates.filter(kind=kind).values_list("anchor", "text"))
    offered = []
    for written in written_sections(meeting):
        if written.field != "body":
            continue  # the backlog item's footnote: no editor of its own to take an action or a decision
        lines = written.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for candidate in candidates(written.text):
            if (written.anchor, candidate.text) not in dismissed:
                was = lines[candidate.line - 1]
                offered.append(
                    Offered(written.section, written.anchor, written.title, candidate.line, was, candidate.text)
                )
    return offered
