"""Action items as the minutes write them: a GFM task list line each, and the archive's own lines that may be one.

An action is `- [ ] @owner: what (due YYYY-MM-DD)`: `owner` is a team's slug
or a person's user name, the due date optional, `[x]` once it is done. The
archive wrote actions its own ways (task lists without an owner, "AI:" and
"Action:" lines): `candidate_actions` finds those for the chair to look at
after an import; nothing here turns them into actions.
"""

import re
from dataclasses import dataclass
from datetime import date

_ACTION = re.compile(
    r"^ {0,3}[-*+] \[(?P<mark>[ xX])\] @(?P<owner>[A-Za-z0-9][A-Za-z0-9_.+-]*?):[ \t]+(?P<what>.*?)"
    r"(?:[ \t]+\(due (?P<due>\d{4}-\d{2}-\d{2})\))?[ \t]*$"
)
_TASK = re.compile(r"^\s*[-*+] \[[ xX]\][ \t]+(?P<what>\S.*?)\s*$")
_LABELLED = re.compile(
    r"^\s*(?:[-*+][ \t]+)?(?:\*\*|__)?(?:AI|[Aa]ction(?: [Ii]tem)?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?"
    r"[ \t]*(?P<what>\S.*?)\s*$"
)
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# A line of the "Open action items" section (open_action_line): never an action of the section it stands in.
_OPEN = re.compile(
    r"^- \[(?P<mark>[ xX])\] @(?P<owner>[A-Za-z0-9][A-Za-z0-9_.+-]*?): (?P<what>.*?)"
    r"(?: \(due (?P<due>\d{4}-\d{2}-\d{2})\))? \(from (?P<origin>\d{4}-\d{2}-\d{2})(?:, (?P<section>.*?))?\)"
    r"(?: — (?P<outcome>done|dropped|carried)(?:: (?P<note>.*?))?)?[ \t]*$"
)
NO_OPEN_ACTIONS = "No open action items."


@dataclass(frozen=True)
class ActionLine:
    owner: str
    text: str
    due: date | None = None
    done: bool = False


@dataclass(frozen=True)
class Candidate:
    """A line of the archive that may record an action: its number in the text (from 1) and what it says."""

    line: int
    text: str


@dataclass(frozen=True)
class OpenActionLine:
    """An action open when a meeting began, as its "Open action items" section writes it, with what became of it there.

    `origin` is the date of the meeting that agreed it, `section` its section there; `outcome` is blank (still open,
    nothing said) or a models.action.Outcome value, with its `note`.
    """

    owner: str
    text: str
    origin: date
    section: str = ""
    due: date | None = None
    outcome: str = ""
    note: str = ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def open_action_line(action: OpenActionLine) -> str:
    """`- [x] @owner: what (due …) (from 2030-01-08, Section) — done: note`: [x] once done there."""
    line = f"- [{'x' if action.outcome == 'done' else ' '}] @{action.owner}: {_one_line(action.text)}"
    if action.due is not None:
        line += f" (due {action.due.isoformat()})"
    section = _one_line(action.section)
    line += f" (from {action.origin.isoformat()}{', ' + section if section else ''})"
    if action.outcome:
        note = _one_line(action.note)
        line += f" — {action.outcome}" + (f": {note}" if note else "")
    return line


def read_open_action(line: str) -> OpenActionLine | None:
    """The open action a line of the "Open action items" section writes, or None."""
    match = _OPEN.match(line)
    if match is None or not match["what"].strip():
        return None
    try:
        due = date.fromisoformat(match["due"]) if match["due"] else None
        origin = date.fromisoformat(match["origin"])
    except ValueError:
        return None
    return OpenActionLine(
        owner=match["owner"],
        text=match["what"].strip(),
        origin=origin,
        section=match["section"] or "",
        due=due,
        outcome=match["outcome"] or "",
        note=(match["note"] or "").strip(),
    )


