"""A reader pages through a search, narrows it by a count, and finds how to follow a committee; a chair takes
the imported minutes' own decision lines as decisions."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from meetings.models import BacklogReport
from meetings.queries import search

from .browsing import assert_accessible, save_screenshots, sign_in


@pytest.fixture
def short_pages(monkeypatch):
    # The demo has one published meeting: pages of 2 in blocks of 4 show the paging it would need at 50 and 500.
    monkeypatch.setattr(search, "LIMIT", 2)
    monkeypatch.setattr(search, "CANDIDATES", 4)


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="the demo's matches for 'cf' number exactly 4 under PostgreSQL's stemming (more under SQLite's FTS5): "
    "too few for pages of 2 in blocks of 4; the paging itself is tested on both in tests/queries/test_search_paging.py",
)
def test_reader_pages_through_search_results_and_filters_by_a_count(page, short_pages):
    page.goto("/search/")
    page.get_by_label("Search the minutes").fill("cf")
    page.get_by_role("button", name="Search").click()

    title = page.locator("#results-title")
    expect(title).to_have_text("More than 4 results, 1 to 2 shown")
    expect(page.locator("article.search-hit")).to_have_count(2)
    assert_accessible(page, "search results")
    save_screenshots(page, "reading-search")

    pager = page.get_by_role("navigation", name="More results")
    first_page = page.locator("article.search-hit h4").all_inner_texts()
    pager.get_by_role("link", name="Next results").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(title).to_have_text("More than 4 results, 3 to 4 shown")
    second_page = page.locator("article.search-hit h4").all_inner_texts()
    assert not set(first_page) & set(second_page)
    assert_accessible(page, "search results, page 2")

    by_year = page.get_by_role("navigation", name="By year")
    by_year.get_by_role("link", name="2018").click()
    expect(page).to_have_url(re.compile(r"date_from=2018-01-01.*date_to=2018-12-31"))
    expect(page).not_to_have_url(re.compile(r"page="))
    expect(page.get_by_role("navigation", name="By year").locator("[aria-current]")).to_have_text("2018")
    assert_accessible(page, "search results, one year")


def test_reader_finds_the_feeds_and_the_calendar_to_copy(page):
    page.goto("/runtime/")
    page.get_by_role("link", name="Subscribe: feeds and calendar").click()

    expect(page).to_have_url(re.compile(r"/runtime/subscribe/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe to the Runtime PMC")
    minutes = page.get_by_label("Published minutes")
    expect(minutes).to_have_value(re.compile(r"^http://.+/runtime/feed/$"))
    expect(page.get_by_label("Meetings calendar")).to_have_value(re.compile(r"/runtime/meetings\.ics$"))
    assert_accessible(page, "subscribe")
    save_screenshots(page, "reading-subscribe")


def test_chair_accepts_a_candidate_decision_of_the_imported_minutes(page, demo):
    report = BacklogReport.objects.get(
        meeting__committee__slug="runtime", meeting__date="2018-06-12", team__slug="diego"
    )
    report.body += "\n- Agreed: the cell rebalancing ships in the next release\n"
    report.save(update_fields=["body"])
    sign_in(page, "chair")
    page.goto("/runtime/2018-06-12/edit/")
    page.get_by_role("link", name="Candidate decisions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Candidate decisions")
    panel = page.locator("section.candidate").filter(has_text="Agreed: the cell rebalancing")
    expect(panel.get_by_label("Decision")).to_have_value("The cell rebalancing ships in the next release")
    assert_accessible(page, "candidate decisions")
    save_screenshots(page, "reading-decision-candidates")

    panel.get_by_role("button", name=re.compile("^Accept as a decision")).click()
    expect(page.get_by_role("status")).to_contain_text("Recorded the decision")
    expect(page.locator("section.candidate").filter(has_text="Agreed: the cell rebalancing")).to_have_count(0)
    assert_accessible(page, "candidate decisions, one accepted")
    page.goto("/runtime/decisions/")
    expect(page.get_by_role("main")).to_contain_text("The cell rebalancing ships in the next release")
