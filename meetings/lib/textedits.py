"""The edits that turn one text into another, as a shared document applies them (the live room's diffs).

A live document must take an outside change (a form save, the API, an import)
as ordinary insertions and deletions at the places that changed, so the rest
of its text keeps its identity and merges with what clients still hold;
rebuilding it from the new text duplicates content on the next merge.
"""

from dataclasses import dataclass

from .diffing import line_opcodes


@dataclass(frozen=True)
class Edit:
    """Replace `delete` characters at `start` of the old text with `insert`."""

    start: int
    delete: int
    insert: str


def text_edits(before: str, after: str) -> list[Edit]:
    """The edits from `before` to `after`, by position in `before`, first to last (apply them last to first)."""
    if before == after:
        return []
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    offsets = [0]
    for line in old:
        offsets.append(offsets[-1] + len(line))
    # The history pages' line diff, within its bounds: the common ends set aside, a long middle one block.
    blocks = [(i1, i2, j1, j2) for op, i1, i2, j1, j2 in line_opcodes(old, new)[0] if op != "equal"]
    edits = []
    for i1, i2, j1, j2 in blocks:
        edits.append(_narrowed(offsets[i1], "".join(old[i1:i2]), "".join(new[j1:j2])))
    return edits


def _narrowed(at: int, old: str, new: str) -> Edit:
    """One replacement of lines, narrowed to the characters that differ (a word changed in a long line)."""
    head, limit = 0, min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return Edit(at + head, len(old) - head - tail, new[head : len(new) - tail])


def apply_edits(text: str, edits: list[Edit]) -> str:
    """The text with the edits made (what a document applying them shows)."""
    for edit in reversed(edits):
        text = text[: edit.start] + edit.insert + text[edit.start + edit.delete :]
    return text


def utf8_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of character `index`: how pycrdt's Text counts positions."""
    return len(text[:index].encode())
