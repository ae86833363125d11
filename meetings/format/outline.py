"""The roadmap as the chair edits it: a short Markdown outline, one horizon per heading.

    ## Soon
    **cf-deployment GA:**
    - Start of 2 month deprecation period for cf-release
    ## Next
    - Server side app manifest (CAPI, CLI)

A line starting with “- ” (or “* ”, “+ ”) is an entry, a lone “-” an empty row; any other line is a heading line that
introduces the entries under it. Each horizon ends with the spacer row of the
archive's table.
"""

from .choices import Horizon
from .reading import ParsedEntry, team_names_in


class OutlineError(ValueError):
    """The outline cannot be read; `messages` names each line that is wrong."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ".join(messages))


_LABELS = dict(Horizon.choices)
_ORDER = {value: index for index, value in enumerate(Horizon.values)}


def entries_to_text(entries) -> str:
    entries = list(entries)
    lines: list[str] = []
    previous = None
    for index, entry in enumerate(entries):
        if entry.horizon != previous:
            lines += ["", f"## {_LABELS[entry.horizon]}"] if lines else [f"## {_LABELS[entry.horizon]}"]
            previous = entry.horizon
        if entry.is_spacer:
            closes_horizon = index + 1 == len(entries) or entries[index + 1].horizon != entry.horizon
            if not closes_horizon:
                lines.append("-")  # an empty row inside the horizon, as the archive's tables have
            continue
        lines.append(entry.text if entry.is_heading else f"- {entry.text}")
    return "\n".join(lines) + ("\n" if lines else "")


def text_to_entries(text: str) -> list[ParsedEntry]:
    """Entries of an outline; an OutlineError names each line it cannot read."""
    entries: list[ParsedEntry] = []
    horizon = None
    seen: list[str] = []
    errors = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            found = Horizon.from_label(line.lstrip("#").strip())
            if found is None:
                names = ", ".join(_LABELS.values())
                errors.append(f"Line {number}: “{line.lstrip('#').strip()}” is not a horizon; use one of {names}.")
                continue
            if found.value in seen:
                errors.append(f"Line {number}: “{found.label}” comes twice; put all its entries under one heading.")
                continue
            if seen and _ORDER[found.value] < _ORDER[seen[-1]]:
                order = ", ".join(_LABELS.values())
                errors.append(f"Line {number}: “{found.label}” is out of order; the horizons go {order}.")
            if horizon is not None:
                entries.append(ParsedEntry(horizon=horizon, text=""))
            horizon = found.value
            seen.append(horizon)
        elif horizon is None:
            errors.append(f"Line {number}: start with a horizon heading such as “## Soon” before the entries.")
        elif line in ("-", "*", "+"):
            entries.append(ParsedEntry(horizon=horizon, text=""))
        elif line[:2] in ("- ", "* ", "+ "):
            body = line[2:].strip()
            entries.append(ParsedEntry(horizon=horizon, text=body, team_names=team_names_in(body)))
        else:
            entries.append(ParsedEntry(horizon=horizon, text=line, is_heading=True, team_names=team_names_in(line)))
    if errors:
        raise OutlineError(errors)
    if horizon is not None:
        entries.append(ParsedEntry(horizon=horizon, text=""))
    return entries
