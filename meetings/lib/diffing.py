"""Readable differences between two texts of the minutes, for history and conflict pages.

Lines are compared first, then the words of lines that changed, so that a
one-word edit in a long paragraph shows as that word, not as two paragraphs.
Additions and deletions are marked with <ins>/<del> and a "+"/"−" sign, so
the difference is legible without colour.
"""

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

_WORDS = re.compile(r"\s+|[^\s]+")
# Bounds on the work of one diff, which anyone who can save a text can make
# people wait for (difflib.SequenceMatcher is quadratic in the lengths compared,
# cubic on repetitive input): changed lines compared line by line, on either
# side; pairs of words (and the spaces between them) compared word by word, for
# one line (two lines of 200 words) and over the whole diff (a few hundred
# changed lines of 20 words). Past them the note of the diff says what was shown instead.
MAX_LINES = 1_000
MAX_LINE_WORD_PAIRS = 160_000
MAX_WORD_PAIRS = 500_000


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


def _word_pieces(old: list[str], new: list[str]) -> list[Piece]:
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


class _Fixed(difflib.SequenceMatcher):
    """Opcodes worked out beforehand, so that difflib's grouping around changes applies to them too."""

    def __init__(self, opcodes: list[tuple[str, int, int, int, int]]):
        super().__init__(None, (), ())
        self.opcodes = opcodes

    def get_opcodes(self):
        return self.opcodes


def line_opcodes(old: list[str], new: list[str]) -> tuple[list[tuple[str, int, int, int, int]], bool]:
    """difflib's opcodes of the lines, and whether the changed middle was too long to compare line by line.

    The common start and end are set aside first (cheap, and most edits touch
    a few lines); a middle longer than MAX_LINES on either side is one block
    removed and one added instead.
    """
    start, limit = 0, min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_end, new_end = len(old) - end, len(new) - end
    coarse = max(old_end - start, new_end - start) > MAX_LINES
    if coarse:
        # "delete" then "insert", not "replace": lines side by side here are not versions of each other.
        middle = [("delete", start, old_end, start, start), ("insert", old_end, old_end, start, new_end)]
    else:
        middle = [
            (op, i1 + start, i2 + start, j1 + start, j2 + start)
            # difflib's own heuristic on (autojunk): from 200 lines on, lines repeated more than once
            # per hundred (blank lines, "-") no longer start matches. Without it, a few hundred
            # alternating repeated lines take seconds (its worst case is cubic); with it, the worst
            # case found for MAX_LINES lines is under a second.
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
                None, old[start:old_end], new[start:new_end]
            ).get_opcodes()
        ]
    opcodes = [("equal", 0, start, 0, start), *middle, ("equal", old_end, len(old), new_end, len(new))]
    return [op for op in opcodes if op[2] > op[1] or op[4] > op[3]], coarse


class Diff(list):
    """The lines of a diff (DiffLine, or None for skipped unchanged lines), and a note when it was made coarser."""

    note: str = ""


def diff_lines(before: str, after: str, context: int | None = 3) -> Diff:
    """The lines of `after` against `before`; None stands for skipped unchanged lines.

    The work is bounded whatever the texts (a diff is shown to whoever opens a
    revision or meets a conflict): past MAX_LINES changed lines the changed
    part is shown whole, and a changed line too long to compare word by word
    (MAX_LINE_WORD_PAIRS), or met once MAX_WORD_PAIRS pairs of words have been
    compared, is shown as the line removed and the line added. The diff's
    `note` says so.
    """
    old, new = before.splitlines(), after.splitlines()
    result = Diff()
    opcodes, coarse_lines = line_opcodes(old, new)
    matcher = _Fixed(opcodes)
    groups = [opcodes] if context is None else list(matcher.get_grouped_opcodes(context))
    budget, coarse_words = MAX_WORD_PAIRS, False
    for number, group in enumerate(groups):
        if number and result and result[-1] is not None:
            result.append(None)
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                result += [DiffLine("same", [Piece(line)]) for line in old[i1:i2]]
                continue
            if op == "replace" and i2 - i1 == j2 - j1:
                for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                    words_a, words_b = _WORDS.findall(a), _WORDS.findall(b)
                    pairs = len(words_a) * len(words_b)
                    if pairs <= min(budget, MAX_LINE_WORD_PAIRS):
                        budget -= pairs
                        result.append(DiffLine("changed", _word_pieces(words_a, words_b)))
                    else:
                        coarse_words = True
                        result += [DiffLine("removed", [Piece(a, "removed")]), DiffLine("added", [Piece(b, "added")])]
                continue
            result += [DiffLine("removed", [Piece(line, "removed")]) for line in old[i1:i2]]
            result += [DiffLine("added", [Piece(line, "added")]) for line in new[j1:j2]]
    if coarse_lines:
        result.note = "This change is too long to compare line by line; the changed part is shown whole."
    elif coarse_words:
        result.note = "This change is too long to compare word by word; lines are compared instead."
    return result


def change_counts(before: str, after: str) -> tuple[int, int]:
    """(lines added, lines removed), as a summary of a revision."""
    added = removed = 0
    for op, i1, i2, j1, j2 in line_opcodes(before.splitlines(), after.splitlines())[0]:
        if op != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def word_changes(before: str, after: str) -> tuple[int, int]:
    """(words added, words removed), for a one-line summary of a revision.

    Counted as multisets of words, in time linear in the texts (a history page
    sums one per row): a word replaced is one added and one removed, a line
    moved is no change. Markdown's marks alone ("-", "####", "|") are no words.
    """
    old, new = Counter(_words_of(before)), Counter(_words_of(after))
    return (new - old).total(), (old - new).total()


def _words_of(text: str) -> list[str]:
    return [word for word in text.split() if any(char.isalnum() for char in word)]
