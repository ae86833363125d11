"""Every format generation of the archive, read from the project's own fixtures: no database, no ../shared.

The files are in tests/fixtures/minutes/ (see tests/fixtures/README.md), one per
generation and heading variant; the tests over the whole real archive are in
tests/services/ and tests/pages/ and skip where it is absent.
"""

from datetime import date

import pytest

from meetings.format.attendance import has_attendees_section
from meetings.format.choices import Horizon, ItemKind
from meetings.format.headings import report_heading
from meetings.format.reading import ParsedMeeting, decode, parse_minutes
from meetings.format.writing import minutes_markdown
from tests.support.corpus import FIXTURES

RUNTIME_2015 = "Runtime/2015/2015-03-10-runtime.md"
RUNTIME_2016 = "Runtime/2016/2016-09-13-runtime.md"
RUNTIME_2018 = "Runtime/2018/2018-02-20-runtime.md"
EXTENSIONS_2018 = "Extensions/2018/03-19-2018.md"
TEMPLATE = "Extensions/2017/template.md"
EVERY_FIXTURE = [RUNTIME_2015, RUNTIME_2016, RUNTIME_2018, EXTENSIONS_2018, TEMPLATE]


def read(name: str) -> str:
    return decode((FIXTURES / name).read_bytes())


def parse(name: str) -> ParsedMeeting:
    return parse_minutes(read(name), (FIXTURES / name).name)


def meaningful(text: str) -> list[str]:
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def test_the_fixtures_are_every_file_of_the_folder():
    assert sorted(str(path.relative_to(FIXTURES)) for path in FIXTURES.rglob("*.md")) == sorted(EVERY_FIXTURE)


@pytest.mark.parametrize("name", EVERY_FIXTURE)
def test_every_generation_is_read_without_warnings(name):
    assert parse(name).warnings == []


@pytest.mark.parametrize("name", EVERY_FIXTURE)
def test_every_generation_written_back_gives_every_line_in_its_order(name):
    parsed = parse(name)
    written = minutes_markdown(
        parsed.title, parsed.preamble, parsed.agenda_marker, parsed.items, parsed.reports, parsed.roadmap
    )
    assert meaningful(written) == meaningful(read(name))


@pytest.mark.parametrize("name", [RUNTIME_2015, RUNTIME_2016, RUNTIME_2018])
def test_runtime_team_headings_are_the_ones_the_site_writes_for_new_reports(name):
    """`### Team (status) - Leads` is the heading a new report gets; the archive's Runtime headings already are."""
    for report in parse(name).reports:
        assert report_heading(report.team_name, report.status_label, report.leads) == report.heading.strip()


# --- 2015: attendees, teams without a lead -------------------------------------------------------------


def test_2015_numbered_agenda_names_its_sections():
    parsed = parse(RUNTIME_2015)
    assert (parsed.title, parsed.date, parsed.agenda_marker) == (
        "Runtime PMC Meeting 2015-03-10",
        date(2015, 3, 10),
        "1.",
    )
    on_agenda = {item.title: item.agenda_position for item in parsed.items if item.agenda_position is not None}
    assert on_agenda == {"PMC Lifecycle Activities": 0, "Current Backlog and Priorities": 1, "Open Discussion": 2}


def test_2015_attendees_are_a_section_of_their_own_after_the_agenda():
    parsed = parse(RUNTIME_2015)
    assert [item.title for item in parsed.items][:2] == ["Agenda", "Attendees"]
    attendees = parsed.items[1]
    assert attendees.kind == ItemKind.NOTES and attendees.agenda_position is None
    assert attendees.body.splitlines()[0] == "* Ada Quinlan, Example Foundation"
    assert has_attendees_section(parsed.items)


def test_2015_team_headings_have_no_lead_and_trailing_whitespace_is_no_part_of_the_name():
    parsed = parse(RUNTIME_2015)
    backlog = next(item for item in parsed.items if item.kind == ItemKind.BACKLOG)
    assert backlog.title == "Current Backlog and Priorities"
    assert [(r.team_name, r.status_label, r.leads, r.group) for r in parsed.reports] == [
        ("Runtime", "", "", ""),
        ("UAA", "", "", ""),
        ("Diego", "", "", ""),
    ]
    assert parsed.reports[2].body.endswith("  * fewer failed starts under load")  # nested bullets kept


# --- 2016: leads, co-leads, incubating, sub-projects -------------------------------------------------


