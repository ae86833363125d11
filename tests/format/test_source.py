"""The imported file kept as it came: the self-check's comparison, and edits carried onto the file (no db)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.format.source import carry_edits, first_difference, source_text

BASE = (
    "# Runtime PMC Meeting\n\n## Agenda\n\n* Backlog\n\n## Backlog\n\n"
    "### Diego - Eric\n\n- done\n\n### CLI - Abby\n\n- shipped\n"
)
# The same non-blank lines as BASE, laid out as people write: CRLF, a BOM, trailing spaces,
# runs of blank lines, no blank under a heading, and no final newline.
SOURCE = (
    "\ufeff# Runtime PMC Meeting  \r\n## Agenda\r\n\r\n\r\n* Backlog\r\n\r\n## Backlog\r\n"
    "### Diego - Eric\r\n\r\n- done   \r\n\r\n\r\n### CLI - Abby\r\n- shipped"
)


def test_an_untouched_export_gives_the_source_back_byte_for_byte():
    assert carry_edits(SOURCE, BASE, BASE) == SOURCE


def test_an_edit_changes_only_its_lines_and_keeps_crlf_the_bom_and_no_final_newline():
    current = BASE.replace("- done\n", "- done\n- Routing: released 0.180\n")
    carried = carry_edits(SOURCE, BASE, current)
    assert carried == SOURCE.replace("- done   \r\n", "- done   \r\n- Routing: released 0.180\r\n")


def test_an_edit_of_the_last_line_keeps_the_missing_final_newline():
    carried = carry_edits(SOURCE, BASE, BASE.replace("- shipped", "- shipped 6.40"))
    assert carried == SOURCE.replace("- shipped", "- shipped 6.40")


def test_lines_added_at_the_end_take_the_source_line_ending():
    carried = carry_edits(SOURCE, BASE, BASE + "\n## Other business\n\nNone.\n")
    assert carried == SOURCE + "\r\n\r\n## Other business\r\n\r\nNone."


def test_a_removed_section_takes_only_its_own_lines_out():
    current = BASE.replace("### Diego - Eric\n\n- done\n\n", "")
    carried = carry_edits(SOURCE, BASE, current)
    assert carried == SOURCE.replace("### Diego - Eric\r\n\r\n- done   \r\n\r\n\r\n", "")


def test_a_source_that_does_not_line_up_gives_the_current_export():
    assert carry_edits("# Other\n", BASE, BASE + "- more\n") == BASE + "- more\n"


def test_source_text_keeps_the_bom_and_line_endings():
    assert source_text("\ufeff# T\r\n- a  ".encode()) == "\ufeff# T\r\n- a  "


@pytest.mark.parametrize(
    ("exported", "message"),
    [
        ("# T\n\n- a\n- b\n- c\n", None),
        ("# T  \n- a\n\n\n- b\n- c", None),
        ("# T\n\n- a\n- c\n", "line 4 of the file is missing from the import: “- b”"),
        ("# T\n\n- a\n- b\n", "line 5 of the file is missing from the import: “- c”"),
        ("# T\n\n- a\n- new\n- b\n- c\n", "the import adds a line before line 4 of the file: “- new”"),
        ("# T\n\n- a\n- b\n- c\n- new\n", "the import adds a line after the last line of the file: “- new”"),
        ("# T\n\n- b\n- a\n- c\n", "line 3 of the file comes out of order in the import: “- a”"),
    ],
)
def test_first_difference_names_the_line_lost_added_or_moved(exported, message):
    assert first_difference("# T\n\n- a\n- b\n- c\n", exported) == message


def test_first_difference_shortens_a_long_line():
    message = first_difference("# T\n" + "x" * 500 + "\n", "# T\n")
    assert message.startswith("line 2 of the file is missing") and message.endswith("…”") and len(message) < 150


# --- properties ---------------------------------------------------------------------------------------------

LINE = st.sampled_from(["# Title", "## Section", "### Team - Lead", "- done", "- next", "text", "  - nested", "|| x"])
BLOCKS = st.lists(st.lists(LINE, min_size=1, max_size=4).map("\n".join), min_size=1, max_size=8)
BLANK = st.sampled_from(["", "  ", "\t"])
ENDING = st.sampled_from(["\n", "\r\n"])


@st.composite
def sources(draw, blocks=BLOCKS) -> tuple[str, str]:
    """(base, source): an export, and a file with its non-blank lines laid out differently."""
    blocks = draw(blocks)
    base = "\n\n".join(blocks) + "\n"
    ending = draw(ENDING)
    lines = []
    for line in base.split("\n")[:-1]:
        if line:
            lines.append(line + draw(st.sampled_from(["", " ", "  "])))
        else:
            lines += draw(st.lists(BLANK, max_size=3))
    text = ending.join(lines) + draw(st.sampled_from([ending, ""]))
    return base, draw(st.sampled_from(["", "\ufeff"])) + text


def meaningful(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\ufeff", "").replace("\r\n", "\n").split("\n") if line.strip()]


PROPERTY = settings(max_examples=300, deadline=None, derandomize=True)


@PROPERTY
@given(sources())
def test_untouched_gives_the_source_back(pair):
    base, source = pair
    assert carry_edits(source, base, base) == source


def unique_blocks(sizes: list[int]) -> list[str]:
    return ["\n".join(f"- block {b} line {n}" for n in range(size)) for b, size in enumerate(sizes)]


@PROPERTY
@given(st.data())
def test_an_edit_of_one_block_leaves_the_lines_of_the_others_byte_identical(data):
    # Lines that occur once each: with repeated lines, which copy an edit touches is a matter of taste.
    blocks = unique_blocks(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=6)))
    base, source = data.draw(sources(st.just(blocks)))
    index = data.draw(st.integers(0, len(blocks) - 1))
    edited = "\n".join(data.draw(st.lists(st.sampled_from(["- new a", "- new b", "text"]), max_size=3)))
    current = "\n\n".join([*blocks[:index], *([edited] if edited else []), *blocks[index + 1 :]]) + "\n"

    carried = carry_edits(source, base, current)

    assert meaningful(carried) == meaningful(current)
    # The source before the last line of the block above, and after the first line of the block below, is kept.
    lines = source.splitlines(keepends=True)
    marks = [i for i, line in enumerate(lines) if "line" in line]
    names = [line.split(" line")[0] for line in lines]
    own = [i for i in marks if names[i].endswith(f"block {index}")]
    before = [i for i in marks if i < own[0]]
    after = [i for i in marks if i > own[-1]]
    prefix = "".join(lines[: before[-1] + 1]) if before else ("\ufeff" if source.startswith("\ufeff") else "")
    suffix = "".join(lines[after[0] :]) if after else ""
    if not after and not source.endswith("\n"):
        prefix = prefix.rstrip("\r\n")  # the block above becomes the last: it loses its ending, as the file had none
    assert carried.startswith(prefix) and carried.endswith(suffix), (source, carried)


@PROPERTY
@given(sources(), st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["insert", "delete"]), LINE), max_size=4))
def test_any_edit_keeps_current_lines_in_order(pair, edits):
    base, source = pair
    lines = base[:-1].split("\n")
    for position, action, line in edits:
        position = min(position, len(lines))
        if action == "insert":
            lines.insert(position, line)
        elif lines and position < len(lines):
            del lines[position]
    current = "\n".join(lines) + "\n"
    carried = carry_edits(source, base, current)
    assert meaningful(carried) == meaningful(current)
