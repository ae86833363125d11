"""Decision lines of the minutes (meetings/format/decisions.py): read, written, and read back."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.format.decisions import Candidate as DecisionCandidate
from meetings.format.decisions import (
    DecisionLine,
    Vote,
    accepting_decision,
    candidate_decisions,
    decision_line,
    read_decision,
    read_decisions,
    with_decision,
)


def test_a_decision_with_vote_and_link_is_written_as_the_archive_writes_it():
    decision = DecisionLine("Adopt X", Vote(5, 0, 1), "https://example.org/rfc/1")
    assert decision_line(decision) == (
        "> **Decision:** Adopt X (for 5, against 0, abstain 1) [link](https://example.org/rfc/1)"
    )


@pytest.mark.parametrize(
    "line, expected",
    [
        ("> **Decision:** Adopt X", DecisionLine("Adopt X")),
        ("> **Decision:** Adopt X (for 5, against 0, abstain 1)", DecisionLine("Adopt X", Vote(5, 0, 1))),
        ("> **Decision:** Adopt X [RFC](https://e.org/x)", DecisionLine("Adopt X", None, "https://e.org/x")),
        (">**Decision:**   Keep *Y* (for 1, against 2, abstain 3)  ", DecisionLine("Keep *Y*", Vote(1, 2, 3))),
        ("   > **Decision:** Indented up to three", DecisionLine("Indented up to three")),
    ],
)
def test_reading_a_decision_line(line, expected):
    assert read_decision(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "**Decision:** not a blockquote",
        "> Decision: not bold",
        "> **Decision:**   ",
        "    > **Decision:** four spaces make code",
        "- [ ] @cli: a task, not a decision",
    ],
)
def test_lines_that_record_no_decision(line):
    assert read_decision(line) is None


def test_a_link_that_is_not_http_stays_part_of_the_text():
    decision = read_decision("> **Decision:** Run it [here](javascript:alert(1))")
    assert decision == DecisionLine("Run it [here](javascript:alert(1))")
    assert decision.link == ""


def test_a_link_longer_than_the_page_keeps_stays_part_of_the_text():
    url = "https://example.org/" + "a" * 2000
    decision = read_decision(f"> **Decision:** Adopt X [link]({url})")
    assert decision == DecisionLine(f"Adopt X [link]({url})")
    assert read_decision("> **Decision:** Adopt X [link](https://e.org/" + "a" * 1970 + ")").link


def test_decisions_of_a_section_in_order_and_not_inside_code_fences():
    markdown = (
        "- Discussed the stemcell.\r\n\r\n"
        "> **Decision:** First\n"
        "```\n> **Decision:** Example in a fence\n```\n"
        "> **Decision:** Second (for 3, against 0, abstain 0)\n"
    )
    assert read_decisions(markdown) == [DecisionLine("First"), DecisionLine("Second", Vote(3, 0, 0))]


def test_a_decision_added_to_a_section_is_its_last_paragraph():
    body = "- Shipped it.\n\n"
    added = with_decision(body, DecisionLine("Ship weekly"))
    assert added == "- Shipped it.\n\n> **Decision:** Ship weekly\n"
    assert with_decision("", DecisionLine("Ship weekly")) == "> **Decision:** Ship weekly\n"
    assert read_decisions(with_decision(added, DecisionLine("And daily"))) == [
        DecisionLine("Ship weekly"),
        DecisionLine("And daily"),
    ]


_texts = st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1, max_size=40).filter(
    lambda text: text.strip() and "(" not in text and "[" not in text
)
_votes = st.none() | st.builds(Vote, *(st.integers(min_value=0, max_value=10_000) for _ in range(3)))
_links = st.sampled_from(["", "https://example.org/vote/12", "http://lists.example.org/t?id=3"])


@given(text=_texts, vote=_votes, link=_links)
def test_every_decision_written_reads_back_the_same(text, vote, link):
    decision = DecisionLine(text.strip(), vote, link)
    assert read_decision(decision_line(decision)) == decision


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("Decision: adopt the stemcell", "Adopt the stemcell"),
        ("- **Agreed:** move to Go 1.22", "Move to Go 1.22"),
        ("* __Vote__: 5 for the new logo", "5 for the new logo"),
        ("> Decided: keep the cadence", "Keep the cadence"),
        ("We decided to retire the old CLI.", "We decided to retire the old CLI."),
        ("- we have decided that v7 ships", "We have decided that v7 ships"),
    ],
)
def test_the_archives_decision_lines_are_candidates(line, text):
    assert candidate_decisions(f"Intro.\n{line}\n") == [DecisionCandidate(line=2, text=text)]


@pytest.mark.parametrize(
    "line",
    [
        "> **Decision:** Already in the site's form",
        "Nothing decided yet: next time.",
        "The agreed plan stands.",
        "Decision:",
        "We decidedly disagree",
    ],
)
def test_other_lines_are_not_candidates(line):
    assert candidate_decisions(line) == []


def test_lines_in_code_fences_are_not_candidates():
    assert candidate_decisions("```\nDecision: in code\n```\nAgreed: outside") == [DecisionCandidate(4, "Outside")]


def test_accepting_a_candidate_writes_the_decision_line_in_its_place_as_a_paragraph():
    markdown = "- Shipped.\n- Agreed: move to Go\n- Next.\r\n"
    accepted = accepting_decision(markdown, 2, "- Agreed: move to Go", DecisionLine("Move to Go 1.22"))
    assert accepted == "- Shipped.\n\n> **Decision:** Move to Go 1.22\n\n- Next.\r\n"
    assert read_decisions(accepted) == [DecisionLine("Move to Go 1.22")]


def test_a_line_changed_since_it_was_offered_is_not_accepted():
    assert accepting_decision("Agreed: other\n", 1, "Agreed: this", DecisionLine("This")) is None
    assert accepting_decision("Agreed: this\n", 5, "Agreed: this", DecisionLine("This")) is None
