"""Placeholders are not reports: a section of template text only counts as unwritten on every page that counts
or lists reports (the rule: format/placeholders.py; read over many rows: queries/reports.py)."""

from datetime import date

import feedparser
import pytest

from meetings.models import BacklogReport, SearchDocument
from meetings.queries.reports import PEEK, count_reported
from meetings.queries.search import parse_query, search
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.public_archive import page_of

TEMPLATE = "- Updates:\n- Risks:\n"


def write(meeting, team, body: str) -> None:
    # Straight to the row, as an import of a filled-in template leaves it.
    BacklogReport.objects.filter(meeting=meeting, team=team).update(body=body)


@pytest.fixture
def meetings(people):
    """Three published Runtime meetings; Diego wrote only the template in two, CLI reported each time."""
    runtime = people["runtime"]
    runtime.placeholders = "- Updates:\n- Risks:"
    runtime.save()
    made = []
    for day, diego in [
        (date(2018, 1, 9), "- Shipped the stemcell"),
        (date(2018, 1, 23), "[add here]\n\nTBD"),
        (date(2018, 2, 6), TEMPLATE),
    ]:
        meeting = create_meeting(runtime, day=day)
        write(meeting, people["team_x"], diego)
        write(meeting, people["team_y"], f"- CLI news of {day}")
        publish_meeting(meeting)
        made.append(meeting)
    return made


def test_the_minutes_count_placeholder_sections_as_no_report(client, meetings):
    page = page_of(client, "/runtime/2018-02-06/")

    assert "1 of 2 teams reported" in page.find("p", class_="meta").text
    diego = page.by_id("diego")
    assert "is-empty" in diego.classes and diego.find("p", class_="empty").text == "No report."


def test_the_archive_counts_placeholder_sections_as_no_report(client, meetings):
    entries = page_of(client, "/runtime/").find("ul", class_="archive").find_all("li")

    reported = {li.find("time").attrs["datetime"]: li.find(class_="reported").text for li in entries}
    assert reported == {
        "2018-02-06": "· 1 team reported",
        "2018-01-23": "· 1 team reported",
        "2018-01-09": "· 2 teams reported",
    }


def test_the_timeline_folds_placeholder_sections_into_a_gap(client, meetings):
    page = page_of(client, "/runtime/teams/diego/")

    assert [a.find("time").attrs["datetime"] for a in page.find_all("article", class_="timeline-report")] == [
        "2018-01-09"
    ]
    assert page.find("p", class_="gap").text == "No report in 2 meetings (2018-01-23 – 2018-02-06)."
    assert page.find("p", class_="meta").text.startswith("1 report in the published minutes")


def test_the_team_feed_leaves_placeholder_sections_out(client, meetings):
    feed = feedparser.parse(client.get("/runtime/teams/diego/feed/").content)

    assert [entry.title for entry in feed.entries] == ["Diego – 2018-01-09"]


def test_the_search_finds_no_placeholder_section(meetings):
    assert not SearchDocument.objects.filter(team__slug="diego", meeting__date=date(2018, 2, 6)).exists()
    assert [hit.meeting.date for hit in search(parse_query("shipped"))] == [date(2018, 1, 9)]


def test_a_long_template_is_read_whole_before_it_is_called_empty(people, meetings):
    long_template = TEMPLATE * (PEEK // len(TEMPLATE) + 3)
    write(meetings[2], people["team_x"], long_template)
    write(meetings[1], people["team_x"], long_template + "- but one real line at the end")

    count_reported(meetings, people["runtime"].placeholder_lines)

    assert [meeting.reported for meeting in meetings] == [2, 2, 1]
