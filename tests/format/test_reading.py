"""The archive's Markdown read into plain data: headings, groups, agenda, roadmap, dates; nothing dropped."""

from datetime import date
from textwrap import dedent

import pytest

from meetings.format.reading import ParseError, date_from_text, decode, parse_minutes, parse_team_heading, team_key
from meetings.format.writing import minutes_markdown, same_lines

TITLE = "# Runtime PMC Meeting 2018-06-12"


def doc(text: str) -> str:
    return dedent(text).lstrip("\n")


def exported(parsed) -> str:
    """The parsed minutes written back by the exporter, as an import then export would."""
    return minutes_markdown(
        parsed.title, parsed.preamble, parsed.agenda_marker, parsed.items, parsed.reports, parsed.roadmap
    )


def assert_nothing_lost(text: str, parsed) -> None:
    """Every non-blank line comes back, in its order (whitespace aside)."""
    assert same_lines(text.split("\n"), exported(parsed).split("\n")), exported(parsed)


HEADINGS = [
    # (heading text, team name, status label, leads)
    ("Diego - Eric Malm", "Diego", "", "Eric Malm"),
    ("Diego – Eric Malm", "Diego", "", "Eric Malm"),
    ("Diego — Eric Malm", "Diego", "", "Eric Malm"),
    ("Diego -Eric Malm", "Diego", "", "Eric Malm"),
    ("Diego- Eric Malm", "Diego", "", "Eric Malm"),
    ("Diego  -  Eric Malm  ", "Diego", "", "Eric Malm"),
    ("Eirini (incubating) - Julz Friedman / Jane Doe", "Eirini", "incubating", "Julz Friedman / Jane Doe"),
    ("Bits-Service  (incubating) - Simon Moser", "Bits-Service", "incubating", "Simon Moser"),
    ("Permissions (Incubating) – Christopher Brown", "Permissions", "Incubating", "Christopher Brown"),
    ("Routing - Shannon Coen/Shubha Tupil", "Routing", "", "Shannon Coen/Shubha Tupil"),
    ("Routing - Shannon Coen/ Shubha Tupil", "Routing", "", "Shannon Coen/ Shubha Tupil"),
    ("Garden-Windows - A William Martin", "Garden-Windows", "", "A William Martin"),
    ("Service Fabrik (Ashish)", "Service Fabrik", "", "Ashish"),
    ("CF Dev (Scott, Stephen)", "CF Dev", "", "Scott, Stephen"),
    ("SuSe Stemcell (?)", "SuSe Stemcell", "", "?"),
    ("CFCR (aka Kubo) (Sean O'Sullivan, Pivotal)", "CFCR (aka Kubo)", "", "Sean O'Sullivan, Pivotal"),
    ("Project Blockheads", "Project Blockheads", "", ""),
    ("Permissions (incubating)", "Permissions", "incubating", ""),
    ("Eirini - Julz Friedman (incubating)", "Eirini", "incubating", "Julz Friedman"),
    ("Diego - Eric Malm ###", "Diego", "", "Eric Malm"),
    ("C# Tools - Ann", "C# Tools", "", "Ann"),
]


@pytest.mark.parametrize(("heading", "name", "label", "leads"), HEADINGS)
def test_team_heading_gives_name_label_and_leads(heading, name, label, leads):
    assert parse_team_heading(heading) == (name, label, leads)


@pytest.mark.parametrize(("heading", "name", "label", "leads"), HEADINGS)
def test_team_heading_in_a_backlog_section_makes_a_report(heading, name, label, leads):
    text = doc(f"""
        {TITLE}

        ## Backlog Reviews

        ### {heading}

        - Shipped the thing
    """)
    parsed = parse_minutes(text)
    [report] = parsed.reports
    assert (report.team_name, report.status_label, report.leads) == (name, label, leads)
    assert report.heading == f"### {heading}".rstrip()
    assert report.body == "- Shipped the thing"
    assert_nothing_lost(text, parsed)


