"""Counts in messages agree with their noun: no "file(s)"."""

import pytest

from meetings.lib.words import counted


@pytest.mark.parametrize(
    ("count", "nouns", "words"),
    [
        (0, ("row",), "0 rows"),
        (1, ("row",), "1 row"),
        (2, ("uploaded file",), "2 uploaded files"),
        (1, ("file does", "files do"), "1 file does"),
        (3, ("file does", "files do"), "3 files do"),
    ],
)
def test_a_count_agrees_with_its_noun(count, nouns, words):
    assert counted(count, *nouns) == words
