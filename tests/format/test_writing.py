"""The agenda as the minutes write it: presenter and time in brackets only when set (format/writing.py)."""

from dataclasses import dataclass

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


def test_the_open_action_items_section_is_the_sites_live_list_not_text_of_the_minutes():
    items = [
        Section(2, "Announcements", ItemKind.NOTES, "- Summit.\n\n- [ ] @cli: Ship it"),
        Section(2, "Open action items", ItemKind.ACTIONS, "typed by mistake"),
    ]

    assert minutes_markdown("Runtime", "", "*", items, [], []) == (
        "# Runtime\n\n## Announcements\n\n- Summit.\n\n- [ ] @cli: Ship it\n"
    )
