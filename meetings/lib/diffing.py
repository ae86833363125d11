"""Readable differences between two texts of the minutes, for history and conflict pages.

Lines are compared first, then the words of lines that changed, so that a
one-word edit in a long paragraph shows as that word, not as two paragraphs.
Additions and deletions are marked with <ins>/<del> and a "+"/"−" sign, so
the difference is legible without colour.
"""

import difflib
import re
from dataclasses import dataclass, field

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class Piece:
    text: str
    change: str = ""  # "", "added" or "removed"


@dataclass
class DiffLine:
    change: str  # "same", "added", "removed" or "changed"
    pieces: list[Piece] = field(default_factory=list)

    @property
    def sign(self) -> str:
        return {"added": "+", "removed": "−", "changed": "±"}.get(self.change, " ")


def _word_pieces(before: str, after: str) -> list[Piece]:
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("".join(old[i1:i2]), "removed"))
        if j2 > j1:
            pieces.append(Piece("".join(new[j1:j2]), "added"))
    return pieces


def diff_lines(before: str, after: str, context: int | None = 3) -> list[DiffLine | None]:
    """The lines of `after` against `before`; None stands for skipped unchanged lines."""
    old, new = before.splitlines(), after.splitlines()
    result: list[DiffLine | None] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    groups = [matcher.get_opcodes()] if context is None else list(matcher.get_grouped_opcodes(context))
    for number, group in enumerate(groups):
        if number and result and result[-1] is not None:
            result.append(None)
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                result += [DiffLine("same", [Piece(line)]) for line in old[i1:i2]]
            elif op == "replace" and i2 - i1 == j2 - j1:
                result += [DiffLine("changed", _word_pieces(a, b)) for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
            else:
                result += [DiffLine("removed", [Piece(line, "removed")]) for line in old[i1:i2]]
                result += [DiffLine("added", [Piece(line, "added")]) for line in new[j1:j2]]
    return result


def change_counts(before: str, after: str) -> tuple[int, int]:
    """(lines added, lines removed), as a summary of a revision."""
    added = removed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes():
        if op != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed
