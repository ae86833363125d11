"""Read a minutes file of the archive into plain data, without touching the database.

The archive's layout has changed over the years (see the corpus README), so the
parser knows the general structure rather than particular files:

- a `# Title` line with the date, then sections headed `#` or `##`;
- an `## Agenda` list (bulleted or numbered) naming the sections;
- a backlog section (`## Backlog Reviews`, `## Current Backlog and Priorities`,
  `# Projects`) holding one `### Team - Lead` section per team, optionally in
  groups (`## _Incubating_`) when the backlog section is a `#` one;
- a roadmap section with a `Delivered When? | What?` table grouped by horizon.

Where the team sections are is the committee's layout (TeamLayout, detected
per file by `detect_layout` when the committee has none): `### Team` under a
backlog heading, `### Project` under `# Projects` groups, or notes-style files
(“… PMC Notes as of 2015-11-09”) where each `##` section that is not a chair's
section (CHAIR_SECTIONS, and the committee's own agenda titles) is a team's.
Text the layout gives no structure to stays in place: a group heading whose
list has no `###` under it, and a chair's section between two notes-style
teams, are kept with the group heading text of the report that follows (or the
backlog's trailing text); link reference definitions after the last team are
the backlog's trailing text.

Whatever is not recognised stays where it stood as the Markdown of a notes
section: no text is ever dropped. Structured parts (agenda, roadmap) are checked
by writing them back with the exporter; if that would not give the same lines,
the section is kept as notes instead, so that import then export is faithful.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from .actions import OpenActionLine, read_open_actions
from .choices import Horizon, TeamLayout
from .slugs import team_slug
from .writing import ROADMAP_HEADER, agenda_lines, roadmap_lines, same_lines

# Every pattern here runs in time linear in the text it is given, whatever the
# text (issue 13: a heading followed by 40,000 spaces took 50 s). The rules:
# - unbounded repeats are possessive (`*+`, `++`): the engine never gives back
#   what they took, so it never retries them at each shorter length; none is
#   nested in another unbounded repeat;
# - trailing blanks are cut with str.rstrip before matching rather than by a
#   lazy `.*?` that the engine would extend one character at a time;
# - patterns searched for at every position (search, finditer, split, sub)
#   have no unbounded repeat at all, so each position costs a fixed amount.
# tests/test_import_limits.py checks the first rule on the compiled patterns
# and counts the work the parser does on hostile files.
_HEADING = re.compile(r"(#{1,6}+)(?:[ \t]++(.*+))?")  # fullmatch on the line without its trailing blanks
_FENCE = re.compile(r" {0,3}(`{3,}+|~{3,}+)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_US_DATE = re.compile(r"(?<!\d)(\d{1,2})-(\d{1,2})-(\d{4})(?!\d)")
_BULLET = re.compile(r"(?:([*+-])|(\d{1,3}+)[.)])[ \t]++(\S.*+)")  # fullmatch, as _HEADING
_BACKLOG_TITLE = re.compile(r"^(backlog reviews?|current backlogs? and priorities|projects)$", re.IGNORECASE)
_ROADMAP_TITLE = re.compile(r"roadmap", re.IGNORECASE)
_DELIMITER_CELL = re.compile(r":?+-++:?+")
_HORIZON_ROW = re.compile(r"^\*([^*|]++)\*\s*+\|[ ]?+(.*+)$")
_CONTINUATION_ROW = re.compile(r"^\|\|[ ]?+(.*+)$")
_DASH = re.compile(r"[-–—]")
_LEAD_DASH = re.compile(r"\s[-–—]|[-–—]\s")  # the first dash with a blank before or after it
_TEAM_SEPARATOR = re.compile(r",|/|\band\b")
_NOT_LABEL = re.compile(r"[^a-z0-9 ]")
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]]++\]:[ \t]*+\S.*+")  # fullmatch: `[1.10.0]: https://…`
_NOTES_TITLE = re.compile(r"\bnotes\b", re.IGNORECASE)
_NOTES_PREFIX = re.compile(r"(?:updates?|news|report)[ \t]++(?:on|from|of)[ \t]++", re.IGNORECASE)
STATUS_LABELS = frozenset({"incubating", "incubation", "proposed", "retired", "active", "inactive", "attic"})

# Far beyond any real minutes (the 129 files of the archive: lines of at most
# 631 characters, 40 headings, agendas of 4 entries, roadmaps of 22 rows), and
# each heading or row becomes rows in the database: a file over them is refused.
MAX_LINE_CHARS = 20_000
MAX_HEADINGS = 1_000  # of levels 1 to 3 after the title: those that become sections and team reports
MAX_ROWS = 1_000  # agenda entries, and roadmap rows

TEAM_LEVEL = 3

# Sections of a notes-style file that are the chair's, not a team's (normalised by _normalise_label).
CHAIR_SECTIONS = frozenset(
    {
        "agenda",
        "attendee",
        "attendance",
        "table of content",
        "content",
        "toc",
        "announcement",
        "discussion",
        "open discussion",
        "when where",
        "where when",
        "when",
        "where",
        "action item",
        "open action item",
        "next meeting",
        "other business",
        "new business",
        "old business",
        "note",
        "minute",
        "zoom info",
        "meeting info",
        "call info",
        "link",
        "reference",
    }
)


class ParseError(ValueError):
    """The file cannot be read as minutes; the message says where and why."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class ParsedItem:
    level: int
    title: str
    kind: str = "notes"
    body: str = ""
    footnote: str = ""
    agenda_position: int | None = None
    agenda_label: str = ""
    line: int = 0


