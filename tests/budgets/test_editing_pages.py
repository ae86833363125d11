"""Query budgets of the editing pages: as many SQL queries for many teams as for two."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.format.actions import ActionLine
from meetings.models import BacklogReport, Meeting
from meetings.services.actions import record_action
from meetings.services.questions import answer_question, ask_question
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_team

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
DRAFT_EDIT = DRAFT + "edit/"


# --- query budgets ----------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [DRAFT, DRAFT_EDIT, "/my-sections/", DRAFT + "readiness/"])
def test_pages_listing_reports_do_not_query_per_team(client, people, url):
    """One query per kind of object: more teams must not mean more queries."""
    client.force_login(people["chair"])
    for team in (people["team_x"], people["team_y"]):
        team.leads.add(people["chair"])  # so that /my-sections/ lists the chair's reports too
    _with_questions(create_meeting(people["runtime"], day=date(2030, 1, 8)), people)
    few = _queries(client, url)

    Meeting.objects.filter(date=date(2030, 1, 8)).delete()
    for i in range(6):
        make_team(people["runtime"], f"Team {i}", leads=[people["lead_x"], people["chair"]], position=10 + i)
    meeting = _with_questions(create_meeting(people["runtime"], day=date(2030, 1, 8)), people)
    for report in meeting.reports.all():
        BacklogReport.objects.filter(pk=report.pk).update(body="- Written", updated_by=people["lead_x"])
    assert _queries(client, url) == few


def _with_questions(meeting: Meeting, people) -> Meeting:
    """Each report with a question answered and one not: the pages count and list them without a query per team."""
    for report in meeting.reports.all():
        answer_question(ask_question(report, text="Why?", by=people["lead_y"]), answer="Because.", by=people["lead_x"])
        ask_question(report, text="And when?", by=people["chair"])
    return meeting


def test_my_sections_offers_to_close_each_action_without_a_query_per_action(client, people, draft):
    """The next draft of each action and whether its owner may close it there: read once, not per action."""
    create_meeting(people["runtime"], day=date(2030, 1, 22))
    client.force_login(people["lead_y"])
    item = draft.items.get(title="Announcements")

    def add(text):
        item.refresh_from_db()
        assert record_action(item, action=ActionLine("cli", text), by=people["chair"], expected_version=item.version)

    add("First")
    few = _queries(client, "/my-sections/")
    for n in range(5):
        add(f"Another {n}")
    assert _queries(client, "/my-sections/") == few
