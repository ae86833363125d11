"""Where a file writes its team sections (TeamLayout): detected from the text, or given; no database.

The layout fixtures are in tests/fixtures/layouts/ (see tests/fixtures/README.md),
the older generations in tests/fixtures/minutes/; the import of the same files,
with the committee's setting and the headings mapped to teams, is tested in
tests/services/test_importing_layouts.py and tests/pages/.
"""

import pytest

from meetings.format.choices import ItemKind, TeamLayout
from meetings.format.reading import ParsedMeeting, decode, detect_layout, group_blocks, parse_minutes
from meetings.format.writing import minutes_markdown
from tests.support.corpus import FIXTURES, LAYOUTS

EXTENSIONS = "Extensions/2019/02-11-2019.md"
NOTES = "Runtime/2015/2015-11-09-runtime.md"
BOSH = "BOSH/2017/2017-03-07-bosh.md"
ODDITIES = "Services/2016/2016-05-10-services.md"
EVERY_LAYOUT = [EXTENSIONS, NOTES, BOSH, ODDITIES]


def read(name: str) -> str:
    return decode((LAYOUTS / name).read_bytes())


def parse(name: str, layout: str = "") -> ParsedMeeting:
    return parse_minutes(read(name), (LAYOUTS / name).name, layout=layout)


def meaningful(text: str) -> list[str]:
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def written_back(parsed: ParsedMeeting) -> str:
    return minutes_markdown(
        parsed.title, parsed.preamble, parsed.agenda_marker, parsed.items, parsed.reports, parsed.roadmap
    )


def test_the_layout_fixtures_are_every_file_of_their_folder():
    assert sorted(str(path.relative_to(LAYOUTS)) for path in LAYOUTS.rglob("*.md")) == sorted(EVERY_LAYOUT)


# --- detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        (EXTENSIONS, TeamLayout.PROJECTS),
        (NOTES, TeamLayout.NOTES),
        (BOSH, TeamLayout.BACKLOG),
        (ODDITIES, TeamLayout.BACKLOG),
    ],
)
def test_each_layout_fixture_is_detected_in_its_layout(name, layout):
    assert detect_layout(read(name)) == layout
    parsed = parse(name)
    assert (parsed.layout, parsed.layout_detected) == (layout, True)


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("Runtime/2015/2015-03-10-runtime.md", TeamLayout.BACKLOG),
        ("Runtime/2016/2016-09-13-runtime.md", TeamLayout.BACKLOG),
        ("Runtime/2018/2018-02-20-runtime.md", TeamLayout.BACKLOG),
        ("Extensions/2018/03-19-2018.md", TeamLayout.PROJECTS),
        ("Extensions/2017/template.md", TeamLayout.PROJECTS),
    ],
)
def test_the_older_generations_are_detected_as_they_were_always_read(name, layout):
    assert detect_layout(decode((FIXTURES / name).read_bytes())) == layout


def test_a_notes_title_without_a_team_section_is_read_as_before():
    """Every `##` section is then the chair's: nothing to make teams of."""
    text = "# Runtime PMC Notes as of 2015-11-09\n\n## Agenda\n\n* CLI\n\n## Action Items\n\n* none\n"
    assert detect_layout(text) == TeamLayout.BACKLOG
    assert parse_minutes(text).reports == []


def test_the_committees_agenda_titles_are_no_teams_in_detection():
    text = "# Runtime PMC Notes as of 2015-11-09\n\n## Lightning Talks\n\n* none this time\n"
    assert detect_layout(text) == TeamLayout.NOTES
    assert detect_layout(text, chair_titles=["Lightning talks"]) == TeamLayout.BACKLOG


# --- the team reports of each layout ---------------------------------------------------------------


def test_projects_style_projects_are_reports_with_their_leads_and_group():
    parsed = parse(EXTENSIONS)
    assert [(r.heading, r.team_name, r.leads, r.status_label, r.group) for r in parsed.reports] == [
        ("### App AutoScaler (Lena)", "App AutoScaler", "Lena", "", "Active"),
        ("### Buildpacks (Milo)", "Buildpacks", "Milo", "", "Active"),
    ]
    projects = next(item for item in parsed.items if item.kind == ItemKind.BACKLOG)
    assert (projects.level, projects.title) == (1, "Projects")


def test_projects_style_groups_holding_only_a_list_are_kept():
    parsed = parse(EXTENSIONS)
    first = parsed.reports[0]
    # The two lists before the first project stay, with their group headings, before it.
    assert [name for name, _ in group_blocks(first.group_heading)] == ["Incubating", "Under Review", "Active"]
    blocks = dict(group_blocks(first.group_heading))
    assert blocks["Incubating"].split("\n") == [
        "* Abacus: usage metering, looking for a new lead",
        "* Stratos: console plugins discussed on the list",
    ]
    assert blocks["Under Review"].split("\n") == [
        "- Kibosh: asks to move to incubation",
        "- Cf-Local: a proposal draft is in review",
    ]
    # The list after the last project is the backlog's trailing text.
    projects = next(item for item in parsed.items if item.kind == ItemKind.BACKLOG)
    assert projects.footnote == "## _Sandbox_\n\n1. Blue-green deploy plugin\n2. Event sink prototype"


