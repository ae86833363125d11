"""Action items' lines (meetings/format/actions.py): the site's task list form read and written back, and the
archive's own lines offered as candidates."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.format.actions import (
    ActionLine,
    Candidate,
    OpenActionLine,
    accepting_candidate,
    action_line,
    candidate_actions,
    open_action_line,
    read_action,
    read_actions,
    read_open_action,
    read_open_actions,
    with_action,
    with_owner_names,
)


def test_an_action_is_written_as_a_gfm_task():
    assert action_line(ActionLine("cli", "Ship the v7 CLI", date(2018, 7, 1))) == (
        "- [ ] @cli: Ship the v7 CLI (due 2018-07-01)"
    )
    assert action_line(ActionLine("eric.malm", "Write the RFC", done=True)) == "- [x] @eric.malm: Write the RFC"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- [ ] @cli: Ship it (due 2018-07-01)", ActionLine("cli", "Ship it", date(2018, 7, 1))),
        ("* [X] @diego: Done already", ActionLine("diego", "Done already", None, True)),
        ("- [ ] @diego: Talk to ops (due next week)", ActionLine("diego", "Talk to ops (due next week)")),
        (
            "- [ ] @diego: Check the 2018-02-30 plan (due 2018-03-01)",
            ActionLine("diego", "Check the 2018-02-30 plan", date(2018, 3, 1)),
        ),
    ],
)
def test_reading_an_action_line(line, expected):
    assert read_action(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] Ship it",  # no owner: the archive's own task, a candidate at most
        "- [ ] @cli:",
        "- [ ] @cli: Ship it (due 2018-02-30)",  # no such date
        "    - [ ] @cli: four spaces make code",
        "> **Decision:** Adopt X",
    ],
)
def test_lines_that_record_no_action(line):
    assert read_action(line) is None


def test_actions_of_a_section_in_order_and_not_in_code():
    markdown = "Notes.\r\n- [ ] @cli: One\n```\n- [ ] @cli: In code\n```\n- [x] @diego: Two (due 2018-06-12)\n"
    assert read_actions(markdown) == [ActionLine("cli", "One"), ActionLine("diego", "Two", date(2018, 6, 12), True)]


def test_the_archives_own_action_lines_are_candidates_never_actions():
    markdown = "\n".join(
        [
            "- [ ] Follow up with the BOSH team",
            "- [x] Send the survey",
            "AI: Eric to write the RFC",
            "* **Action:** Dieu to check the stemcell",
            "- Action item: look at Windows cells",
            "- [ ] @cli: Already in the site's form",
            "- Plain bullet about actions in general",
            "```",
            "AI: in a code block",
            "```",
        ]
    )
    assert candidate_actions(markdown) == [
        Candidate(1, "Follow up with the BOSH team"),
        Candidate(2, "Send the survey"),
        Candidate(3, "Eric to write the RFC"),
        Candidate(4, "Dieu to check the stemcell"),
        Candidate(5, "look at Windows cells"),
    ]
    assert read_actions(markdown) == [ActionLine("cli", "Already in the site's form")]


_owners = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,20}", fullmatch=True)
_texts = st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1, max_size=40).filter(
    lambda text: text.strip() and "(due " not in text
)


@given(owner=_owners, text=_texts, due=st.none() | st.dates(date(1970, 1, 1), date(2199, 12, 31)), done=st.booleans())
def test_every_action_written_reads_back_the_same(owner, text, due, done):
    action = ActionLine(owner, text.strip(), due, done)
    assert read_action(action_line(action)) == action


def test_adding_an_action_joins_the_task_list_that_ends_the_section():
    assert with_action("", ActionLine("cli", "One")) == "- [ ] @cli: One\n"
    assert with_action("Notes.\n", ActionLine("cli", "One")) == "Notes.\n\n- [ ] @cli: One\n"
    assert with_action("- [ ] @cli: One\n", ActionLine("cli", "Two")) == "- [ ] @cli: One\n- [ ] @cli: Two\n"


def test_accepting_a_candidate_rewrites_that_line_in_place_keeping_its_ending():
    markdown = "Notes.\r\n  * [ ] Follow up with BOSH\r\nMore.\r\n"
    accepted = accepting_candidate(markdown, 2, "  * [ ] Follow up with BOSH", ActionLine("diego", "Follow up"))

    assert accepted == "Notes.\r\n  - [ ] @diego: Follow up\r\nMore.\r\n"
    assert read_actions(accepted) == [ActionLine("diego", "Follow up")]


@pytest.mark.parametrize(("line", "was"), [(2, "AI: something else"), (9, "AI: x"), (0, "Notes.")])
def test_a_candidate_whose_line_changed_is_not_accepted(line, was):
    assert accepting_candidate("Notes.\nAI: Eric to write\n", line, was, ActionLine("x", "y")) is None


def one_line(text: str) -> str:
    return " ".join(text.split())


_sections = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30).filter(lambda s: ")" not in s)


@given(
    owner=_owners,
    text=_texts,
    origin=st.dates(date(1970, 1, 1), date(2199, 12, 31)),
    section=_sections,
    due=st.none() | st.dates(date(1970, 1, 1), date(2199, 12, 31)),
    outcome=st.sampled_from(["", "done", "dropped", "carried"]),
    note=st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40),
)
def test_every_open_action_written_reads_back_the_same(owner, text, origin, section, due, outcome, note):
    action = OpenActionLine(owner, text, origin, section, due, outcome, note if outcome else "")
    read = read_open_action(open_action_line(action))
    assert read == OpenActionLine(owner, one_line(text), origin, one_line(section), due, outcome, one_line(read.note))
    assert read.note == (one_line(note) if outcome else "")
    assert read_action(open_action_line(action)) is None  # never an action of the section it stands in


def test_an_open_action_from_a_section_with_brackets_and_a_note_with_a_dash():
    line = "- [ ] @cli: Cut v7 (from 2030-01-08, Runtime (JVM)) — dropped: Not needed — see the RFC"
    assert read_open_action(line) == OpenActionLine(
        "cli", "Cut v7", date(2030, 1, 8), "Runtime (JVM)", outcome="dropped", note="Not needed — see the RFC"
    )


def test_the_open_actions_section_holds_only_such_lines_or_says_there_are_none():
    assert read_open_actions("No open action items.\n") == []
    assert read_open_actions("- [ ] @cli: Cut v7 (from 2030-01-08)\n\n") == [
        OpenActionLine("cli", "Cut v7", date(2030, 1, 8))
    ]
    assert read_open_actions("- [ ] @cli: Cut v7 (from 2030-01-08)\nAnd some prose.") is None
    assert read_open_actions("- [ ] @cli: Cut v7 (from 2030-02-30)") is None


def test_with_owner_names_writes_each_action_lines_owner_as_its_name_for_display():
    text = (
        "Intro by @chair: not a task\r\n"
        "- [ ] @lead-x: Write the RFC (due 2030-01-01)\n"
        "- [x] @cli: Cut v7\n"
        "- [ ] @gone: Who?\n"
        "- [ ] @cli: Carried on (from 2030-01-01, Announcements) — carried\n"
        "```\n- [ ] @lead-x: in a fence\n```"
    )
    names = {"lead-x": "Eric *M*", "cli": "CLI"}

    assert with_owner_names(text, names, "a member").split("\n") == [
        "Intro by @chair: not a task",
        "- [ ] Eric \\*M\\*: Write the RFC (due 2030-01-01)",
        "- [x] CLI: Cut v7",
        "- [ ] a member: Who?",
        "- [ ] CLI: Carried on (from 2030-01-01, Announcements) — carried",
        "```",
        "- [ ] @lead-x: in a fence",
        "```",
    ]
