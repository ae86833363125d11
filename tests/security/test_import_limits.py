"""Hostile minutes files cannot exhaust the server: limits refused up front, and parsing linear in the file's size.

Linearity is checked by counting work, never by timing: Python lines run in the
app's modules, plus the characters each regular-expression call may examine.
A regex call's inner backtracking is invisible from outside, so its cost is
the bound its structure allows: n for an anchored match without a repeat that
can backtrack (or a search without any unbounded repeat), n² otherwise.
"""

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from io import StringIO
from pathlib import Path
from re import _constants as sre
from re import _parser as sre_parse

import pytest
from django.core.management import CommandError, call_command

import meetings
from meetings.format import attendance, outline, reading, writing
from meetings.format.reading import MAX_HEADINGS, MAX_LINE_CHARS, MAX_ROWS, ParseError, parse_minutes
from meetings.models import Meeting
from meetings.services import exporting, importing
from meetings.services.importing import Outcome, import_data, is_blank

FILE = "2018-06-12-runtime.md"
TITLE = "# Runtime PMC Meeting 2018-06-12\n\n"
BACKLOG = "## Current Backlog and Priorities\n\n"
ROADMAP = "## Roadmap\n\nDelivered When? | What?\n"
# Every module the import runs before it touches the database.
MODULES = (reading, writing, outline, attendance, importing, exporting)
APP = str(Path(meetings.__file__).parent)


# Regex structure ---------------------------------------------------------------------------------

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def unbounded_repeats(tree, inside: bool = False) -> Iterator[tuple[object, bool]]:
    """(kind, inside another unbounded repeat) of every `*`, `+` or `{n,}` in a parsed pattern."""
    for op, value in tree:
        if op in _REPEATS:
            _low, high, sub = value
            unbounded = high == sre.MAXREPEAT
            if unbounded:
                yield op, inside
            yield from unbounded_repeats(sub, inside or unbounded)
        elif op is sre.SUBPATTERN:
            yield from unbounded_repeats(value[3], inside)
        elif op is sre.BRANCH:
            for branch in value[1]:
                yield from unbounded_repeats(branch, inside)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            yield from unbounded_repeats(value[1], inside)
        elif op is sre.ATOMIC_GROUP:
            yield from unbounded_repeats(value, inside)


@cache
def can_backtrack(pattern: re.Pattern) -> bool:
    """Whether one anchored match may scan the string more than a fixed number of times.

    Possessive repeats (`*+`, `++`) never give characters back, so a pattern
    whose every unbounded repeat is possessive, and never nested in another
    unbounded repeat, examines each character a bounded number of times.
    """
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    return any(op is not sre.POSSESSIVE_REPEAT or nested for op, nested in unbounded_repeats(tree))


@cache
def scans_from_each_start(pattern: re.Pattern) -> bool:
    """Whether a search may scan to the end from each start: any unbounded repeat."""
    return any(True for _ in unbounded_repeats(sre_parse.parse(pattern.pattern, pattern.flags)))


def app_patterns() -> list[tuple[str, re.Pattern]]:
    return [
        (f"{module.__name__}.{name}", value)
        for module in MODULES
        for name, value in vars(module).items()
        if isinstance(value, re.Pattern)
    ]


@pytest.mark.parametrize(("name", "pattern"), app_patterns(), ids=[name for name, _ in app_patterns()])
def test_no_pattern_the_importer_uses_can_backtrack(name, pattern):
    assert not can_backtrack(pattern), f"{name} = {pattern.pattern!r} has a repeat that can backtrack"


# Counting work ----------------------------------------------------------------------------------


class Work:
    def __init__(self):
        self.lines = 0
        self.regex = 0

    @property
    def total(self) -> int:
        return self.lines + self.regex