@pytest.mark.parametrize(
    "name", ["Garden Windows", "Garden-Windows", "GARDEN WINDOWS", "GardenWindows", "garden  windows"]
)
def test_case_spacing_and_hyphens_do_not_make_another_team(name):
    assert team_key(name) == "gardenwindows"
    assert team_key("Flintstones") != team_key("Flintstone")


def test_the_same_team_twice_in_one_meeting_stays_text_of_the_first():
    text = f"{TITLE}\n\n## Backlog Reviews\n\n### Garden Windows - A\n\n- a\n\n### GardenWindows - B\n\n- b\n"
    [report] = parse_minutes(text).reports
    assert report.body == "- a\n\n### GardenWindows - B\n\n- b"


@pytest.mark.parametrize("title", ["Backlog Reviews", "Backlog Review", "Current Backlog and Priorities"])
def test_backlog_section_titles_of_every_generation(title):
    text = doc(f"""
        {TITLE}

        ## {title}

        ### Diego - Eric Malm

        - One

        ### CLI

        - Two
    """)
    parsed = parse_minutes(text)
    [backlog] = [item for item in parsed.items if item.kind == "backlog"]
    assert backlog.title == title
    assert [(r.team_name, r.leads, r.body) for r in parsed.reports] == [
        ("Diego", "Eric Malm", "- One"),
        ("CLI", "", "- Two"),
    ]


def test_first_generation_minutes_with_attendees_and_teams_without_leads():
    text = doc("""
        # Runtime PMC Meeting 2015-05-05

        ## Agenda

        1. PMC Lifecycle Activities
        2. Current Backlog and Priorities
        3. Open Discussion


        ## Attendees

        * Chip Childers, Cloud Foundry Foundation
        * Dieu Cao, Pivotal (PMC Lead)

        ## PMC Lifecycle Activities

        Proposal to move cfoundry to the cloudfoundry-attic

        ## Current Backlog and Priorities

        ### Runtime
        * nearly complete with Route API

        ### UAA\t
        * wrapping up LDAP multi-tenancy support
    """)
    parsed = parse_minutes(text, "2015-05-05-runtime.md")
    assert parsed.date == date(2015, 5, 5)
    assert parsed.agenda_marker == "1."
    assert [(i.title, i.kind, i.agenda_label) for i in parsed.items] == [
        ("Agenda", "agenda", ""),
        ("Attendees", "notes", ""),
        ("PMC Lifecycle Activities", "notes", "PMC Lifecycle Activities"),
        ("Current Backlog and Priorities", "backlog", "Current Backlog and Priorities"),
        ("", "notes", "Open Discussion"),
    ]
    assert parsed.items[1].body.startswith("* Chip Childers")
    assert [(r.team_name, r.leads, r.body) for r in parsed.reports] == [
        ("Runtime", "", "* nearly complete with Route API"),
        ("UAA", "", "* wrapping up LDAP multi-tenancy support"),
    ]
    assert_nothing_lost(text, parsed)


EXTENSIONS = doc("""
    # CF Extensions PMC Notes

    *Chat room:* join the `#cf-extensions` channel

    ## Zoom info

    - *Meeting ID:* 559 273 7187

    ## New business

    Nothing new.

    # Projects

    ## _Incubating_

    Projects in incubation report here.

    ### App AutoScaler (Bo Yang)

    Released 2.0.

    ### BBR (Therese and George)

    [add updates here]

    ## _Under Review_

    ### CF Local (Stephen)

    Proposal sent.

    ## _Misc_

    ### SuSe Stemcell (?)
""")