def test_notes_style_sections_are_the_teams_with_their_leads():
    parsed = parse(NOTES)
    assert [(r.heading, r.team_name, r.leads, r.status_label, r.group) for r in parsed.reports] == [
        ("## CLI", "CLI", "", "", ""),
        ("## Update on Diego (Eric Malm)", "Diego", "Eric Malm", "", ""),
        ("## Stacks - Dmitriy", "Stacks", "Dmitriy", "", ""),
    ]
    # A team's `###` subsections are its report's.
    assert "### Shipped\n\n- [v6.13.0][1.10.0] with plugin install" in parsed.reports[0].body
    assert "### Risks\n\n* route emitter memory under load" in parsed.reports[1].body


def test_notes_style_chair_sections_are_no_teams_and_stay_in_place():
    parsed = parse(NOTES)
    team_names = {r.team_name for r in parsed.reports}
    assert team_names.isdisjoint({"Table of Contents", "Action Items", "Announcements"})
    # Before the teams and after them: sections of their own, around one headless backlog.
    assert [(item.title, item.kind) for item in parsed.items] == [
        ("Table of Contents", ItemKind.NOTES),
        ("", ItemKind.BACKLOG),
        ("Announcements", ItemKind.NOTES),
    ]
    # Between two teams: kept before the next team's report.
    assert parsed.reports[2].group_heading == "## Action Items\n\n* Eric to share the cell sizing numbers"
    assert "[1.10.0]: https://github.com/cloudfoundry/cli/releases/tag/v6.13.0" in parsed.items[2].body


@pytest.mark.parametrize(
    ("heading", "name", "leads"),
    [
        ("Update on Diego (Eric Malm)", "Diego", "Eric Malm"),
        ("Updates from Routing - Shannon", "Routing", "Shannon"),
        ("News on UAA", "UAA", ""),
        ("Report of Garden (incubating) - Will", "Garden", "Will"),
        ("Update on", "Update on", ""),  # nothing after the prefix: the heading is the name
    ],
)
def test_a_notes_style_update_heading_names_its_team(heading, name, leads):
    parsed = parse_minutes(f"# Runtime PMC Notes as of 2015-11-09\n\n## {heading}\n\n- shipped\n")
    assert [(r.team_name, r.leads) for r in parsed.reports] == [(name, leads)]


def test_backlog_style_teams_are_read_with_a_when_where_section_before_them():
    parsed = parse(BOSH)
    assert [(r.team_name, r.leads) for r in parsed.reports] == [("BOSH Director", "Dmitriy"), ("BOSH CLI v2", "Danny")]
    assert [item.title for item in parsed.items] == ["When/Where?", "Agenda", "Backlog Reviews", "Other business"]


def test_the_oddities_file_keeps_its_preamble_and_its_one_team():
    parsed = parse(ODDITIES)
    assert [(r.team_name, r.leads) for r in parsed.reports] == [("Service Broker API", "Ola")]
    assert "names the note taker: Sam." in parsed.preamble
    assert "Open questions\n==============" in parsed.reports[0].body


# --- a given layout --------------------------------------------------------------------------------


def test_a_given_layout_overrides_detection():
    parsed = parse(NOTES, layout=TeamLayout.BACKLOG)
    assert (parsed.layout, parsed.layout_detected) == (TeamLayout.BACKLOG, False)
    assert parsed.reports == []  # no `##` section is a team
    assert all(item.kind == ItemKind.NOTES for item in parsed.items)
    assert [item.title for item in parsed.items][1:3] == ["CLI", "Update on Diego (Eric Malm)"]


def test_a_given_notes_layout_reads_a_file_detection_would_not():
    text = "# Runtime PMC Meeting 2030-02-05\n\n## CLI - Abby Chau\n\n- shipped\n"
    assert detect_layout(text) == TeamLayout.BACKLOG
    assert parse_minutes(text).reports == []
    parsed = parse_minutes(text, layout=TeamLayout.NOTES)
    assert [(r.team_name, r.leads) for r in parsed.reports] == [("CLI", "Abby Chau")]


def test_the_chair_titles_given_are_no_teams_in_a_notes_style_file():
    text = "# Runtime PMC Notes as of 2015-11-09\n\n## Lightning Talks\n\n* none\n\n## CLI\n\n- shipped\n"
    assert [r.team_name for r in parse_minutes(text).reports] == ["Lightning Talks", "CLI"]
    assert [r.team_name for r in parse_minutes(text, chair_titles=["Lightning Talks"]).reports] == ["CLI"]


# --- written back ----------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["", *TeamLayout.values])
@pytest.mark.parametrize("name", EVERY_LAYOUT)
def test_each_layout_written_back_gives_every_line_in_its_order(name, layout):
    """Whatever the layout it is read in, detected or given, no line of the file is lost or moved."""
    assert meaningful(written_back(parse(name, layout))) == meaningful(read(name))
