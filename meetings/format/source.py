"""A minutes file kept exactly as imported: checked against an export, and edits carried onto it.

An import keeps the file's text as it came (BOM, CRLF, trailing spaces, a
missing final newline) beside the export written right after it (the base).
The export of a meeting is then its source with the edits made since (base →
current) applied at the same places, so that a meeting nobody touched comes
back byte for byte and an edited one differs only in the edited lines.
"""

import difflib
import re

BOM = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the breaks decode() turns into "\n", in the same order
_SHOWN_CHARS = 80


def source_text(data: bytes) -> str:
    """The text of a file exactly as it is, BOM and line endings kept (after decode() has checked the bytes)."""
    return data.decode("utf-8")


def meaningful_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line without trailing blanks) of each non-blank line of a normalised text."""
    return [(number, line.rstrip()) for number, line in enumerate(text.split("\n"), start=1) if line.strip()]


def first_difference(original: str, exported: str) -> str | None:
    """What the export loses, adds or reorders first among the original's non-blank lines; None if nothing.

    Both texts have "\\n" line endings (the file as decode() gives it); blank
    lines and trailing blanks do not count.
    """
    before, after = meaningful_lines(original), [line for _, line in meaningful_lines(exported)]
    index = next(
        (i for i, (line, (_, wanted)) in enumerate(zip(after, before, strict=False)) if line != wanted),
        min(len(before), len(after)),
    )
    if index == len(before) == len(after):
        return None
    rest_before, rest_after = [line for _, line in before[index:]], after[index:]
    if index < len(before) and before[index][1] not in rest_after:
        number, line = before[index]
        return f"line {number} of the file is missing from the import: “{_shown(line)}”"
    if index < len(after) and after[index] not in rest_before:
        where = f"before line {before[index][0]}" if index < len(before) else "after the last line"
        return f"the import adds a line {where} of the file: “{_shown(after[index])}”"
    number, line = before[index]
    return f"line {number} of the file comes out of order in the import: “{_shown(line)}”"


def _shown(line: str) -> str:
    line = line.strip()
    return line if len(line) <= _SHOWN_CHARS else line[: _SHOWN_CHARS - 1] + "…"


def carry_edits(source: str, base: str, current: str) -> str:
    """The source with the changes from base to current made at the same places.

    `base` and `current` are exports ("\\n" endings); `source` is the file as
    imported, whose non-blank lines are base's (trailing blanks aside: the
    import's self-check made sure). Untouched lines keep their bytes; new lines
    take the source's line ending; the BOM and a missing final newline stay.
    If source and base do not line up (a file imported without a title gets
    one), the current export is returned as it is.
    """
    if current == base:
        return source
    bom = BOM if source.startswith(BOM) else ""
    contents, endings = _split(source[len(bom) :])
    base_lines, current_lines = _lines(base), _lines(current)
    anchors = _anchors(base_lines, contents)
    if anchors is None:
        return current
    ending = _usual_ending(endings)
    final_newline = endings[-1] != "" if endings else True
    endings = [end or ending for end in endings]

    out_contents: list[str] = []
    out_endings: list[str] = []
    done = 0  # source lines copied so far
    for i1, i2, j1, j2 in _hunks(base_lines, current_lines):
        start = _start(i1, i2, base_lines, anchors, len(contents))
        end = _end(i1, i2, base_lines, anchors, len(contents))
        if start < done or end < start:  # cannot happen when source and base line up; never write a muddle
            return current
        out_contents += contents[done:start]
        out_endings += endings[done:start]
        out_contents += current_lines[j1:j2]
        out_endings += [ending] * (j2 - j1)
        done = end
    out_contents += contents[done:]
    out_endings += endings[done:]
    if out_endings and not final_newline:
        out_endings[-1] = ""
    return bom + "".join(line + end for line, end in zip(out_contents, out_endings, strict=True))


def _split(text: str) -> tuple[list[str], list[str]]:
    """The lines of a text and the ending of each ("" for a last line without one)."""
    contents, endings, position = [], [], 0
    for match in _LINE_BREAK.finditer(text):
        contents.append(text[position : match.start()])
        endings.append(match.group())
        position = match.end()
    if position < len(text):
        contents.append(text[position:])
        endings.append("")
    return contents, endings


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _usual_ending(endings: list[str]) -> str:
    counted = [end for end in endings if end]
    return max(("\n", "\r\n", "\r"), key=counted.count) if counted else "\n"


def _anchors(base: list[str], source: list[str]) -> dict[int, int] | None:
    """For each non-blank line of base, the index of the same line in the source; None if they differ."""
    source_lines = [(index, line.rstrip()) for index, line in enumerate(source) if line.strip()]
    base_lines = [(index, line.rstrip()) for index, line in enumerate(base) if line.strip()]
    if [line for _, line in source_lines] != [line for _, line in base_lines]:
        return None
    return {b: s for (b, _), (s, _) in zip(base_lines, source_lines, strict=True)}


def _hunks(base: list[str], current: list[str]) -> list[list[int]]:
    """The changed ranges [i1, i2, j1, j2], widened so that neither edge falls inside a run of blank lines.

    An edge between two blank lines has no one place in the source, whose run
    of blank lines may be longer or shorter: the hunk takes the whole run (the
    lines it takes are equal in base and current, so it stays a true change).
    """
    matcher = difflib.SequenceMatcher(None, base, current, autojunk=False)
    hunks: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        hunk = [i1, i2, j1, j2]
        floor = hunks[-1][1] if hunks else 0
        while hunk[0] > floor and _inside_blanks(base, hunk[0]):
            hunk[0] -= 1
            hunk[2] -= 1
        if hunks and hunk[0] <= hunks[-1][1]:
            hunks[-1][1:4:2] = hunk[1], hunk[3]
            hunk = hunks.pop()
        hunks.append(hunk)
    for index, hunk in enumerate(hunks):
        ceiling = hunks[index + 1][0] if index + 1 < len(hunks) else len(base)
        while hunk[1] < ceiling and _inside_blanks(base, hunk[1]):
            hunk[1] += 1
            hunk[3] += 1
    merged: list[list[int]] = []
    for hunk in hunks:
        if merged and hunk[0] <= merged[-1][1]:
            merged[-1][1], merged[-1][3] = hunk[1], hunk[3]
        else:
            merged.append(hunk)
    return merged


def _blank(lines: list[str], index: int) -> bool:
    return not lines[index].strip()


def _inside_blanks(base: list[str], edge: int) -> bool:
    """Whether the edge before base[edge] has a blank line on both sides."""
    return 0 < edge < len(base) and _blank(base, edge - 1) and _blank(base, edge)


def _start(i1: int, i2: int, base: list[str], anchors: dict[int, int], length: int) -> int:
    """The source line where the base lines [i1, i2) begin (where to insert, for an insertion)."""
    if i1 < i2 and not _blank(base, i1):
        return anchors[i1]
    if i1 == 0:
        return 0
    if not _blank(base, i1 - 1):
        return anchors[i1 - 1] + 1
    return anchors[i1] if i1 < len(base) else length


def _end(i1: int, i2: int, base: list[str], anchors: dict[int, int], length: int) -> int:
    """The source line just after the base lines [i1, i2)."""
    if i1 == i2:
        return _start(i1, i2, base, anchors, length)
    if i2 == len(base):
        return length
    if not _blank(base, i2 - 1):
        return anchors[i2 - 1] + 1
    return anchors[i2]