class CountingPattern:
    """A compiled pattern that adds to `work` what each call may examine, then does the call."""

    def __init__(self, pattern: re.Pattern, work: Work):
        self._pattern, self._work = pattern, work
        self._anchored_cost = 2 if can_backtrack(pattern) else 1
        self._search_cost = 2 if can_backtrack(pattern) or scans_from_each_start(pattern) else 1

    def __getattr__(self, name):
        return getattr(self._pattern, name)

    def _charge(self, string, pos, endpos, power) -> None:
        n = max(0, min(len(string), endpos) - pos)
        self._work.regex += n**power

    def match(self, string, pos=0, endpos=sys.maxsize):
        self._charge(string, pos, endpos, self._anchored_cost)
        return self._pattern.match(string, pos, endpos)

    def fullmatch(self, string, pos=0, endpos=sys.maxsize):
        self._charge(string, pos, endpos, self._anchored_cost)
        return self._pattern.fullmatch(string, pos, endpos)

    def search(self, string, pos=0, endpos=sys.maxsize):
        self._charge(string, pos, endpos, self._search_cost)
        return self._pattern.search(string, pos, endpos)

    def finditer(self, string, pos=0, endpos=sys.maxsize):
        self._charge(string, pos, endpos, self._search_cost)
        return self._pattern.finditer(string, pos, endpos)

    def findall(self, string, pos=0, endpos=sys.maxsize):
        self._charge(string, pos, endpos, self._search_cost)
        return self._pattern.findall(string, pos, endpos)

    def split(self, string, maxsplit=0):
        self._charge(string, 0, sys.maxsize, self._search_cost)
        return self._pattern.split(string, maxsplit)

    def sub(self, repl, string, count=0):
        self._charge(string, 0, sys.maxsize, self._search_cost)
        return self._pattern.sub(repl, string, count)


class CountingRe:
    """The `re` module as the app's modules see it: calls with a pattern string are counted too."""

    def __init__(self, work: Work):
        self._work = work

    def __getattr__(self, name):
        function = getattr(re, name)
        if name in ("match", "fullmatch", "search", "finditer", "findall", "split", "sub"):

            def counted(pattern, *args, **kwargs):
                flags = kwargs.pop("flags", 0)
                return getattr(CountingPattern(re.compile(pattern, flags), self._work), name)(*args, **kwargs)

            return counted
        return function


@contextmanager
def counting_work(monkeypatch) -> Iterator[Work]:
    work = Work()
    for module in MODULES:
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, CountingPattern(value, work))
        if "re" in vars(module):
            monkeypatch.setattr(module, "re", CountingRe(work))

    def trace(frame, event, arg):
        if not frame.f_code.co_filename.startswith(APP):
            return None
        return local

    def local(frame, event, arg):
        if event == "line":
            work.lines += 1
        return local

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield work
    finally:
        sys.settrace(previous)
        monkeypatch.undo()


def agenda_and_sections(n: int) -> str:
    count = n // 5  # stays under the heading and agenda limits at 4n
    bullets = "".join(f"* Topic {i}\n" for i in range(count))  # names no section: each is looked for in vain
    sections = "".join(f"## Section {i}\n\ntext\n\n" for i in range(count))
    return TITLE + "## Agenda\n\n" + bullets + "\n" + sections


