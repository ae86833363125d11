"""Query budgets with a long history: the pages that list revisions run as many queries for 3,000 as for 3.

A history replayed from git gives every meeting dozens of revisions, each with
its commit, some by authors matched to accounts; the pages must not query per
revision, per author or per commit link. The history is generated (bulk_create),
the same shape as import_minutes --git makes of the archive's 1,213 commits.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings.models import BacklogReport, Meeting, Revision, RevisionSource
from tests.support.public_archive import PUBLISHED_AT, add_meetings, build_committee

# Each page: who asks, its URL for the meeting, and its budget (the team timeline's is its community budget).
PAGES = {
    "team timeline": (None, lambda meeting: "/runtime/teams/diego/", 6),
    # The session and its user; the meeting with its committee; whether the chair chairs it; whether any
    # revision has an amendment's reason (the Why column); the revisions with their authors and reports.
    "history, chair": ("chair", lambda meeting: f"/runtime/{meeting.date}/history/", 6),
    # The meeting with its committee; whether an amendment gave a reason; its amendments.
    "history, anonymous": (None, lambda meeting: f"/runtime/{meeting.date}/history/", 3),
    # As the chair's history, and the report with its team.
    "report history, chair": ("chair", lambda meeting: f"/runtime/{meeting.date}/reports/diego/history/", 6),
}


def git_history(meetings: list[Meeting], per_meeting: int, accounts: list) -> None:
    """`per_meeting` revisions of each meeting's Diego report, from commits by authors matched or not."""
    reports = {report.meeting_id: report for report in BacklogReport.objects.filter(team__slug="diego")}
    Revision.objects.bulk_create(
        Revision(
            meeting=meeting,
            report=reports[meeting.pk],
            target="report:diego",
            before=f"- version {n}",
            after=f"- version {n + 1}",
            source=RevisionSource.GIT,
            author=accounts[n % len(accounts)] if n % 3 else None,
            created_at=PUBLISHED_AT - timedelta(hours=n),
            after_publication=True,
            commit_id=f"{meeting.pk:08x}{n:032x}",
            commit_author=f"Author {n % 60}",
            commit_email=f"author{n % 60}@example.org",
            commit_message=f"Update {meeting.date}-runtime.md\n\nChange {n}.",
        )
        for meeting in meetings
        for n in range(per_meeting)
    )


def queries_of(who, url: str) -> int:
    client = Client()
    if who:
        client.force_login(who)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


@pytest.mark.django_db
def test_pages_listing_revisions_run_as_many_queries_for_thousands_as_for_a_few():
    runtime = build_committee()
    runtime.repository_url = "https://github.com/cloudfoundry/pmc-notes"
    runtime.save()
    chair = get_user_model().objects.create_user("chair")
    runtime.chairs.add(chair)
    accounts = [get_user_model().objects.create_user(f"author-{n}", email=f"author{n}@example.org") for n in range(20)]
    meetings = add_meetings(runtime, 3)
    newest = max(meetings, key=lambda meeting: meeting.date)
    git_history(meetings, 1, accounts)
    few = {page: queries_of(chair if who else None, url(newest)) for page, (who, url, _) in PAGES.items()}

    more = add_meetings(runtime, 57)
    git_history(more, 50, accounts)  # 2,850 revisions more
    git_history([newest], 150, accounts)

    assert Revision.objects.filter(source=RevisionSource.GIT).count() > 3000
    for page, (who, url, budget) in PAGES.items():
        many = queries_of(chair if who else None, url(newest))
        assert (few[page], many) == (few[page], few[page]), f"{page}: {few[page]} queries, then {many}"
        assert many <= budget, f"{page} ran {many} queries; its budget is {budget}"