def test_projects_section_keeps_its_group_headings():
    parsed = parse_minutes(EXTENSIONS, "06-24-2018.md")
    assert parsed.date == date(2018, 6, 24)
    assert parsed.title == "CF Extensions PMC Notes"
    assert parsed.preamble == "*Chat room:* join the `#cf-extensions` channel"
    assert [(item.level, item.title, item.kind) for item in parsed.items] == [
        (2, "Zoom info", "notes"),
        (2, "New business", "notes"),
        (1, "Projects", "backlog"),
    ]
    assert [(r.team_name, r.leads, r.group) for r in parsed.reports] == [
        ("App AutoScaler", "Bo Yang", "Incubating"),
        ("BBR", "Therese and George", "Incubating"),
        ("CF Local", "Stephen", "Under Review"),
        ("SuSe Stemcell", "?", "Misc"),
    ]
    # The group heading, and the text under it, opens the group's first report only.
    assert [r.group_heading for r in parsed.reports] == [
        "## _Incubating_\n\nProjects in incubation report here.",
        "",
        "## _Under Review_",
        "## _Misc_",
    ]
    assert parsed.reports[0].body == "Released 2.0."
    assert_nothing_lost(EXTENSIONS, parsed)


def test_level_four_headings_belong_to_the_team_report():
    text = doc(f"""
        {TITLE}

        ## Backlog Reviews

        ### Infrastructure - Evan Farrar

        #### `consul-release`
        - Testing Xenial.

        #### `bosh-bootloader` (a.k.a `bbl`)
        - Releasing BBL 6.8.

        ### Release Integration - David Sabeti

        #### `cf-deployment`

        ## CF Feature Roadmap Review
    """)
    parsed = parse_minutes(text)
    infrastructure, release_integration = parsed.reports
    assert infrastructure.body == (
        "#### `consul-release`\n- Testing Xenial.\n\n#### `bosh-bootloader` (a.k.a `bbl`)\n- Releasing BBL 6.8."
    )
    assert release_integration.body == "#### `cf-deployment`"
    # A `##` heading ends the backlog section: it is the next agenda item, not part of a report.
    assert parsed.items[-1].title == "CF Feature Roadmap Review"
    assert_nothing_lost(text, parsed)


@pytest.mark.parametrize(
    ("markers", "marker"),
    [(["*"] * 4, "*"), (["-"] * 4, "-"), (["+"] * 4, "+"), (["1.", "2.", "3.", "4."], "1.")],
)
def test_agenda_list_bulleted_or_numbered(markers, marker):
    labels = ["Announcements", "PMC Lifecycle Activities", "Backlog Review", "Open floor"]
    agenda = "\n".join(f"{m} {label}" for m, label in zip(markers, labels, strict=True))
    text = f"{TITLE}\n\n## Agenda\n\n{agenda}\n\n" + doc("""
        ## Announcements

        Welcome.

        ## PMC Lifecycle Activities

        ## Discussion

        Off the agenda.

        ## Backlog Reviews

        ### Diego - Eric Malm
    """)
    parsed = parse_minutes(text)
    assert parsed.agenda_marker == marker
    agenda_item = parsed.items[0]
    assert (agenda_item.kind, agenda_item.body) == ("agenda", "")
    listed = sorted((i for i in parsed.items if i.agenda_position is not None), key=lambda i: i.agenda_position)
    assert [(i.agenda_label, i.title, i.level) for i in listed] == [
        ("Announcements", "Announcements", 2),
        ("PMC Lifecycle Activities", "PMC Lifecycle Activities", 2),
        ("Backlog Review", "Backlog Reviews", 2),  # the bullet names the section loosely
        ("Open floor", "", 0),  # a bullet with no section of its own
    ]
    discussion = next(i for i in parsed.items if i.title == "Discussion")
    assert discussion.agenda_position is None
    assert discussion.body == "Off the agenda."
    assert_nothing_lost(text, parsed)


