"""Property-based tests: no text breaks the renderer, and no file half-imports.

Derandomized, so CI sees the same examples on every run; each example runs in a
transaction that is rolled back, so examples never see each other's rows.
"""

from pathlib import Path

from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from meetings.format.reading import MAX_LINE_CHARS, ParseError, decode, parse_minutes
from meetings.lib.rendering import render_markdown
from meetings.models import Committee, Meeting, Team
from meetings.services.exporting import meeting_to_markdown, structural_markdown
from meetings.services.importing import Outcome, import_data
from tests.support.html_safety import executable_content
from tests.support.html_tree import parse_html

FILE = Path("2018-06-12-x.md")
BUDGET = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Characters Markdown and HTML care about, so that examples are more than plain words.
SYNTAX = st.sampled_from([*"<>[]()!*_`#-|:/\\&;\"'=~ \n\t", "javascript:", "<script>", "&#106;", "onerror="])
MARKDOWNISH = st.lists(SYNTAX | st.text(max_size=8), max_size=60).map("".join)

LINE = st.one_of(
    st.sampled_from(
        [
            "# Runtime PMC Meeting 2018-06-12",
            "## Agenda",
            "1. Current Backlog and Priorities",
            "2. Roadmap Discussion",
            "## Current Backlog and Priorities",
            "### Diego - Eric Malm",
            "### CLI - Abby Chau",
            "### Routing (incubating) - Shannon Coen",
            "## Roadmap",
            "Delivered When? | What?",
            "------|------",
            "*Soon* | **GA:**",
            "|| - first item",
            "- [add here]",
            "- done",
            "  - nested",
            "",
        ]
    ),
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"), max_size=40),
)
MINUTES = st.lists(LINE, max_size=25).map("\n".join)


@BUDGET
@given(st.text() | MARKDOWNISH)
def test_any_text_renders_harmless_html(text):
    html = render_markdown(text)
    assert isinstance(html, str)
    assert executable_content(list(parse_html(html).iter())) == []


def meaningful(text: str) -> list[str]:
    """The non-blank lines, trailing whitespace aside (what an import must keep)."""
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def added_lines(original: list[str], exported: list[str]) -> list[str] | None:
    """The lines the export adds around the original's, which must all be there in order; None if one is missing."""
    added, remaining = [], iter(original)
    wanted = next(remaining, None)
    for line in exported:
        if line == wanted:
            wanted = next(remaining, None)
        else:
            added.append(line)
    return added if wanted is None else None


@BUDGET
@given(MINUTES | st.text(max_size=200))
@example("")  # refused: empty
@example("# Runtime PMC Meeting 2018-06-12\n\x00")  # refused: binary
@example("# Runtime PMC Meeting 2018-06-12\n\n### Diego - " + "x" * 400)  # refused: leads too long
@example("# Runtime PMC Meeting 2018-06-12\n\n### Diego - Eric Malm\n\n- done\n")  # imported
def test_importing_any_text_keeps_every_line_or_refuses_cleanly(db, text):
    data = text.encode("utf-8")
    with transaction.atomic():
        result = import_data(data, FILE, "runtime")
        event(result.outcome)
        if result.meeting is not None:
            assert result.outcome == Outcome.IMPORTED
            exported = structural_markdown(result.meeting)  # the rows, not the file kept beside them
            added = added_lines(meaningful(decode(data)), meaningful(exported))
            assert added is not None, f"a line of the file is missing from the export:\n{exported}"
            # A file without a title gets the committee's; nothing else may appear.
            assert added in ([], [f"# {result.meeting.title}"]), added
            assert meeting_to_markdown(result.meeting) == text  # and the download is the file, byte for byte
        else:
            assert result.outcome in (Outcome.FAILED, Outcome.SKIPPED, Outcome.REFUSED)
            assert len(result.message) > 10, "a refusal says why"
            assert (Committee.objects.count(), Meeting.objects.count(), Team.objects.count()) == (0, 0, 0)
        transaction.set_rollback(True)


# Lines built from the parts a hostile file repeats: long runs of the characters the parser's patterns look at.
RUN = st.builds(
    lambda char, count: char * count,
    st.sampled_from([" ", "\t", "#", "|", "-", "(", ")", "*", ":", "x", " (", "| ", "- ", "# "]),
    st.integers(min_value=0, max_value=64) | st.integers(min_value=1_000, max_value=MAX_LINE_CHARS + 5_000),
)
START = st.sampled_from(["", "# ", "## ", "### ", "#### ", "* ", "- ", "1. ", "|| ", "*Soon* | ", "|", "```", "  "])
HOSTILE_LINE = st.builds(lambda start, parts: start + "".join(parts), START, st.lists(RUN | LINE, max_size=4))
HOSTILE_FILE = st.lists(HOSTILE_LINE | LINE, max_size=20).map("\n".join)


@BUDGET
@given(HOSTILE_FILE)
@example("### a" + " " * 40_000 + "x")  # refused: line too long
@example("# Runtime PMC Meeting 2018-06-12\n\n## Roadmap\n\nDelivered When? | What?\n" + "-|" * 9_000)  # parses
def test_any_file_parses_or_is_refused_with_a_parse_error_naming_a_long_line(text):
    lines = text.split("\n")
    too_long = next((number for number, line in enumerate(lines, 1) if len(line) > MAX_LINE_CHARS), None)
    try:
        parse_minutes(text, FILE.name)
    except ParseError as error:
        event("refused")
        assert error.line is not None, "a refusal names the line"
        if too_long:
            assert error.line == too_long
        return
    event("parsed")
    assert too_long is None, f"line {too_long} is {len(lines[too_long - 1]):,} characters long and was not refused"
