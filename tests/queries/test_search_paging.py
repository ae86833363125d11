"""Search pages through every result, block after block, with counts per committee and per year that filter.

Written for both engines (PostgreSQL full-text search, SQLite FTS5). LIMIT and
CANDIDATES are made small so that a handful of meetings spans several pages
and blocks; LIMIT divides CANDIDATES, as in the module.
"""

from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from meetings.models import Team
from meetings.queries import search
from meetings.queries.search import find, parse_query
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.public_archive import page_of

# Seven Runtime meetings (2017 to 2019) and one of Extensions, each with a section saying "wombat"; one
# meeting with two, which pages of two split (a date across two pages).
DAYS = [date(2017, 3, 7), date(2017, 9, 5), date(2018, 1, 9), date(2018, 5, 8), date(2018, 11, 6)]
DAYS += [date(2019, 2, 5), date(2019, 6, 4)]
EXTENSIONS_DAY = date(2018, 6, 12)
TWICE = date(2019, 2, 5)
MATCHES = sorted([*DAYS, TWICE, EXTENSIONS_DAY], reverse=True)


@pytest.fixture
def wombats(people):
    for day in DAYS:
        meeting = create_meeting(people["runtime"], day=day)
        save_report(meeting.reports.get(team=people["team_x"]), body=f"- A wombat seen on {day}")
        if day == TWICE:
            save_report(meeting.reports.get(team=people["team_y"]), body="- Wombat, wombat, wombat")
        publish_meeting(meeting)
    meeting = create_meeting(people["extensions"], day=EXTENSIONS_DAY)
    team = Team.objects.get(committee=people["extensions"], slug="diego")
    save_report(meeting.reports.get(team=team), body="- A wombat in Extensions")
    publish_meeting(meeting)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(search, "LIMIT", 2)
    monkeypatch.setattr(search, "CANDIDATES", 4)


def dates_of(results) -> list[date]:
    return [hit.meeting.date for hit in results.hits]


def test_every_match_is_on_exactly_one_page_newest_first(wombats, small_pages):
    query = parse_query("wombat")
    seen, page = [], 1
    while True:
        results = find(query, order="date", page=page)
        seen += dates_of(results)
        if not results.has_next:
            break
        page += 1
    # 9 matches, 2 a page: 5 pages across three blocks of 4, in date order, none twice, none missing.
    assert page == 5
    assert seen == MATCHES


def test_newest_first_a_meeting_split_across_pages_keeps_its_most_relevant_first(wombats, small_pages):
    query = parse_query("wombat")
    first, second = find(query, order="date", page=1), find(query, order="date", page=2)
    assert dates_of(first) == [date(2019, 6, 4), TWICE]
    assert dates_of(second) == [TWICE, date(2018, 11, 6)]
    # The CLI report says it three times: it comes first within its meeting.
    assert (first.hits[1].document.anchor, second.hits[0].document.anchor) == ("cli", "diego")


def test_relevance_pages_also_reach_the_oldest_match(wombats, small_pages):
    query = parse_query("wombat")
    seen = []
    for page in range(1, 6):
        seen += dates_of(find(query, page=page))
    assert sorted(seen, reverse=True) == MATCHES


def test_counts_are_exact_by_committee_and_year_when_all_are_counted(wombats):
    results = find(parse_query("wombat"))

    assert (results.total, results.meetings, results.counted_all) == (9, 8, True)
    assert [(facet.label, facet.count, facet.params) for facet in results.committees] == [
        ("Runtime", 8, {"committee": "runtime"}),
        ("Extensions", 1, {"committee": "extensions"}),
    ]
    assert [(facet.label, facet.count) for facet in results.years] == [("2019", 3), ("2018", 4), ("2017", 2)]
    assert results.years[0].params == {"date_from": "2019-01-01", "date_to": "2019-12-31"}


def test_counts_past_a_block_say_they_are_a_floor(wombats, small_pages):
    results = find(parse_query("wombat"))

    assert (results.total, results.counted_all, results.has_next) == (4, False, True)
    assert sum(facet.count for facet in results.years) == 4


def query_of(href: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(href).query).items()}


def test_the_page_links_the_next_and_previous_results_keeping_the_search(client, wombats, small_pages):
    first = page_of(client, "/search/?" + urlencode({"q": "wombat", "order": "date"}))
    assert first.by_id("results-title").text == "More than 4 results, 1 to 2 shown"
    pager = first.find("nav", class_="pager")
    assert pager.find("a", rel="prev") is None
    following = pager.find("a", rel="next").attrs["href"]
    assert query_of(following) == {"q": "wombat", "order": "date", "page": "2"}

    second = page_of(client, "/search/" + following)
    assert second.by_id("results-title").text == "More than 4 results, 3 to 4 shown"
    assert query_of(second.find("nav", class_="pager").find("a", rel="prev").attrs["href"]) == {
        "q": "wombat",
        "order": "date",
        "page": "1",
    }
    last = page_of(client, "/search/?" + urlencode({"q": "wombat", "order": "date", "page": 5}))
    assert last.find("nav", class_="pager").find("a", rel="next") is None
    assert "2017" in last.find_all("time")[-1].attrs["datetime"]


def test_a_facet_link_filters_the_search_and_marks_itself(client, wombats):
    page = page_of(client, "/search/?q=wombat&page=1")
    years = page.find("nav", **{"aria-labelledby": "facets-years"})
    link = next(a for a in years.find_all("a") if a.text == "2017")
    assert query_of(link.attrs["href"]) == {"q": "wombat", "date_from": "2017-01-01", "date_to": "2017-12-31"}

    filtered = page_of(client, "/search/" + link.attrs["href"])
    assert filtered.by_id("results-title").text == "2 results in 2 meetings"
    current = filtered.find("nav", **{"aria-labelledby": "facets-years"}).find("strong")
    assert (current.text, current.attrs["aria-current"]) == ("2017", "true")

    committees = page.find("nav", **{"aria-labelledby": "facets-committees"})
    extensions = next(a for a in committees.find_all("a") if a.text == "Extensions")
    only = page_of(client, "/search/" + extensions.attrs["href"])
    assert only.by_id("results-title").text == "1 result in 1 meeting"


@pytest.mark.parametrize("page", ["0", "-1", "x", "1001"])
def test_a_wrong_page_number_is_a_message_not_an_error(client, wombats, page):
    response = client.get("/search/?" + urlencode({"q": "wombat", "page": page}))
    assert response.status_code == 200
    assert b"form-errors" in response.content and b"page" in response.content


def test_a_page_past_the_last_says_so(client, wombats):
    page = page_of(client, "/search/?q=wombat&page=20")
    assert page.find("p", class_="empty").text == "This page is past the last result."
    assert page.find("nav", class_="pager").find("a", rel="prev") is not None