@pytest.mark.parametrize(
    "agenda",
    [
        "1. Announcements\n1. Discussion",  # numbered lazily: the exporter would renumber it
        "* Announcements\n  - a nested point",
        "Today we talk about:\n\n* Announcements",
        "* Announcements\n- Discussion",
    ],
)
def test_agenda_that_is_not_a_plain_list_stays_as_text(agenda):
    text = f"{TITLE}\n\n## Agenda\n\n{agenda}\n\n## Announcements\n\n## Discussion\n"
    parsed = parse_minutes(text)
    agenda_item = parsed.items[0]
    assert (agenda_item.kind, agenda_item.body) == ("notes", agenda)
    assert all(item.agenda_position is None for item in parsed.items)
    assert_nothing_lost(text, parsed)


ROADMAP = doc("""
    ## CF Feature Roadmap Review

    Reviewed by the chair.

    Delivered When? | What?
    ------|------
    *Recently Completed* |
    || - Service instance sharing (CLI and SAPI)
    ||
    *Soon* | **cf-deployment GA:**
    || - CredHub credential rotation for CF components
    || - Route integrity (Diego, Routing/Garden)
    ||
    *Next* | - Server side app manifest (CAPI, CLI)
    ||
    *Future* | - Placing large apps (Diego)

    *Above are plans, not commitments, and may change without notice.*
""")


def test_roadmap_table_becomes_entries_in_their_horizons():
    text = f"{TITLE}\n\n{ROADMAP}"
    parsed = parse_minutes(text)
    [roadmap] = parsed.items
    assert roadmap.kind == "roadmap"
    assert roadmap.body == "Reviewed by the chair."
    assert roadmap.footnote == "*Above are plans, not commitments, and may change without notice.*"
    assert [(e.horizon, e.text, e.is_heading, e.team_names) for e in parsed.roadmap] == [
        ("recently-completed", "", False, []),
        ("recently-completed", "Service instance sharing (CLI and SAPI)", False, ["CLI", "SAPI"]),
        ("recently-completed", "", False, []),
        ("soon", "**cf-deployment GA:**", True, []),
        ("soon", "CredHub credential rotation for CF components", False, []),
        ("soon", "Route integrity (Diego, Routing/Garden)", False, ["Diego", "Routing", "Garden"]),
        ("soon", "", False, []),
        ("next", "Server side app manifest (CAPI, CLI)", False, ["CAPI", "CLI"]),
        ("next", "", False, []),
        ("future", "Placing large apps (Diego)", False, ["Diego"]),
    ]
    assert_nothing_lost(text, parsed)


@pytest.mark.parametrize(
    "table",
    [
        "When | What\n---|---\n*Soon* | - Something",  # another header
        "Delivered When? | What?\n------|------\n*Someday* | - Something",  # not a horizon
        "Delivered When? | What?\n------|------\n|| - An entry before any horizon",
        "Delivered When? | What?\n------|------\n*Next* | - b\n*Soon* | - a",  # out of order
        "Delivered When? | What?\n------|------\n*Soon* | - a\n*Next* | - b\n*Soon* | - c",  # twice
    ],
)
def test_roadmap_that_is_not_the_archive_table_stays_as_text(table):
    text = f"{TITLE}\n\n## CF Feature Roadmap Review\n\n{table}\n"
    parsed = parse_minutes(text)
    [item] = parsed.items
    assert (item.kind, item.body) == ("notes", table)
    assert parsed.roadmap == []
    assert_nothing_lost(text, parsed)


def test_unrecognised_text_stays_where_it_stood():
    text = doc(f"""
        {TITLE}

        Minutes taken by the chair.

        ## NOTE: In-person meeting at Summit, Room 116

        Bring badges.

        ## Backlog Reviews

        Teams in alphabetical order.

        ### CLI - Abby Chau

        ```
        ### not a team
        ## not a section
        ```

        ### CLI - Somebody Else

        The same team twice: kept as text of the first.

        ###

        ## Appendix

        | a | b |
        |---|---|
        | 1 | 2 |

        # Fixes

        Some text under a second title.
    """)
    parsed = parse_minutes(text)
    assert parsed.preamble == "Minutes taken by the chair."
    assert [(i.level, i.title, i.kind) for i in parsed.items] == [
        (2, "NOTE: In-person meeting at Summit, Room 116", "notes"),
        (2, "Backlog Reviews", "backlog"),
        (2, "Appendix", "notes"),
        (1, "Fixes", "notes"),
    ]
    assert parsed.items[1].body == "Teams in alphabetical order."
    [cli] = parsed.reports
    assert "### not a team" in cli.body
    assert "### CLI - Somebody Else" in cli.body
    assert cli.body.endswith("###")
    assert_nothing_lost(text, parsed)


