"""Query budgets of the community's pages: as many SQL queries with 2,000 meetings as with 3.

Each page is requested in a small archive (three published meetings and a
draft), then again once the archive has grown to 2,000 meetings and more
committees (built with bulk_create, the search index rebuilt). It must stay
within its budget both times and run exactly as many queries in the large
archive as in the small one: a count that grows with the data is an N+1.

Organised by page: `PAGES` says, for each page, its URL, its budget and what
the queries are for; a page joins by adding a line there. Responses never come
from the cache here (it is cleared before each request): a budget is the cost
of rendering.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting
from meetings.services.scheduling import create_meeting
from tests.support.public_archive import add_meetings, build_committee, queries_of, rolled_back

SMALL, LARGE = 3, 2_000
OTHER_COMMITTEES = ("Extensions", "BOSH", "Services")

PAGES = {
    # The committees with their latest published meeting, the upcoming drafts.
    "home": ("/", 3),
    # The committee, its years, one year's meetings with their announcements, the start of their reports
    # (to count the written ones: placeholders are not), the upcoming meetings.
    "committee archive": ("/runtime/", 5),
    "committee archive, a year": ("/runtime/?year=2018", 5),
    "committee archive, every year": ("/runtime/?year=all", 5),
    # The meeting with its version; its sections, reports, roadmap, attendees, amendments; its neighbours.
    "meeting page": ("/runtime/2018-05-15/", 9),  # the oldest of three; the large archive gives it a previous one
    # The team; its reports' dates and leads; this page's reports; the roadmap's entries and the meetings
    # that have one; its latest action items.
    "team timeline": ("/runtime/teams/diego/", 6),
    # The committee; the roadmap's entries and the meetings that have one.
    "roadmap history": ("/runtime/roadmap/", 3),
    # The committees of the form, the one asked for, the matches newest first, their page ranked (on SQLite,
    # ranked with the matches; the page's sections read).
    "search": ("/search/?q=xenial+stemcells&committee=runtime&date_from=1900-01-01", 4),
    "search, the 50 best of thousands": ("/search/?q=xenial", 3),
    # The committee (or team), its meetings (or reports); for the committee, their agendas, decisions and
    # reports, one query each.
    "committee feed": ("/runtime/feed/", 5),
    "team feed": ("/runtime/teams/diego/feed/", 2),
    # Committees, meetings (a count and a page), teams (a count and a page).
    "sitemap": ("/sitemap.xml", 6),
    # The committee, its meetings, one query per kind of row a minutes file holds.
    "archive zip": ("/runtime/archive.zip", 6),
}


@pytest.fixture(scope="class")
def in_the_small_archive(django_db_setup, django_db_blocker):
    """Each page's (status, queries) in a small archive; the archive is then grown to 2,000 meetings.

    Built once for the class and rolled back after it (each test still runs in its own savepoint).
    """
    with django_db_blocker.unblock(), rolled_back():
        runtime = build_committee()
        add_meetings(runtime, SMALL)
        create_meeting(runtime, day=timezone.localdate() + timedelta(days=7))
        measured = {page: queries_of(Client(), url) for page, (url, _budget) in PAGES.items()}

        add_meetings(runtime, LARGE - SMALL)
        for name in OTHER_COMMITTEES:
            other = build_committee(name)
            add_meetings(other, 2)
            create_meeting(other, day=timezone.localdate() + timedelta(days=3))
        yield measured
    cache.clear()


@pytest.mark.usefixtures("db")
class TestCommunityPages:
    @pytest.mark.parametrize("page", PAGES)
    def test_within_budget_and_flat_from_3_to_2000_meetings(
        self, in_the_small_archive, page, client, django_assert_max_num_queries, django_assert_num_queries
    ):
        url, budget = PAGES[page]
        status, small = in_the_small_archive[page]
        assert status == 200, f"{url} answered {status} in the small archive"
        assert small <= budget, f"{url} ran {small} queries in the small archive; its budget is {budget}"
        assert Meeting.objects.filter(committee__slug="runtime").count() == LARGE + 1
        cache.clear()
        with django_assert_max_num_queries(budget), django_assert_num_queries(small):
            response = client.get(url)
        assert response.status_code == 200
