"""Write minutes back as Markdown in the archive's own layout.

The same functions serve the `.md` download, `export_minutes`, and the reader,
which checks structured sections by writing them back (see reading.py). They
take any objects with the models' attribute names, so parsed data and saved
meetings are written by the same code.
"""

from collections.abc import Iterable, Sequence

from .actions import open_actions_block
from .attendance import attendance_block, attendees_after
from .choices import Horizon, ItemKind

ROADMAP_HEADER = ("Delivered When? | What?", "------|------")
_HORIZON_LABELS = dict(Horizon.choices)


def same_lines(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two texts have the same non-blank lines, trailing spaces aside."""
    return [line.rstrip() for line in a if line.strip()] == [line.rstrip() for line in b if line.strip()]


def agenda_entry(item) -> str:
    """An item's line in the agenda: its label, then its presenter and time in brackets only when set.

    Parsed items carry neither, so a file read and written back keeps its lines.
    """
    extras = [getattr(item, "presenter", "").strip()]
    minutes = getattr(item, "duration_minutes", None)
    extras.append(f"{minutes} min" if minutes else "")
    extras = [extra for extra in extras if extra]
    return f"{item.agenda_label} ({', '.join(extras)})" if extras else item.agenda_label


def agenda_lines(items: Iterable, marker: str) -> list[str]:
    """The agenda list: one bullet per item that has an agenda position."""
    listed = sorted((item for item in items if item.agenda_position is not None), key=lambda i: i.agenda_position)
    if marker == "1.":
        return [f"{number}. {agenda_entry(item)}" for number, item in enumerate(listed, start=1)]
    return [f"{marker} {agenda_entry(item)}" for item in listed]


def roadmap_cell(entry) -> str:
    if entry.is_heading or not entry.text.strip():
        return entry.text
    return f"- {entry.text}"


def roadmap_lines(entries: Sequence) -> list[str]:
    """The roadmap table: a `*Horizon* |` row opens each horizon, `||` rows follow."""
    lines = list(ROADMAP_HEADER)
    previous = None
    for entry in entries:
        if entry.horizon != previous:
            lines.append(f"*{_HORIZON_LABELS[entry.horizon]}* | {roadmap_cell(entry)}".rstrip())
            previous = entry.horizon
        else:
            lines.append(f"|| {roadmap_cell(entry)}".rstrip())
    return lines


def minutes_markdown(
    title: str, preamble: str, marker: str, items, reports, entries, attendees=(), open_actions=()
) -> str:
    """The minutes of one meeting as Markdown; recorded `attendees` go in their own section after the agenda.

    `open_actions` (format/actions.OpenActionLine) go in the "Open action items" section, where one is placed:
    what became of each there is part of these minutes.
    """
    items = list(items)
    blocks: list[str] = [f"# {title}".rstrip()]
    if preamble:
        blocks.append(preamble)
    attendance = attendance_block(items, list(attendees))
    after = attendees_after(items)
    if after == -1:
        blocks.append(attendance)
    for index, item in enumerate(items):
        if item.level == 0:
            continue
        if item.title or item.kind != ItemKind.BACKLOG:  # a notes-style file's teams have no backlog heading
            blocks.append(f"{'#' * item.level} {item.title}".rstrip())
        if item.kind == ItemKind.AGENDA:
            blocks.append("\n".join(agenda_lines(items, marker)))
            if index == after:
                blocks.append(attendance)
        elif item.kind == ItemKind.BACKLOG:
            blocks.append(item.body)
            for report in reports:
                blocks += [report.group_heading, report.heading, report.body]
            blocks.append(item.footnote)
        elif item.kind == ItemKind.ACTIONS:
            blocks.append(open_actions_block(list(open_actions)))  # its own body is no text of the minutes
        elif item.kind == ItemKind.ROADMAP:
            blocks += [item.body, "\n".join(roadmap_lines(list(entries))), item.footnote]
        else:
            blocks.append(item.body)
    return "\n\n".join(_tidy(block) for block in blocks if block.strip()) + "\n"


def _tidy(block: str) -> str:
    """A block without its blank first and last lines, with Unix line endings.

    Texts typed in a browser arrive with CRLF and a final newline; the file
    must not depend on how a text was entered. Leading spaces and trailing
    spaces inside the block are Markdown and stay.
    """
    lines = block.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start, end = 0, len(lines)
    while not lines[start].strip():
        start += 1
    while not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])