@pytest.mark.parametrize(
    ("title", "filename", "expected"),
    [
        ("# Runtime PMC Meeting 2018-06-12", "", date(2018, 6, 12)),
        ("# Runtime PMC Meeting 2018-06-12", "minutes.md", date(2018, 6, 12)),
        ("# Runtime PMC Meeting", "2018-06-12-runtime.md", date(2018, 6, 12)),
        ("# CF Extensions PMC Notes", "06-24-2018.md", date(2018, 6, 24)),
        ("# CF Extensions PMC Notes", "Extensions/2018/06-24-2018.md", date(2018, 6, 24)),
        ("# Runtime PMC Meeting 2018-6-5", "", date(2018, 6, 5)),
        ("# Runtime PMC Meeting", "template.md", None),
        ("# Runtime PMC Meeting 2018-13-45", "", None),
    ],
)
def test_date_from_the_title_or_the_file_name(title, filename, expected):
    parsed = parse_minutes(f"{title}\n\n## Announcements\n\nHello.\n", filename)
    assert parsed.date == expected
    assert parsed.warnings == []


def test_file_name_decides_when_the_title_was_copied_from_another_meeting():
    parsed = parse_minutes("# Runtime PMC Meeting 2015-06-02\n\n## Announcements\n", "2015-06-16-runtime.md")
    assert parsed.date == date(2015, 6, 16)
    assert parsed.title == "Runtime PMC Meeting 2015-06-02"  # kept as written
    assert ["2015-06-02" in w and "2015-06-16" in w for w in parsed.warnings] == [True]


def test_missing_title_is_reported():
    parsed = parse_minutes("## Announcements\n\nHello.\n", "2018-06-12-runtime.md")
    assert parsed.title == ""
    assert parsed.date == date(2018, 6, 12)
    assert any("Title" in warning for warning in parsed.warnings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-06-12-runtime.md", date(2018, 6, 12)),
        ("06-24-2018.md", date(2018, 6, 24)),
        ("1-9-2018.md", date(2018, 1, 9)),
        ("Runtime PMC Meeting 2019-12-10", date(2019, 12, 10)),
        ("2018-02-30 then 2018-03-01", date(2018, 3, 1)),  # the first valid one
        ("12345-06-12", None),
        ("template.md", None),
    ],
)
def test_date_from_text(text, expected):
    assert date_from_text(text) == expected


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"# T\r\n\r\n- a\r\n", "# T\n\n- a\n"),
        (b"\xef\xbb\xbf# T\n", "# T\n"),
        (b"# T\r- a\r", "# T\n- a\n"),
        ("# Köper – ünïcode\n".encode(), "# Köper – ünïcode\n"),
    ],
    ids=["crlf", "bom", "cr", "utf-8"],
)
def test_decode_takes_bom_and_any_line_endings(data, text):
    assert decode(data) == text


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "empty"),
        (b"  \n\n\t\n", 1, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary"),
        (b"# T\n\n## Announcements\n\ncaf\xe9 au lait\n", 5, "UTF-8"),
    ],
    ids=["empty", "blank", "binary", "latin-1"],
)
def test_decode_refuses_what_is_not_markdown_text(data, line, words):
    with pytest.raises(ParseError) as raised:
        decode(data)
    assert raised.value.line == line
    assert words in str(raised.value)
    assert "expected" in str(raised.value)
    assert str(raised.value).startswith(f"line {line}: ")