# Each file of size about n that some pattern or loop of the parser used to take n² steps on.
HOSTILE: dict[str, Callable[[int], str]] = {
    "team heading, spaces, then a word": lambda n: TITLE + BACKLOG + "### a" + " " * n + "x\n",
    "section heading, spaces, then a word": lambda n: TITLE + "## a" + " " * n + "x\n",
    "agenda bullet, spaces, then a word": lambda n: TITLE + "## Agenda\n\n* a" + " " * n + "x\n",
    "table row of spaces under a header": lambda n: TITLE + ROADMAP + " " * n + "x\n",
    "table delimiter of dashes and bars": lambda n: TITLE + ROADMAP + "-|" * (n // 2) + " x\n",
    "table row of bars": lambda n: TITLE + ROADMAP + "|" * n + "\n",
    "team heading of open parentheses": lambda n: TITLE + BACKLOG + "### a" + " (" * (n // 2) + "\n",
    "team heading, parenthesis, spaces": lambda n: TITLE + BACKLOG + "### (" + " " * n + "x\n",
    "team heading, hashes and spaces": lambda n: TITLE + BACKLOG + "### a" + " #" * (n // 2) + " x\n",
    "team heading of dashes": lambda n: TITLE + BACKLOG + "### a" + "-" * n + "\n",
    "roadmap entry of parentheses": lambda n: TITLE + ROADMAP + "------|------\n*Soon* | - a" + "(" * n + ")\n",
    "report line of spaces, then a word": lambda n: TITLE + BACKLOG + "### a\n\n" + " " * n + "x\n",
    "agenda naming many sections": agenda_and_sections,
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_parsing_work_grows_linearly_with_the_file(make, monkeypatch):
    def work(n: int) -> int:
        text = make(n)
        with counting_work(monkeypatch) as counted:
            is_blank(parse_minutes(text, FILE))
        return counted.total

    small, large = work(1000), work(4000)
    assert large / small < 5, f"work {small} at n=1000 but {large} at n=4000: {large / small:.1f}x for 4x the text"


# Limits ------------------------------------------------------------------------------------------


def test_a_line_over_the_limit_is_refused_naming_the_line():
    longest = "x" * MAX_LINE_CHARS
    assert parse_minutes(TITLE + "## Notes\n\n" + longest + "\n", FILE).items[0].body == longest
    with pytest.raises(ParseError) as refused:
        parse_minutes(TITLE + "## Notes\n\n" + longest + "\n" + longest + "123456\n", FILE)
    assert refused.value.line == 6
    assert str(refused.value) == (
        f"line 6: the line is {MAX_LINE_CHARS + 6:,} characters long; expected at most {MAX_LINE_CHARS:,}"
    )


def test_a_line_over_the_limit_fails_the_import_and_saves_nothing(db):
    text = TITLE + "## Notes\n\nfine\n" + "y" * 25_000 + "\n"
    result = import_data(text.encode(), Path(FILE), "runtime")
    assert result.outcome == Outcome.FAILED
    assert result.message.startswith("line 6: the line is 25,000 characters long")
    assert not Meeting.objects.exists()


def test_the_command_names_the_file_and_line_of_a_long_line(db, tmp_path):
    path = tmp_path / "Runtime" / FILE
    path.parent.mkdir()
    path.write_text(TITLE + "## Notes\n\n" + "z" * 30_000 + "\n", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_minutes", str(tmp_path), stdout=out)
    assert f"{path}: line 5: the line is 30,000 characters long" in out.getvalue()


def test_too_many_headings_are_refused_at_the_first_one_over():
    text = TITLE + "".join(f"## Section {i}\n" for i in range(MAX_HEADINGS + 5))
    with pytest.raises(ParseError) as refused:
        parse_minutes(text, FILE)
    assert refused.value.line == 3 + MAX_HEADINGS
    assert f"more than {MAX_HEADINGS:,} headings of sections and teams" in str(refused.value)


def test_only_headings_that_make_sections_or_reports_count_against_the_limit():
    code = "".join(f"# comment {i}\n" for i in range(MAX_HEADINGS))
    subheadings = "".join(f"#### Part {i}\n" for i in range(MAX_HEADINGS))
    sections = "".join(f"## Section {i}\n" for i in range(MAX_HEADINGS - 2))  # with backlog and Diego: the limit
    text = TITLE + BACKLOG + "### Diego\n\n" + subheadings + "```sh\n" + code + "```\n" + sections
    parsed = parse_minutes(text, FILE)
    assert (len(parsed.items), len(parsed.reports)) == (MAX_HEADINGS - 1, 1)
    with pytest.raises(ParseError, match="more than"):
        parse_minutes(text + "### One too many\n", FILE)


def test_too_many_agenda_entries_are_refused():
    bullets = "".join(f"* Entry {i}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(ParseError, match=f"more than {MAX_ROWS:,} entries"):
        parse_minutes(TITLE + "## Agenda\n\n" + bullets, FILE)


def test_too_many_roadmap_rows_are_refused():
    rows = "".join(f"|| - entry {i}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(ParseError, match=f"more than {MAX_ROWS:,} rows"):
        parse_minutes(TITLE + ROADMAP + "------|------\n*Soon* | - first\n" + rows, FILE)
