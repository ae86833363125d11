"""The one-line summary of a change: words added and removed (meetings/lib/diffing.py)."""

from meetings.lib.diffing import word_changes


def test_a_new_text_counts_every_word_added_but_not_markdowns_marks():
    assert word_changes("", "#### Diego\n- Cell rep cleans up\n\n| a | b |\n|---|---|\n") == (7, 0)


def test_one_word_replaced_in_a_long_line_is_one_added_and_one_removed():
    before = "- Cell rep cleans up orphaned containers on Linux cells at last\n"
    assert word_changes(before, before.replace("Linux", "Windows")) == (1, 1)


def test_lines_moved_or_rewrapped_are_no_change():
    assert word_changes("- one two\n- three four\n", "- three four\n- one\ntwo\n") == (0, 0)


def test_a_deleted_paragraph_counts_its_words_removed():
    assert word_changes("Keep this.\n\nDrop these three.\n", "Keep this.\n") == (0, 3)
