"""The edits of a text diff (lib/textedits.py), as the live room applies them to its document."""

from hypothesis import given
from hypothesis import strategies as st

from meetings.lib.textedits import Edit, apply_edits, text_edits, utf8_offset


def test_a_word_changed_in_a_long_line_is_one_small_edit():
    before = "- Shipped cell rebalancing to all foundations\n- Next: routing\n"
    after = "- Shipped cell balancing to all foundations\n- Next: routing\n"

    assert text_edits(before, after) == [Edit(start=len("- Shipped cell "), delete=2, insert="")]


def test_unchanged_text_needs_no_edit():
    assert text_edits("same\n", "same\n") == []


def test_edits_in_two_places_leave_the_text_between_alone():
    before = "one\ntwo\nthree\nfour\nfive\n"
    after = "One\ntwo\nthree\nfour\nfive!\n"

    edits = text_edits(before, after)

    assert [(e.start, e.delete, e.insert) for e in edits] == [(0, 1, "O"), (len(before) - 1, 0, "!")]


@given(st.text(alphabet="ab\n😀é ", max_size=40), st.text(alphabet="ab\n😀é ", max_size=40))
def test_the_edits_turn_the_old_text_into_the_new(before, after):
    assert apply_edits(before, text_edits(before, after)) == after


def test_positions_count_utf8_bytes_for_the_document():
    assert utf8_offset("h😀llo", 2) == 5
