"""A team's timeline: its published reports newest first with the leads of each time, gaps folded,
its leads and status over time, and the roadmap entries that name it."""

import re
from datetime import date
from types import SimpleNamespace

import pytest

from meetings.models import Meeting, MeetingStatus
from meetings.queries.timeline import PAGE_SIZE, roadmap_history
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_team
from tests.support.html_tree import Element
from tests.support.public_archive import RUNTIME, corpus_fixture, corpus_report, page_of

imported_corpus = corpus_fixture()
DIEGO_URL = "/runtime/teams/diego/"


def corpus_sections(team: str) -> list[tuple[date, str, str]]:
    """(date, leads, body) of every `### Team` section of the Runtime corpus, oldest first, read as text."""
    heading = re.compile(rf"^### {re.escape(team)}(?: - .*)?$", re.MULTILINE)
    sections = []
    for path in sorted(RUNTIME.glob("*/*-runtime.md")):
        if heading.search(path.read_text(encoding="utf-8")):
            day = date.fromisoformat(path.name[:10])
            sections.append((day, *corpus_report(day, team)))
    return sections


def reports_on(page: Element) -> list[tuple[str, str]]:
    """(date, leads) of each report the timeline shows, in its order."""
    return [
        (article.find("time").attrs["datetime"], getattr(article.find(class_="leads"), "text", ""))
        for article in page.find_all("article", class_="timeline-report")
    ]


def all_pages(client, url: str) -> list[Element]:
    """The timeline's pages, newest first, following its "Older reports" links."""
    pages = [page_of(client, url)]
    while older := pages[-1].find("a", rel="next"):
        pages.append(page_of(client, url + older.attrs["href"]))
    return pages


def changes_in(page: Element, title_id: str) -> list[tuple[str, list[str]]]:
    """(value, [since, until]) of each line of the Leads or Status list."""
    section = page.by_id(title_id).parent
    return [
        (li.find(class_="value").text, [time.attrs["datetime"] for time in li.find_all("time")])
        for li in section.find_all("li")
    ]


@pytest.mark.usefixtures("imported_corpus", "db")
class TestOnTheCorpus:
    def test_diego_lists_every_written_report_newest_first_with_its_leads_of_the_time(self, client):
        written = [(day.isoformat(), leads) for day, leads, body in corpus_sections("Diego") if body]
        assert len(written) > 100
        pages = all_pages(client, DIEGO_URL)
        # Over a hundred reports come in pages of at most PAGE_SIZE entries (reports or gaps), newest first.
        assert len(pages) > 1
        for page in pages:
            section = page.by_id("reports-title").parent
            assert len([e for e in section.elements[1:] if e.tag != "nav"]) <= PAGE_SIZE
        assert [shown for page in pages for shown in reports_on(page)] == written[::-1]

    def test_diego_leads_are_those_of_each_meeting(self, client):
        shown = dict(shown for page in all_pages(client, DIEGO_URL) for shown in reports_on(page))
        assert shown["2018-06-12"] == "Eric Malm"
        assert shown["2015-09-08"] == "Onsi Fakhouri"  # once, between two runs of Eric Malm
        assert shown["2019-10-15"] == "Josh Collins"
        assert shown["2015-05-05"] == ""  # the 2015 minutes named no lead

    def test_diego_leads_history_runs_newest_first(self, client):
        assert changes_in(page_of(client, DIEGO_URL), "leads-title") == [
            ("Josh Collins", ["2019-06-25", "2019-12-10"]),
            ("Eric Malm", ["2015-09-22", "2019-06-11"]),
            ("Onsi Fakhouri", ["2015-09-08"]),
            ("Eric Malm", ["2015-07-28", "2015-08-25"]),
            ("(no lead named)", ["2015-05-05", "2015-06-02"]),
        ]

    def test_status_history_shows_a_team_becoming_incubating(self, client):
        page = page_of(client, "/runtime/teams/bits-service/")
        statuses = changes_in(page, "status-title")
        assert [value for value, _ in statuses] == ["incubating", "active"]
        assert statuses[0][1][0] == "2018-06-12"  # “### Bits-Service  (incubating) - Simon Moser”
        assert statuses[1][1] == ["2016-02-09", "2018-05-29"]
        assert ("Peter Goetz", ["2018-08-07", "2018-08-21"]) in changes_in(page, "leads-title")

    def test_meetings_without_a_report_are_folded_into_gaps_in_place(self, client):
        sections = corpus_sections("Diego")
        expected: list[str] = []
        for day, _leads, body in reversed(sections):
            if body:
                expected.append(day.isoformat())
            elif expected and expected[-1].startswith("gap"):
                count = int(expected[-1].split()[1]) + 1
                expected[-1] = f"gap {count}"
            else:
                expected.append("gap 1")
        assert any(entry.startswith("gap") for entry in expected), "the corpus has empty Diego sections"
        shown = []
        elements = [e for page in all_pages(client, DIEGO_URL) for e in page.by_id("reports-title").parent.elements[1:]]
        for element in elements:
            if element.tag == "nav":
                continue
            if element.tag == "article":
                shown.append(element.find("time").attrs["datetime"])
            else:
                assert "gap" in element.classes
                count = re.match(r"No report in (\d+) meetings?", element.text)[1]
                shown.append(f"gap {count}")
        assert shown == expected

    def test_each_report_links_to_its_section_of_the_meeting_page(self, client):
        article = page_of(client, DIEGO_URL).find("article", class_="timeline-report")
        assert article.find("a").attrs["href"] == "/runtime/2019-12-10/#diego"
        # The report's own text is on the timeline.
        _leads, body = corpus_report(date(2019, 12, 10), "Diego")
        assert "Configurable app logging rate limits" in body
        assert "Configurable app logging rate limits" in article.text

    def test_roadmap_entries_naming_the_team_with_their_horizons(self, client):
        section = page_of(client, DIEGO_URL).by_id("roadmap-title").parent
        lines = {li.text.split(" — ")[0]: li for li in section.find_all("li", class_="roadmap-line")}
        assert "Zero-downtime app updates (CAPI, Diego)" in lines
        assert [s.text for s in lines["Zero-downtime app updates (CAPI, Diego)"].find_all(class_="stage")] == [
            "Next from 2017-10-03"
        ]
        helpers = lines["System container helpers via Garden sidecars (Diego, Garden)"]
        assert helpers.find(class_="left").text == "off the roadmap 2017-10-18"
        # Entries that do not name Diego are not on its timeline.
        assert all("Diego" in text for text in lines)
        assert "Server side app manifest (CAPI, CLI)" not in lines

    def test_the_team_of_another_committee_has_its_own_timeline(self, client):
        assert client.get("/extensions/teams/diego/").status_code == 404
        assert client.get("/runtime/teams/no-such-team/").status_code == 404