def read_open_actions(markdown: str) -> list[OpenActionLine] | None:
    """The lines of an "Open action items" section; None if any non-blank line is something else."""
    found = []
    for line in markdown.split("\n"):
        if not line.strip() or line.strip() == NO_OPEN_ACTIONS:
            continue
        action = read_open_action(line)
        if action is None:
            return None
        found.append(action)
    return found


def open_actions_block(actions: list[OpenActionLine]) -> str:
    """The "Open action items" section's text: a task list, or a sentence saying there are none."""
    return "\n".join(open_action_line(action) for action in actions) or NO_OPEN_ACTIONS


def action_line(action: ActionLine) -> str:
    """The task list line that records an action in the minutes."""
    line = f"- [{'x' if action.done else ' '}] @{action.owner}: {action.text.strip()}"
    if action.due is not None:
        line += f" (due {action.due.isoformat()})"
    return line


def read_action(line: str) -> ActionLine | None:
    """The action a line records in the site's own form, or None."""
    match = _ACTION.match(line)
    if match is None or not match["what"].strip() or _OPEN.match(line):
        return None
    due = None
    if match["due"]:
        try:
            due = date.fromisoformat(match["due"])
        except ValueError:
            return None  # "due 2018-02-30" is no date: the line is text, not an action the site can keep
    return ActionLine(owner=match["owner"], text=match["what"].strip(), due=due, done=match["mark"] != " ")


def _lines_outside_fences(markdown: str):
    fence = None
    for number, line in enumerate(markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if opening := _FENCE.match(line):
            if fence is None:
                fence = opening[1]
            elif opening[1] == fence:
                fence = None
            continue
        if fence is None:
            yield number, line


def read_actions(markdown: str) -> list[ActionLine]:
    """The actions a section's Markdown records in the site's form, in order (code fences hold none)."""
    return [action for _, line in _lines_outside_fences(markdown) if (action := read_action(line)) is not None]


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def with_owner_names(markdown: str, names: dict[str, str], nameless: str) -> str:
    """The Markdown with each action line's `@owner` written as the name its readers read (`nameless` if unknown).

    For display only: the text keeps the owner as the line names it, which an import or an export reads back.
    """
    markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
    lines = markdown.split("\n")
    for number, line in _lines_outside_fences(markdown):
        match = _OPEN.match(line) or _ACTION.match(line)
        if match is None or not match["what"].strip():
            continue
        name = _MARKDOWN_PUNCTUATION.sub(r"\\\1", names.get(match["owner"], nameless))
        start, end = match.span("owner")
        lines[number - 1] = line[: start - 1] + name + line[end:]
    return "\n".join(lines)


def candidate_actions(markdown: str) -> list[Candidate]:
    """Lines that may record an action in the archive's ways, not in the site's form: for the chair to look at."""
    found = []
    for number, line in _lines_outside_fences(markdown):
        if read_action(line) is not None:
            continue
        match = _TASK.match(line) or _LABELLED.match(line)
        if match is not None:
            found.append(Candidate(line=number, text=match["what"]))
    return found


def with_action(markdown: str, action: ActionLine) -> str:
    """The section's Markdown with the action's line added at its end: in the task list that ends it, if one does."""
    text = markdown.rstrip()
    line = action_line(action)
    if not text:
        return f"{line}\n"
    last = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[-1]
    return f"{text}\n{line}\n" if read_action(last) is not None else f"{text}\n\n{line}\n"


def accepting_candidate(markdown: str, line: int, was: str, action: ActionLine) -> str | None:
    """The Markdown with its line number `line` (from 1, as `candidate_actions` counts) made the action's line.

    Keeps the line's indentation (up to three spaces: more makes code) and its line ending. None when that line
    no longer reads `was` (the text changed since the candidate was offered).
    """
    lines = markdown.split("\n")
    if not 1 <= line <= len(lines) or lines[line - 1].rstrip("\r") != was:
        return None
    old = lines[line - 1]
    indent = old[: len(old) - len(old.lstrip(" "))][:3]
    lines[line - 1] = indent + action_line(action) + ("\r" if old.endswith("\r") else "")
    return "\n".join(lines)
