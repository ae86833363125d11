"""The agenda as the minutes write it: presenter and time in brackets only when set (format/writing.py)."""

from dataclasses import dataclass
from datetime import date

from meetings.format.actions import OpenActionLine
from meetings.format.choices import ItemKind
from meetings.format.writing import agenda_entry, agenda_lines, minutes_markdown


@dataclass
class Parsed:
    """An item as the reader makes it: no presenter, no time."""

    agenda_label: str
    agenda_position: int | None


@dataclass
class Planned(Parsed):
    presenter: str = ""
    duration_minutes: int | None = None


def test_an_item_without_presenter_or_time_is_its_label():
    assert agenda_entry(Parsed("Announcements", 0)) == "Announcements"
    assert agenda_entry(Planned("Announcements", 0)) == "Announcements"


def test_presenter_and_time_follow_the_label_when_set():
    assert agenda_entry(Planned("Security", 0, "Dieu Cao", 10)) == "Security (Dieu Cao, 10 min)"
    assert agenda_entry(Planned("Security", 0, "Dieu Cao")) == "Security (Dieu Cao)"
    assert agenda_entry(Planned("Security", 0, duration_minutes=5)) == "Security (5 min)"


def test_the_list_keeps_its_marker_and_order():
    items = [Planned("B", 1, "Jo", 5), Parsed("A", 0), Parsed("Unlisted", None)]
    assert agenda_lines(items, "*") == ["* A", "* B (Jo, 5 min)"]
    assert agenda_lines(items, "1.") == ["1. A", "2. B (Jo, 5 min)"]


@dataclass
class Section:
    level: int
    title: str
    kind: str
    body: str = ""
    footnote: str = ""
    agenda_label: str = ""
    agenda_position: int | None = None


def test_the_open_action_items_section_lists_the_open_actions_and_their_outcomes_not_its_body():
    items = [
        Section(2, "Announcements", ItemKind.NOTES, "- Summit.\n\n- [ ] @cli: Ship it"),
        Section(2, "Open action items", ItemKind.ACTIONS, "typed by mistake"),
    ]
    open_ = [
        OpenActionLine("diego", "Ship cell rebalancing", date(2030, 1, 8), "Diego", outcome="done", note="In 2.9"),
        OpenActionLine("cli", "Cut v7", date(2030, 1, 8), "Announcements", date(2030, 2, 1), "carried", "Next time"),
        OpenActionLine("lead-y", "Write\nthe RFC", date(2029, 12, 11)),
    ]

    assert minutes_markdown("Runtime", "", "*", items, [], [], open_actions=open_) == (
        "# Runtime\n\n## Announcements\n\n- Summit.\n\n- [ ] @cli: Ship it\n\n## Open action items\n\n"
        "- [x] @diego: Ship cell rebalancing (from 2030-01-08, Diego) — done: In 2.9\n"
        "- [ ] @cli: Cut v7 (due 2030-02-01) (from 2030-01-08, Announcements) — carried: Next time\n"
        "- [ ] @lead-y: Write the RFC (from 2029-12-11)\n"
    )
    assert minutes_markdown("Runtime", "", "*", items[1:], [], []) == (
        "# Runtime\n\n## Open action items\n\nNo open action items.\n"
    )
