"""(f) Reading hostile 2 MB minutes files: every one parses, or is refused, in under 2 s.

The files repeat what made the old parser quadratic (a heading followed by
40,000 spaces took 50 s) on lines just under the line limit, so that they are
parsed rather than refused up front; and two realistic files made from the
seed: its reports grown to 2 MB (parsed), its whole text repeated (refused:
too many headings). Runs inside Django: bench/run.py sets it up.
"""

import statistics

from meetings.demo import SEED
from meetings.format.reading import MAX_LINE_CHARS, ParseError, parse_minutes
from meetings.format.writing import minutes_markdown
from meetings.services.importing import MAX_FILE_BYTES, is_blank

from .harness import RUNS, check, note, timed, verdict

FILE = "2018-06-12-runtime.md"
TITLE = "# Runtime PMC Meeting 2018-06-12\n\n"
BACKLOG = "## Current Backlog and Priorities\n\n"
ROADMAP = "## Roadmap\n\nDelivered When? | What?\n"
LONG = MAX_LINE_CHARS - 10  # under the limit: these lines are parsed, not refused
TARGET_SECONDS = 2.0


def filled(head: str, line: str, separator: str = "\n") -> str:
    """`head`, then `line` repeated to 2 MB."""
    count = (MAX_FILE_BYTES - len(head)) // (len(line) + len(separator))
    return head + separator.join([line] * count) + "\n"


def grown_seed() -> str:
    """The seed meeting with each team report repeated until the file is 2 MB: long, real minutes."""
    parsed = parse_minutes(SEED.read_text(encoding="utf-8"), SEED.name)
    size = len(SEED.read_bytes())
    for report in parsed.reports:
        report.body = "\n\n".join([report.body] * (MAX_FILE_BYTES // size - 1))
    return minutes_markdown(parsed.title, parsed.preamble, parsed.agenda_marker, parsed.items, parsed.reports, [])


def hostile_files() -> dict[str, str]:
    seed = SEED.read_text(encoding="utf-8")
    return {
        "team headings, spaces, then a word": filled(TITLE + BACKLOG, "### a" + " " * LONG + "x", "\n\n"),
        "section headings, spaces, then a word": filled(TITLE, "## a" + " " * LONG + "x", "\n\n"),
        "agenda bullets, spaces, then a word": filled(TITLE + "## Agenda\n\n", "* a" + " " * LONG + "x"),
        "table rows of spaces under a header": filled(TITLE + ROADMAP, " " * LONG + "x\n|"),
        "table delimiters of dashes and bars": filled(TITLE + ROADMAP, "-|" * (LONG // 2) + " x\n|"),
        "team headings of open parentheses": filled(TITLE + BACKLOG, "### a" + " (" * (LONG // 2), "\n\n"),
        "team headings of dashes": filled(TITLE + BACKLOG, "### a" + "-" * LONG, "\n\n"),
        "report lines of spaces, then a word": filled(TITLE + BACKLOG + "### a\n\n", " " * LONG + "x"),
        "roadmap rows of parentheses": filled(
            TITLE + ROADMAP + "------|------\n*Soon* | - a\n", "|| - a" + "(" * (LONG // 2) + ")"
        ),
        "one 2 MB line (refused)": TITLE + "### a" + " " * (MAX_FILE_BYTES - 100) + "x\n",
        "short headings only (refused)": filled(TITLE, "## a"),
        "seed minutes grown to 2 MB": grown_seed(),
        "seed minutes repeated (refused)": filled(seed, seed.split("\n", 1)[1], ""),
    }


def read(text: str) -> str:
    """What the import does with the text before the database: 'parsed' or 'refused'."""
    try:
        is_blank(parse_minutes(text, FILE))
    except ParseError:
        return "refused"
    return "parsed"


def parsing(runs: int = RUNS) -> None:
    for what, text in hostile_files().items():
        check(len(text.encode()) <= MAX_FILE_BYTES, f"{what}: {len(text.encode())} bytes is over the file limit")
        outcome = read(text)
        check(outcome == ("refused" if "(refused)" in what else "parsed"), f"{what}: {outcome}")
        seconds = timed(lambda text=text: read(text), runs)
        median = statistics.median(seconds)
        figure = f"median {median * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"
        verdict(f"parse {what}"[:44], figure, f"< {TARGET_SECONDS:g} s", median < TARGET_SECONDS)
    note("each file of 2 MB at most, read as the import does before the database: parse_minutes, then is_blank")