@dataclass
class ParsedReport:
    heading: str
    team_name: str
    status_label: str = ""
    leads: str = ""
    group: str = ""
    group_heading: str = ""
    body: str = ""
    line: int = 0


@dataclass
class ParsedEntry:
    horizon: str
    text: str
    is_heading: bool = False
    team_names: list[str] = field(default_factory=list)

    @property
    def is_spacer(self) -> bool:
        return not self.text.strip()


@dataclass
class ParsedMeeting:
    title: str
    date: date | None
    preamble: str = ""
    agenda_marker: str = "*"
    items: list[ParsedItem] = field(default_factory=list)
    reports: list[ParsedReport] = field(default_factory=list)
    roadmap: list[ParsedEntry] = field(default_factory=list)
    open_actions: list[OpenActionLine] = field(default_factory=list)  # the "Open action items" section's lines
    warnings: list[str] = field(default_factory=list)
    layout: str = TeamLayout.BACKLOG
    layout_detected: bool = False


@dataclass
class _Section:
    level: int
    title: str
    line: int
    lines: list[str] = field(default_factory=list)
    item: ParsedItem | None = None  # the notes-style backlog, already parsed

    @property
    def body(self) -> str:
        return _strip_blank_edges(self.lines)


def decode(data: bytes) -> str:
    """The text of a minutes file: UTF-8 (with or without BOM), any line endings."""
    if not data.strip():
        raise ParseError("the file is empty; expected Markdown minutes starting with a “# Title” line", 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise ParseError(f"a NUL byte (byte {nul}): the file is binary; expected Markdown text", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(
            f"byte {error.start} (0x{data[error.start]:02x}) is not valid UTF-8; expected a file saved as UTF-8", line
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_minutes(text: str, filename: str = "", layout: str = "", chair_titles=()) -> ParsedMeeting:
    """Parse the Markdown of one meeting's minutes; a ParseError names a line over the limits.

    `layout` is a TeamLayout value, or blank to detect it from the text;
    `chair_titles` are more titles of chair's sections (the committee's agenda).
    """
    lines = text.split("\n")
    _check_line_lengths(lines)
    title, title_line, title_date = _find_title(lines)
    file_date = date_from_text(filename.rsplit("/", 1)[-1])
    start = title_line if title_line is not None else 0
    preamble, sections = _split_sections(lines[start:], first_line=start + 1)
    chair = CHAIR_SECTIONS | {_normalise_label(title) for title in chair_titles}

    meeting = ParsedMeeting(title=title or "", date=title_date or file_date, preamble=preamble)
    meeting.layout = layout or _detect(title or "", sections, chair)
    meeting.layout_detected = not layout
    if title is None:
        meeting.warnings.append("no “# Title” line at the top; the meeting gets its committee's usual title")
    if title_date and file_date and title_date != file_date:
        # One file per meeting: a title copied from an earlier meeting must not
        # make two files one meeting, so the file's own name decides.
        meeting.date = file_date
        meeting.warnings.append(
            f"the title says {title_date.isoformat()} but the file name {file_date.isoformat()}; "
            "filed under the file name's date"
        )
    backlog_seen = roadmap_seen = agenda_section = actions_seen = None
    if meeting.layout == TeamLayout.NOTES:
        sections, backlog_seen = _notes_backlog(sections, chair, meeting)
    index = 0
    while index < len(sections):
        section = sections[index]
        index += 1
        if section is backlog_seen:
            meeting.items.append(section.item)
            continue
        if section.level == 1 and _BACKLOG_TITLE.match(section.title) and not backlog_seen:
            # A `# Projects` section owns the `##` group headings that follow it.
            while index < len(sections) and sections[index].level == 2:
                section.lines += [_heading_line(sections[index]), *sections[index].lines]
                index += 1
        item = ParsedItem(level=section.level, title=section.title, body=section.body, line=section.line)
        if _BACKLOG_TITLE.match(section.title) and not backlog_seen and meeting.layout != TeamLayout.NOTES:
            backlog_seen = item
            item.kind = "backlog"
            item.body, item.footnote, meeting.reports = _parse_backlog(section)
        elif _ROADMAP_TITLE.search(section.title) and not roadmap_seen:
            parsed = _parse_roadmap(section)
            if parsed:
                roadmap_seen = item
                item.kind = "roadmap"
                item.body, meeting.roadmap, item.footnote = parsed
        elif actions_seen is None and (open_actions := _open_actions(section)) is not None:
            actions_seen = item
            item.kind, item.body = "actions", ""
            meeting.open_actions = open_actions
        elif section.title.strip().lower() == "agenda" and agenda_section is None:
            agenda_section = (item, section)
        meeting.items.append(item)

    if agenda_section:
        _link_agenda(meeting, *agenda_section)
    return meeting


def _open_actions(section: _Section) -> list[OpenActionLine] | None:
    """The lines of the site's "Open action items" section as the export writes it; None for any other section.

    Known by its text, whatever the agenda template titled it: only such lines, or the sentence saying there are
    none. Its lines are the outcomes recorded in the meeting, never actions of its own.
    """
    if section.level == 0 or not section.body.strip():
        return None
    return read_open_actions(section.body)


def minutes_date(text: str, filename: str) -> date | None:
    """The date parse_minutes files the minutes under: the file name's, else the title's."""
    title_date = _find_title(text.split("\n"))[2]
    return date_from_text(filename.rsplit("/", 1)[-1]) or title_date


def detect_layout(text: str, chair_titles=()) -> str:
    """The TeamLayout a minutes file's text is written in (see `_detect`)."""
    lines = text.split("\n")
    title, title_line, _date = _find_title(lines)
    start = title_line if title_line is not None else 0
    _preamble, sections = _split_sections(lines[start:], first_line=start + 1)
    return _detect(title or "", sections, CHAIR_SECTIONS | {_normalise_label(title) for title in chair_titles})


def _detect(title: str, sections: list["_Section"], chair: frozenset[str] | set[str]) -> str:
    """The layout of a file's sections, from the first rule that applies:

    - projects: a backlog heading (`# Projects`) at level 1 followed by `##` groups;
    - backlog: any other backlog heading (`## Backlog Reviews`);
    - notes: a notes-style file, its title saying “Notes” or a `## Table of Contents`,
      with a `##` section that is not a chair's;
    - backlog otherwise: every section is then the chair's, as the parser always read them.
    """
    for index, section in enumerate(sections):
        if _BACKLOG_TITLE.match(section.title):
            followed_by_group = index + 1 < len(sections) and sections[index + 1].level == 2
            return TeamLayout.PROJECTS if section.level == 1 and followed_by_group else TeamLayout.BACKLOG
    notes_style = _NOTES_TITLE.search(title) or any(_normalise_label(s.title) == "table of content" for s in sections)
    if notes_style and any(_is_notes_team(section, chair) for section in sections):
        return TeamLayout.NOTES
    return TeamLayout.BACKLOG


def _is_notes_team(section: "_Section", chair) -> bool:
    if section.level != 2 or _ROADMAP_TITLE.search(section.title):
        return False
    name = parse_team_heading(section.title)[0]
    return bool(team_key(name)) and _normalise_label(section.title) not in chair and _normalise_label(name) not in chair


def notes_team_name(name: str) -> str:
    """The team a notes-style heading names: “Update on Diego” is Diego's section."""
    match = _NOTES_PREFIX.match(name)
    return name[match.end() :].strip() if match and name[match.end() :].strip() else name


def _notes_backlog(
    sections: list["_Section"], chair, meeting: ParsedMeeting
) -> tuple[list["_Section"], "_Section | None"]:
    """The sections with the run from the first to the last team's `##` section made one headless backlog.

    A chair's section inside the run is kept in place as the group heading text
    of the next team's report; link definitions (and rules, comments) after the
    last team's text are the backlog's trailing text.
    """
    teams = [index for index, section in enumerate(sections) if _is_notes_team(section, chair)]
    if not teams:
        return sections, None
    first, last = teams[0], teams[-1]
    backlog = _Section(level=2, title="", line=sections[first].line)
    backlog.item = ParsedItem(level=2, title="", kind="backlog", line=backlog.line)
    pending: list[str] = []
    seen: set[str] = set()
    for section in sections[first : last + 1]:
        name, label, leads = parse_team_heading(section.title)
        name = notes_team_name(name)
        key = team_key(name)
        if not _is_notes_team(section, chair) or key in seen:
            pending += [_heading_line(section), *section.lines]
            continue
        seen.add(key)
        meeting.reports.append(
            ParsedReport(
                heading=_heading_line(section),
                team_name=name,
                status_label=label,
                leads=leads,
                group_heading=_strip_blank_edges(pending),
                body=section.body,
                line=section.line,
            )
        )
        pending = []
    last_report = meeting.reports[-1]
    body, trailing = _split_trailing_references(last_report.body.split("\n"))
    if trailing and last + 1 == len(sections):
        last_report.body, backlog.item.footnote = body, trailing
    return [*sections[:first], backlog, *sections[last + 1 :]], backlog


def _split_trailing_references(lines: list[str]) -> tuple[str, str]:
    """(text, trailing block) where the trailing block is the link definitions at the end, with the rules,
    comments and blank lines just before them; ("…", "") when the text does not end with link definitions."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and (not lines[start - 1].strip() or _LINK_DEFINITION.fullmatch(lines[start - 1].rstrip())):
        start -= 1
    if start == end:
        return _strip_blank_edges(lines), ""
    while start and (not lines[start - 1].strip() or _is_rule_or_comment(lines[start - 1])):
        start -= 1
    return _strip_blank_edges(lines[:start]), _strip_blank_edges(lines[start:end])


def _is_rule_or_comment(line: str) -> bool:
    bare = line.replace(" ", "").replace("\t", "")
    return (bare.startswith("<!--") and bare.endswith("-->")) or (
        len(bare) >= 3 and len(set(bare)) == 1 and bare[0] in "-*_"
    )


def group_blocks(group_heading: str) -> list[tuple[str, str]]:
    """(group name, the Markdown under it) for each heading of a report's group heading text, in order.

    Text before the first heading comes with an empty name; a group that held
    only a list (no team of its own) is one of these blocks, shown in place.
    """
    blocks: list[tuple[str, list[str]]] = []
    fence = None
    for line in group_heading.split("\n"):
        fence = _fence_after(line, fence)
        heading = _heading(line) if fence is None else None
        if heading:
            blocks.append((_without_closing_hashes(heading[1].strip()).strip().strip("_*").strip(), []))
        else:
            if not blocks:
                blocks.append(("", []))
            blocks[-1][1].append(line)
    return [(name, _strip_blank_edges(lines)) for name, lines in blocks]


def hidden_lines(text: str) -> list[str]:
    """The lines of a text that its rendering does not show: link reference definitions and HTML comments.

    The page and the PDF show them as written, so that every line of the file
    can be read there too.
    """
    hidden, comment, fence = [], False, None
    for line in text.split("\n"):
        fence = _fence_after(line, fence)
        if fence is not None:
            continue
        stripped = line.strip()
        if comment or stripped.startswith("<!--"):
            hidden.append(line.rstrip())
            comment = "-->" not in stripped[4 if not comment else 0 :]
        elif _LINK_DEFINITION.fullmatch(line.rstrip()):
            hidden.append(line.rstrip())
    return hidden


def date_from_text(text: str) -> date | None:
    """The first valid date written as YYYY-MM-DD or MM-DD-YYYY in the text."""
    for match in _ISO_DATE.finditer(text):
        found = _valid_date(int(match[1]), int(match[2]), int(match[3]))
        if found:
            return found
    for match in _US_DATE.finditer(text):
        found = _valid_date(int(match[3]), int(match[1]), int(match[2]))
        if found:
            return found
    return None


def parse_team_heading(text: str) -> tuple[str, str, str]:
    """(team name, status label, leads) of a team heading's text.

    Handles “Team - Lead”, “Team – Lead”, “Team (incubating) - A / B”,
    “Team (Lead)”, “Team (aka X) (Lead, Company)” and a bare “Team”.
    """
    text = _without_closing_hashes(text.strip()).strip()
    parts = _split_at_lead_separator(text)
    name, leads = (parts[0], parts[1].strip()) if parts else (text, "")
    label = ""
    match = _trailing_parenthesis(name)
    if match and match[0] and not leads and not _is_status(match[1]):
        name, leads = match[0], match[1].strip()
        match = _trailing_parenthesis(name)
    if match and match[0] and _is_status(match[1]):
        name, label = match[0], match[1].strip()
    elif (match := _trailing_parenthesis(leads)) and match[0] and _is_status(match[1]):
        # “Team - Lead (incubating)”: the label written after the leads.
        leads, label = match[0], match[1].strip()
    return name.strip(), label, leads


def _without_closing_hashes(text: str) -> str:
    """The heading text without ATX closing hashes: “Diego ##” gives “Diego”, “C#” stays."""
    hashes_cut = text.rstrip("#")
    if hashes_cut == text:
        return text
    if not hashes_cut:
        return ""
    if hashes_cut[-1] in " \t":
        return hashes_cut.rstrip(" \t")
    return text


def _split_at_lead_separator(text: str) -> tuple[str, str] | None:
    """Name and leads either side of the first dash with a blank beside it (“Diego - Eric”), or None."""
    match = _LEAD_DASH.search(text)
    if match is None:
        return None
    at = match.start() if _DASH.match(text, match.start()) else match.start() + 1
    return text[:at].rstrip(), text[at + 1 :].lstrip()


def _trailing_parenthesis(text: str) -> tuple[str, str] | None:
    """(text before, text inside) of a final “(…)” holding no parenthesis, on a text of one line; else None."""
    text = text.rstrip()
    opening = text.rfind("(", 0, len(text) - 1)
    if not text.endswith(")") or opening < 0 or ")" in text[opening + 1 : -1]:
        return None
    before = text[:opening].rstrip()
    return None if "\n" in before else (before, text[opening + 1 : -1])


def team_key(name: str) -> str:
    """What identifies a team across meetings: not case, spacing, hyphens or punctuation."""
    return team_slug(name).replace("-", "")


def _is_status(text: str) -> bool:
    words = text.lower().split()
    return bool(words) and set(words) <= STATUS_LABELS


def team_names_in(text: str) -> list[str]:
    """Team names in a roadmap line's trailing parenthesis: “… (CAPI, Diego)”."""
    text = text.rstrip()
    opening = text.rfind("(", 0, len(text) - 1)
    if not text.endswith(")") or opening < 0 or ")" in text[opening + 1 : -1]:
        return []
    return [name.strip() for name in _TEAM_SEPARATOR.split(text[opening + 1 : -1]) if name.strip()]


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _check_line_lengths(lines: list[str]) -> None:
    if max(map(len, lines)) <= MAX_LINE_CHARS:
        return
    number, line = next((n, line) for n, line in enumerate(lines, 1) if len(line) > MAX_LINE_CHARS)
    raise ParseError(f"the line is {len(line):,} characters long; expected at most {MAX_LINE_CHARS:,}", number)


def _heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line (`## Title ##` has the text “Title ##”), or None."""
    if not line.startswith("#"):
        return None
    match = _HEADING.fullmatch(line.rstrip(" \t"))
    return (len(match[1]), match[2] or "") if match else None


def _find_title(lines: list[str]) -> tuple[str | None, int | None, date | None]:
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        heading = _heading(line)
        if heading and heading[0] == 1:
            title = heading[1]
            return title, number + 1, date_from_text(title)
        return None, None, None
    return None, None, None


def _split_sections(lines: list[str], first_line: int) -> tuple[str, list[_Section]]:
    """Preamble and the `#`/`##` sections, ignoring headings inside code fences."""
    preamble: list[str] = []
    sections: list[_Section] = []
    fence = None
    headings = 0
    for offset, line in enumerate(lines):
        fence = _fence_after(line, fence)
        heading = _heading(line) if fence is None else None
        if heading and heading[0] <= TEAM_LEVEL:  # those that can become sections and reports
            headings += 1
            if headings > MAX_HEADINGS:
                message = f"more than {MAX_HEADINGS:,} headings of sections and teams; expected far fewer"
                raise ParseError(message, first_line + offset)
        if heading and heading[0] <= 2:
            sections.append(_Section(level=heading[0], title=heading[1], line=first_line + offset))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return _strip_blank_edges(preamble), sections


def _fence_after(line: str, fence: str | None) -> str | None:
    """The code fence open after this line: headings inside a fence are code, not sections."""
    match = _FENCE.match(line)
    if match is None:
        return fence
    marker = match[1]
    if fence is None:
        return marker
    return None if marker[0] == fence[0] and len(marker) >= len(fence) else fence


def _heading_line(section: _Section) -> str:
    return f"{'#' * section.level} {section.title}".rstrip()


def _strip_blank_edges(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def _parse_backlog(section: _Section) -> tuple[str, str, list[ParsedReport]]:
    """Intro, trailing text and team reports of a backlog section."""
    intro: list[str] = []
    reports: list[ParsedReport] = []
    bodies: list[list[str]] = []
    current: list[str] = intro
    group, pending_group = "", []
    seen: dict[str, ParsedReport] = {}
    fence = None
    for offset, line in enumerate(section.lines):
        fence = _fence_after(line, fence)
        heading = _heading(line) if fence is None else None
        level = heading[0] if heading else 0
        if level and level < TEAM_LEVEL:
            # A group heading (`## _Incubating_`) and the text under it.
            group = heading[1].strip().strip("_*").strip()
            # A group with no `###` team under it (a plain list) stays, with the next group, before the next team.
            pending_group = [*pending_group, line] if _strip_blank_edges(pending_group) else [line]
            current = pending_group
        elif level == TEAM_LEVEL:
            name, label, leads = parse_team_heading(heading[1])
            key = team_key(name)  # the importer's identity: one meeting never holds two reports of a team
            if key in seen or not name:
                # The same team twice in one meeting: keep the text in place.
                current.append(line)
                continue
            report = ParsedReport(
                heading=line.rstrip(),
                team_name=name,
                status_label=label,
                leads=leads,
                group=group,
                group_heading=_strip_blank_edges(pending_group),
                line=section.line + 1 + offset,
            )
            pending_group = []
            seen[key] = report
            reports.append(report)
            current = []
            bodies.append(current)
        else:
            current.append(line)
    for report, body in zip(reports, bodies, strict=True):
        report.body = _strip_blank_edges(body)
    return _strip_blank_edges(intro), _strip_blank_edges(pending_group), reports


def _parse_roadmap(section: _Section) -> tuple[str, list[ParsedEntry], str] | None:
    """Intro, entries and footnote of a roadmap table section, or None if not one."""
    lines = section.lines
    header = next((i for i in range(len(lines) - 1) if "|" in lines[i] and _is_delimiter_row(lines[i + 1])), None)
    if header is None:
        return None
    entries: list[ParsedEntry] = []
    horizon = None
    end = header + 2
    for end in range(header + 2, len(lines) + 1):
        if end == len(lines) or not lines[end].strip():
            break
        row = lines[end].rstrip()
        if match := _HORIZON_ROW.match(row):
            found = Horizon.from_label(match[1])
            if found is None or (horizon and Horizon.values.index(found.value) <= Horizon.values.index(horizon)):
                return None  # not a horizon, or one twice or out of order: not a table the editor can keep
            horizon = found.value
            text = match[2]
        elif (match := _CONTINUATION_ROW.match(row)) and horizon:
            text = match[1]
        else:
            return None
        if len(entries) == MAX_ROWS:
            raise ParseError(
                f"the roadmap table has more than {MAX_ROWS:,} rows; expected far fewer", section.line + 1 + end
            )
        entries.append(_entry(horizon, text))
    intro = _strip_blank_edges(lines[:header])
    footnote = _strip_blank_edges(lines[end:])
    table = [lines[header].rstrip(), lines[header + 1].rstrip()]
    if tuple(table) != ROADMAP_HEADER or not same_lines(lines[header:end], roadmap_lines(entries)):
        return None
    return intro, entries, footnote


def _is_delimiter_row(line: str) -> bool:
    """Whether the line is a Markdown table's delimiter row of at least two columns (`---|:---:`)."""
    cells = line.strip()
    cells = cells[1:] if cells.startswith("|") else cells
    cells = cells[:-1] if cells.endswith("|") else cells
    parts = cells.split("|")
    return len(parts) >= 2 and all(_DELIMITER_CELL.fullmatch(part.strip()) for part in parts)


def _entry(horizon: str, text: str) -> ParsedEntry:
    text = text.rstrip()
    if text.startswith("- "):
        body = text[2:]
        return ParsedEntry(horizon=horizon, text=body, team_names=team_names_in(body))
    return ParsedEntry(horizon=horizon, text=text, is_heading=bool(text), team_names=team_names_in(text))


def _normalise_label(label: str) -> str:
    words = _NOT_LABEL.sub(" ", label.lower()).split()
    return " ".join(word[:-1] if word.endswith("s") and len(word) > 3 else word for word in words)


def _link_agenda(meeting: ParsedMeeting, agenda: ParsedItem, section: _Section) -> None:
    """Tie the agenda's bullets to the sections they name, if the list is plain."""
    bullets = []
    markers = set()
    for line in section.body.split("\n"):
        if not line.strip():
            continue
        match = _BULLET.fullmatch(line.rstrip(" \t"))
        if not match:
            return
        if len(bullets) == MAX_ROWS:
            raise ParseError(f"the agenda has more than {MAX_ROWS:,} entries; expected far fewer", section.line)
        markers.add(match[1] or "1.")
        bullets.append(match[3])
    if not bullets or len(markers) != 1:
        return
    marker = markers.pop()
    candidates = [item for item in meeting.items if item is not agenda]
    # Looked up by label, not searched for each bullet: many bullets and sections must not take their product.
    by_label: dict[str, list[ParsedItem]] = {}
    for candidate in reversed(candidates):  # each list ends with its first section, the one a bullet takes
        by_label.setdefault(_normalise_label(candidate.title), []).append(candidate)
    # Only the backlog and roadmap sections may be named by the start of their title: one of each at most.
    structured = [(c, _normalise_label(c.title)) for c in candidates if c.kind != "notes"]
    linked: list[ParsedItem] = []
    for position, label in enumerate(bullets):
        wanted = _normalise_label(label)
        same = by_label.get(wanted, [])
        while same and same[-1].agenda_position is not None:
            same.pop()
        item = same[-1] if same else None
        item = item or next(
            (c for c, title in structured if c.agenda_position is None and wanted and title.startswith(wanted)),
            None,
        )
        if item is None:
            item = ParsedItem(level=0, title="", kind="notes")
            meeting.items.append(item)
        item.agenda_position = position
        item.agenda_label = label
        linked.append(item)
    if not same_lines(section.body.split("\n"), agenda_lines(linked, marker)):
        for item in linked:
            item.agenda_position, item.agenda_label = None, ""
        meeting.items = [item for item in meeting.items if item.level > 0]
        return
    agenda.kind = "agenda"
    agenda.body = ""
    meeting.agenda_marker = marker
