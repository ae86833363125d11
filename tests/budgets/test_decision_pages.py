"""Query budgets of the decisions page and feed: as many SQL queries with 2,000 meetings' decisions as with 3.

As in test_community_pages.py: each page is requested in a small archive,
then once the archive has grown (bulk inserts, the index rebuilt); it stays
within its budget both times and runs as many queries in both.
"""

import pytest
from django.core.cache import cache
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client

from meetings.models import BacklogReport, Decision, Meeting
from meetings.services.search_index import rebuild_index
from tests.support.public_archive import add_meetings, build_committee, queries_of, rolled_back

SMALL, LARGE = 3, 2_000

PAGES = {
    # The committee; the count of decisions; one page of them with their meetings.
    "decisions": ("/runtime/decisions/", 3),
    "decisions, filtered": ("/runtime/decisions/?q=xenial+adopt", 3),
    "decisions, a later page": ("/runtime/decisions/?page=3", 3),
    # The committee; the latest decisions with their meetings.
    "decisions feed": ("/runtime/decisions/feed/", 2),
}


def decide_everywhere() -> None:
    """A decision with a vote and a link in every Diego report, then the index (and decisions) rebuilt."""
    line = "\n\n> **Decision:** Adopt the Xenial stemcell (for 5, against 0, abstain 1) [link](https://e.org/v/1)"
    BacklogReport.objects.filter(team__name="Diego").update(body=Concat("body", Value(line)))
    rebuild_index()


@pytest.fixture(scope="class")
def in_the_small_archive(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back():
        runtime = build_committee()
        add_meetings(runtime, SMALL)
        decide_everywhere()
        measured = {page: queries_of(Client(), url) for page, (url, _budget) in PAGES.items()}
        add_meetings(runtime, LARGE - SMALL)
        decide_everywhere()
        yield measured
    cache.clear()


@pytest.mark.usefixtures("db")
class TestDecisionPages:
    @pytest.mark.parametrize("page", PAGES)
    def test_within_budget_and_flat_from_3_to_2000_meetings(
        self, in_the_small_archive, page, client, django_assert_max_num_queries, django_assert_num_queries
    ):
        url, budget = PAGES[page]
        status, small = in_the_small_archive[page]
        assert status == 200, f"{url} answered {status} in the small archive"
        assert small <= budget, f"{url} ran {small} queries in the small archive; its budget is {budget}"
        assert Meeting.objects.filter(committee__slug="runtime").count() == LARGE
        assert Decision.objects.count() == LARGE + SMALL  # the first three meetings were decided in twice
        cache.clear()
        with django_assert_max_num_queries(budget), django_assert_num_queries(small):
            response = client.get(url)
        assert response.status_code == 200
        assert "Adopt the Xenial stemcell" in response.content.decode()