def test_team_lead_headings_give_the_name_the_status_and_every_lead():
    parsed = parse(RUNTIME_2016)
    assert [(r.team_name, r.status_label, r.leads) for r in parsed.reports] == [
        ("CLI", "", "Dana Kerr"),
        ("Diego", "", "Eli Mars"),
        ("Routing", "", "Fern Ito / Gus Pal"),
        ("Bits-Service", "incubating", "Hana Roe / Ivo Stern"),
    ]


def test_level_four_headings_stay_in_their_teams_report():
    parsed = parse(RUNTIME_2016)
    assert [item.title for item in parsed.items] == ["Agenda", "Announcements", "Backlog Reviews", "Discussion"]
    reports = {r.team_name: r.body for r in parsed.reports}
    assert reports["Diego"].startswith("#### Done\n")
    assert "#### Next\n* container metrics every 15 seconds" in reports["Diego"]
    assert "#### `bits-service-client`" in reports["Bits-Service"]


def test_a_bulleted_agenda_keeps_its_marker():
    assert parse(RUNTIME_2016).agenda_marker == "*"


# --- late 2017 on: the roadmap table by horizon ------------------------------------------------------


def test_the_roadmap_table_becomes_entries_in_their_horizons():
    parsed = parse(RUNTIME_2018)
    roadmap = next(item for item in parsed.items if item.kind == ItemKind.ROADMAP)
    assert roadmap.title == "CF Feature Roadmap Review"
    assert roadmap.body == "See the proposal for background of this section."
    assert roadmap.footnote == "*Above are plans, not commitments, and may change without notice.*"
    entries = [(e.horizon, e.text) for e in parsed.roadmap if not e.is_spacer]
    assert entries == [
        (Horizon.RECENTLY_COMPLETED, "Service instance sharing (Services API)"),
        (Horizon.RECENTLY_COMPLETED, "Rootless containers in Garden"),
        (Horizon.SOON, "Zero-downtime app updates (CAPI, Diego)"),
        (Horizon.NEXT, "Droplet upload with cf CLI"),
        (Horizon.NEXT, "Layered filesystems for droplets"),
        (Horizon.FUTURE, "Placing large instances with less spare capacity (Diego)"),
    ]


def test_roadmap_entries_name_the_teams_in_their_trailing_parentheses():
    teams = {e.text: e.team_names for e in parse(RUNTIME_2018).roadmap if not e.is_spacer}
    assert teams["Zero-downtime app updates (CAPI, Diego)"] == ["CAPI", "Diego"]
    assert teams["Service instance sharing (Services API)"] == ["Services API"]
    assert teams["Droplet upload with cf CLI"] == []


# --- Extensions: projects in groups, the date in the file name only ----------------------------------


def test_extensions_date_comes_from_the_file_name():
    parsed = parse(EXTENSIONS_2018)
    assert (parsed.title, parsed.date) == ("CF Extensions PMC Notes", date(2018, 3, 19))


def test_extensions_projects_are_reports_in_their_groups():
    parsed = parse(EXTENSIONS_2018)
    projects = next(item for item in parsed.items if item.kind == ItemKind.BACKLOG)
    assert (projects.level, projects.title) == (1, "Projects")
    assert [(r.team_name, r.leads, r.group) for r in parsed.reports] == [
        ("App AutoScaler", "Lena", "Incubating"),
        ("Buildpacks", "Milo", "Incubating"),
        ("Service Fabrik", "Nia", "Under Review"),
        ("Multi-Buildpacks", "?", "Misc"),
    ]
    # The group's heading is written once, before its first project.
    assert [r.group_heading for r in parsed.reports] == ["## _Incubating_", "", "## _Under Review_", "## _Misc_"]
    # Its headings are kept as written, not rewritten to the Runtime's `Project - Lead`.
    assert parsed.reports[0].heading == "### App AutoScaler (Lena)"


def test_extensions_sections_before_the_projects_are_notes():
    parsed = parse(EXTENSIONS_2018)
    assert [(item.level, item.title, item.kind) for item in parsed.items] == [
        (2, "Zoom info", ItemKind.NOTES),
        (2, "New business", ItemKind.NOTES),
        (1, "Projects", ItemKind.BACKLOG),
    ]
    assert "#cf-extensions" in parsed.preamble


# --- the blank template ------------------------------------------------------------------------------


def test_the_template_has_no_date_and_only_placeholders():
    parsed = parse(TEMPLATE)
    assert parsed.date is None
    assert {r.body for r in parsed.reports} == {"[add updates here]"}
    assert [r.team_name for r in parsed.reports] == [r.team_name for r in parse(EXTENSIONS_2018).reports]
