"""Decisions written in the minutes: one blockquote line each, read from a section's Markdown and written back.

The line is `> **Decision:** Adopt X (for 5, against 0, abstain 1) [link](https://…)`;
the vote and the link are optional. The line stays in the section's text, so
the minutes file carries its decisions as any Markdown reader shows them.
"""

import re
from dataclasses import dataclass

PREFIX = "> **Decision:**"
_LINE = re.compile(r"^ {0,3}>[ \t]*\*\*Decision:\*\*[ \t]*(?P<rest>.*?)\s*$")
# A longer link stays in the decision's text: the decisions page keeps links of up to MAX_LINK_CHARS.
MAX_LINK_CHARS = 2000
_LINK = re.compile(r"\s*\[(?P<label>[^\]\n]*)\]\((?P<url>https?://[^\s()]{1,1992})\)$")
_VOTE = re.compile(r"\s*\(for (?P<for>\d+), against (?P<against>\d+), abstain (?P<abstain>\d+)\)$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
LINK_LABEL = "link"


@dataclass(frozen=True)
class Vote:
    votes_for: int
    against: int
    abstain: int


@dataclass(frozen=True)
class DecisionLine:
    text: str
    vote: Vote | None = None
    link: str = ""


def decision_line(decision: DecisionLine) -> str:
    """The blockquote line that records a decision in the minutes."""
    line = f"{PREFIX} {decision.text.strip()}"
    if decision.vote is not None:
        vote = decision.vote
        line += f" (for {vote.votes_for}, against {vote.against}, abstain {vote.abstain})"
    if decision.link:
        line += f" [{LINK_LABEL}]({decision.link})"
    return line


def read_decision(line: str) -> DecisionLine | None:
    """The decision a line records, or None if it records none (an empty `**Decision:**` records none)."""
    match = _LINE.match(line)
    if match is None:
        return None
    rest = match["rest"]
    link = ""
    if found := _LINK.search(rest):
        link, rest = found["url"], rest[: found.start()]
    vote = None
    if found := _VOTE.search(rest):
        vote = Vote(int(found["for"]), int(found["against"]), int(found["abstain"]))
        rest = rest[: found.start()]
    text = rest.strip()
    if not text:
        return None
    return DecisionLine(text=text, vote=vote, link=link)


def read_decisions(markdown: str) -> list[DecisionLine]:
    """The decisions a section's Markdown records, in order; lines inside code fences are code, not decisions."""
    decisions, fence = [], None
    for line in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if opening := _FENCE.match(line):
            if fence is None:
                fence = opening[1]
            elif opening[1] == fence:
                fence = None
            continue
        if fence is None and (decision := read_decision(line)) is not None:
            decisions.append(decision)
    return decisions


def with_decision(markdown: str, decision: DecisionLine) -> str:
    """The section's Markdown with the decision's line added at its end, as a paragraph of its own."""
    text = markdown.rstrip()
    line = decision_line(decision)
    return f"{text}\n\n{line}\n" if text else f"{line}\n"


# The archive's own ways of writing a decision, before `> **Decision:**`: a labelled line ("Decision:",
# "Agreed:", "Vote:", bold or not, in a list or a blockquote or not) or a sentence starting "We decided".
_LABELLED = re.compile(
    r"^ {0,3}(?:>[ \t]*)?(?:[-*+][ \t]+)?(?:\*\*|__)?(?P<label>Decision|Decided|Agreed|Vote|Voted)(?:\*\*|__)?"
    r"[ \t]*:(?:\*\*|__)?[ \t]*(?P<what>\S.*?)\s*$",
    re.IGNORECASE,
)
_WE_DECIDED = re.compile(r"^ {0,3}(?:>[ \t]*)?(?:[-*+][ \t]+)?(?P<what>We (?:have )?decided\b.*?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A line of the archive that may record a decision: its number in the text (from 1) and what it says."""

    line: int
    text: str


def candidate_decisions(markdown: str) -> list[Candidate]:
    """Lines that may record a decision in the archive's ways, not in the site's form: for the chair to look at."""
    found, fence = [], None
    for number, line in enumerate(markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if opening := _FENCE.match(line):
            if fence is None:
                fence = opening[1]
            elif opening[1] == fence:
                fence = None
            continue
        if fence is not None or read_decision(line) is not None:
            continue
        match = _LABELLED.match(line) or _WE_DECIDED.match(line)
        if match is not None:
            what = match["what"]
            found.append(Candidate(line=number, text=what[0].upper() + what[1:]))
    return found


def accepting_decision(markdown: str, line: int, was: str, decision: DecisionLine) -> str | None:
    """The Markdown with its line number `line` (from 1, as `candidate_decisions` counts) made the decision's line.

    Blank lines around it where its neighbours have text: a blockquote would otherwise take the next line into
    its paragraph. None when that line no longer reads `was` (the text changed since it was offered).
    """
    lines = markdown.split("\n")
    if not 1 <= line <= len(lines) or lines[line - 1].rstrip("\r") != was:
        return None
    ending = "\r" if lines[line - 1].endswith("\r") else ""
    before = [ending] if line > 1 and lines[line - 2].strip() else []
    after = [ending] if line < len(lines) and lines[line].strip() else []
    lines[line - 1 : line] = [*before, decision_line(decision) + ending, *after]
    return "\n".join(lines)
