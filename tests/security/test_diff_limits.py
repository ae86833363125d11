"""Hostile input and the diff: the work done is bounded, and a diff made coarser says so on the page.

Work is counted, not timed: every SequenceMatcher the diff builds is checked
against a budget of element pairs (len(a) × len(b)), which is what its
worst case costs.
"""

import difflib

import pytest

from meetings.lib.diffing import change_counts, diff_lines
from meetings.models import Revision
from meetings.services.editing import save_report
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, diff_rows

PAIRS_BUDGET = 10_000_000  # element pairs compared in all, for any one diff
NOTE = "too long to compare"


@pytest.fixture
def matchers(monkeypatch):
    """The sizes of the sequences every SequenceMatcher compared; refuses at once past the budget."""
    compared: list[int] = []
    original = difflib.SequenceMatcher

    class Counting(original):
        def set_seqs(self, a, b):
            compared.append(len(a) * len(b))
            if sum(compared) > PAIRS_BUDGET:
                raise AssertionError(f"{sum(compared):,} element pairs compared: quadratic in the input")
            super().set_seqs(a, b)

    monkeypatch.setattr(difflib, "SequenceMatcher", Counting)
    return compared


def long_line(words: int, last: str = "end") -> str:
    return " ".join(["ab"] * words + [last])


def test_a_30000_word_line_is_compared_by_lines_with_a_note(matchers):
    before, after = long_line(30_000, "old"), long_line(30_000, "new")

    diff = diff_lines(before, after, context=None)

    assert [line.change for line in diff] == ["removed", "added"]
    assert [piece.text for line in diff for piece in line.pieces] == [before, after]
    assert "word by word" in diff.note


def test_many_long_changed_lines_stop_being_compared_word_by_word(matchers):
    before = "\n".join(f"{n} {long_line(100, 'old')}" for n in range(1_000))
    after = "\n".join(f"{n} {long_line(100, 'new')}" for n in range(1_000))

    diff = diff_lines(before, after, context=None)

    assert "word by word" in diff.note
    # The first lines still show the changed word; the rest are whole lines.
    assert diff[0].change == "changed"
    assert {line.change for line in diff[-10:]} <= {"removed", "added"}


def test_many_lines_are_trimmed_to_their_changed_middle_shown_whole(matchers):
    common = [f"- line {n}" for n in range(10_000)]
    before = "\n".join(common[:5_000] + ["-"] * 5_000 + common[5_000:])
    after = "\n".join(common[:5_000] + ["- x"] * 5_000 + common[5_000:])

    diff = diff_lines(before, after, context=3)

    assert "line by line" in diff.note
    assert diff[0] is None or diff[0].change == "same"
    kept = [line for line in diff if line is not None and line.change == "same"]
    assert [line.pieces[0].text for line in kept] == common[4_997:5_000] + common[5_000:5_003]
    assert sum(line.change == "removed" for line in diff if line) == 5_000
    assert sum(line.change == "added" for line in diff if line) == 5_000


def test_change_counts_are_bounded_and_still_count_the_changed_lines(matchers):
    before = "\n".join(["-"] * 6_000 + ["same end"])
    after = "\n".join(["- x"] * 6_000 + ["same end"])

    assert change_counts(before, after) == (6_000, 6_000)
    assert change_counts("a\nb\nc", "a\nB\nc") == (1, 1)


def test_the_revision_page_shows_the_note_for_a_long_line(people, draft, client, matchers):
    report = draft.reports.get(team=people["team_x"])
    save_report(report, body=long_line(20_000, "old"), by=people["lead_x"])
    save_report(report, body=long_line(20_000, "new"), by=people["lead_x"], expected_version=report.version)
    revision = Revision.objects.filter(report=report).order_by("-pk").first()
    client.force_login(people["chair"])

    response = client.get(revision.get_absolute_url())

    assert response.status_code == 200
    note = parse_html(response.content.decode()).find(class_="diff-note")
    assert note is not None and NOTE in note.text
    assert [sign for sign, *_ in diff_rows(response.content.decode())] == ["−", "+"]


def test_the_conflict_page_shows_the_note_for_a_30000_word_line(people, draft, client, matchers):
    url = "/runtime/2030-01-08/reports/diego/edit/"
    client.force_login(people["lead_x"])
    stale = browser_form(client.get(url))
    report = draft.reports.get(team=people["team_x"])
    assert save_report(report, body=long_line(30_000, "theirs"), by=people["chair"], expected_version=report.version)

    response = client.post(url, {**stale, "body": long_line(30_000, "mine")})

    assert response.status_code == 409
    page = parse_html(response.content.decode())
    assert NOTE in page.find(class_="diff-note").text
    assert [sign for sign, *_ in diff_rows(page)] == ["−", "+"]


def test_a_diff_compared_word_by_word_has_no_note():
    diff = diff_lines("a b c", "a x c")

    assert diff.note == ""
    assert [piece.change for piece in diff[0].pieces] == ["", "removed", "added", ""]
