"""Query budgets of the API: its list endpoints run as many queries for 2,000 meetings as for the archive's 129.

The archives are those of the minutes pages' budgets (a small one of 129
meetings, one committee, 3 teams; a large one of 2,000 meetings over four
committees, 60 teams); each endpoint is asked once in each, rendered afresh
(the cache cleared), and must run the same number of queries, within its budget.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings.models import TokenScope
from tests.budgets.test_minutes_and_people_pages import build_archive
from tests.support.api import API, token_for

# Each endpoint: its address in an archive, whether a token asks, and its budget.
ENDPOINTS = {
    # the count, one page of committees with their latest date
    "committees": (lambda a: f"{API}/committees", False, 2),
    # the committee, the count, one page of its meetings
    "meetings": (lambda a: f"{API}/committees/{a.slug}/meetings", False, 3),
    "meetings, page 2": (lambda a: f"{API}/committees/{a.slug}/meetings?page=2", False, 3),
    # the committee, the count, one page of teams, their leads
    "teams": (lambda a: f"{API}/committees/{a.slug}/teams", False, 4),
    # the team, its history's columns, the page's reports, the roadmap's meetings and entries
    "team timeline": (lambda a: f"{API}/committees/{a.slug}/teams/team-0", False, 5),
    # the version; the meeting, its sections, reports, roadmap, attendees, amendments, decisions; the actions
    # agreed there, those open when it began and what happened to them there
    "minutes": (lambda a: f"{API}/committees/{a.slug}/meetings/{a.published.date}", False, 11),
    "latest minutes": (
        lambda a: f"{API}/committees/{a.slug}/meetings/latest",
        False,
        13,
    ),  # the committee, its latest date, the minutes
    # the form's committee, the search, its hits' sections (none here: the bulk-made meetings are not indexed)
    "search": (lambda a: f"{API}/search?q=shipped&committee={a.slug}", False, 3),
    # the token and its account, the meeting, the report, whether the token's account may see the draft
    "a draft's report, with a token": (
        lambda a: f"{API}/committees/{a.slug}/meetings/{a.draft.date}/reports/team-0",
        True,
        6,
    ),
}


@pytest.fixture
def archives(db):
    small = build_archive("small", teams=3, meetings=129, committees=1)
    large = build_archive("large", teams=60, meetings=2000, committees=4)
    for archive, prefix in ((small, "small"), (large, "large")):
        archive.slug = f"{prefix}0"
        archive.secret = token_for(archive.lead, TokenScope.REPORT)
    return small, large


def queries_of(archive, url: str, with_token: bool) -> list[str]:
    cache.clear()
    headers = {"Authorization": f"Bearer {archive.secret}"} if with_token else {}
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url, headers=headers)
    assert response.status_code == 200, (url, response.content[:300])
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_endpoint_runs_as_many_queries_for_2000_meetings_as_for_129(archives, endpoint):
    url_of, with_token, budget = ENDPOINTS[endpoint]
    small, large = (queries_of(archive, url_of(archive), with_token) for archive in archives)
    assert len(large) == len(small), "\n".join(large)
    assert len(large) <= budget, "\n".join(large)