@pytest.fixture
def diego_meetings(people):
    """Five published Runtime meetings and a draft; Diego reported in the first and last only."""
    team = people["team_x"]
    meetings = []
    for day, body in [
        (date(2018, 1, 2), "- First report"),
        (date(2018, 1, 16), ""),
        (date(2018, 1, 30), "  \n"),
        (date(2018, 2, 13), ""),
        (date(2018, 2, 27), "- Back again"),
    ]:
        meeting = create_meeting(people["runtime"], day=day)
        report = meeting.reports.get(team=team)
        save_report(report, body=body)
        publish_meeting(meeting)
        meetings.append(meeting)
    draft = create_meeting(people["runtime"], day=date(2018, 3, 13))
    save_report(draft.reports.get(team=team), body="- Not published yet")
    return meetings


def test_empty_meetings_in_a_row_are_one_line(diego_meetings, client):
    reports = page_of(client, DIEGO_URL).by_id("reports-title").parent
    assert [element.tag for element in reports.elements[1:]] == ["article", "p", "article"]
    gap = reports.find("p", class_="gap")
    assert gap.text == "No report in 3 meetings (2018-01-16 – 2018-02-13)."


def test_a_single_missed_meeting_says_so(people, diego_meetings, client):
    save_report(diego_meetings[1].reports.get(team=people["team_x"]), body="- In between")
    save_report(diego_meetings[3].reports.get(team=people["team_x"]), body="- And again")
    gaps = [p.text for p in page_of(client, DIEGO_URL).find_all("p", class_="gap")]
    assert gaps == ["No report in 1 meeting (2018-01-30)."]


def test_drafts_never_appear_on_a_timeline(diego_meetings, client):
    page = page_of(client, DIEGO_URL)
    assert [day for day, _ in reports_on(page)] == ["2018-02-27", "2018-01-02"]
    assert "Not published yet" not in page.text
    assert page.find("p", class_="meta").text.startswith("2 reports in the published minutes")


def test_leads_as_they_were_survive_a_change_of_lead(people, diego_meetings, client):
    team = people["team_x"]
    team.lead_names = "Josh Collins"
    team.save()
    later = create_meeting(people["runtime"], day=date(2018, 4, 10))
    save_report(later.reports.get(team=team), body="- New lead, same team")
    publish_meeting(later)
    page = page_of(client, DIEGO_URL)
    assert reports_on(page) == [
        ("2018-04-10", "Josh Collins"),
        ("2018-02-27", "Eric Malm"),
        ("2018-01-02", "Eric Malm"),
    ]
    assert changes_in(page, "leads-title") == [
        ("Josh Collins", ["2018-04-10"]),
        ("Eric Malm", ["2018-01-02", "2018-02-27"]),
    ]


def test_a_team_without_published_reports_says_so(people, client):
    make_team(people["runtime"], "Newcomers", position=5)
    page = page_of(client, "/runtime/teams/newcomers/")
    assert page.by_id("reports-title").parent.find("p", class_="empty").text == "No published report yet."
    assert Meeting.objects.filter(status=MeetingStatus.PUBLISHED).count() == 0


def test_a_page_number_int_cannot_read_shows_the_first_page(people, client):
    make_team(people["runtime"], "Newcomers", position=5)
    # "²" is a digit to str.isdigit, but int() refuses it.
    assert client.get("/runtime/teams/newcomers/?page=²").status_code == 200


def test_a_team_on_no_roadmap_does_not_read_the_committees_roadmap_history(
    people, diego_meetings, django_assert_num_queries
):
    # The committee's roadmap names another team; Diego's timeline reads only its own (no) entries.
    meeting = diego_meetings[-1]
    meeting.set_roadmap([SimpleNamespace(horizon="soon", text="Ship it (CLI)", is_heading=False, team_names=[])])
    with django_assert_num_queries(1):
        assert roadmap_history(people["runtime"], team=people["team_x"]) == []
    assert [line.text for line in roadmap_history(people["runtime"])] == ["Ship it (CLI)"]
