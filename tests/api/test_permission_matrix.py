"""The API and the pages under one permission matrix: the same people, the same reports, the same answers.

Each case is run through a report's edit page (a POST, as the browser sends)
and through the API (a PUT with a token), and both must agree with
`permissions.can_edit_report` and with each other, down to the kind of refusal:
the pages' sign-in redirect is the API's 401, a 403 a 403, a 404 a 404.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from meetings import permissions
from meetings.models import BacklogReport, TokenScope
from tests.support.accounts import sign_in
from tests.support.api import put_report, report_url, token_for
from tests.test_permissions import USERS

SECTIONS = {
    "x_in_draft": ("draft", "diego"),
    "y_in_draft": ("draft", "cli"),
    "x_in_published": ("published", "diego"),
}


@pytest.fixture
def world(people, draft, published):
    return {**people, "anonymous": AnonymousUser(), "draft": draft, "published": published}


def page_outcome(world, who: str, meeting, team: str) -> str:
    client = sign_in(Client(), world, who)
    report = meeting.reports.get(team__slug=team)
    response = client.post(
        report.get_edit_url(), {"body": f"page save by {who}", "version": report.version, "reason": "matrix"}
    )
    if response.status_code == 302:
        return "signed in first" if response["Location"].startswith("/accounts/login/") else "saved"
    return {403: "forbidden", 404: "not found"}[response.status_code]


def api_outcome(world, who: str, meeting, team: str, scope: str) -> str:
    secret = token_for(world[who], scope) if who != "anonymous" else ""
    version = BacklogReport.objects.get(meeting=meeting, team__slug=team).version
    response = put_report(
        Client(), report_url(meeting, team), f"API save by {who}", secret=secret, version=version, reason="matrix"
    )
    assert response.status_code == 200 or response["Content-Type"] == "application/problem+json"
    return {200: "saved", 401: "signed in first", 403: "forbidden", 404: "not found"}[response.status_code]


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("who", USERS)
def test_a_chair_token_may_do_exactly_what_the_pages_allow(world, who, section):
    meeting_name, team = SECTIONS[section]
    meeting = world[meeting_name]
    report = meeting.reports.get(team__slug=team)
    allowed = permissions.can_edit_report(world[who], report)

    on_the_page = page_outcome(world, who, meeting, team)
    through_the_api = api_outcome(world, who, meeting, team, TokenScope.CHAIR)

    assert on_the_page == through_the_api
    assert (through_the_api == "saved") is allowed


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("who", USERS)
def test_a_report_token_may_do_what_a_lead_may_on_the_pages(world, who, section):
    """Never more than the pages allow; exactly the lead's own teams' reports of drafts."""
    meeting_name, team = SECTIONS[section]
    meeting = world[meeting_name]
    report = meeting.reports.get(team__slug=team)
    user = world[who]
    leads_it = permissions.is_lead_of(user, report.team)

    on_the_page = page_outcome(world, who, meeting, team)
    through_the_api = api_outcome(world, who, meeting, team, TokenScope.REPORT)

    narrowed = "saved" if leads_it and not meeting.is_published else "forbidden"
    # What the page refuses, the API refuses the same way; what the page allows, the scope may still narrow.
    assert through_the_api == (narrowed if on_the_page == "saved" else on_the_page)


@pytest.mark.parametrize("who", USERS)
def test_reading_a_drafts_report_agrees_with_seeing_the_drafts_page(world, who):
    draft = world["draft"]
    page = sign_in(Client(), world, who).get(draft.get_absolute_url())
    secret = token_for(world[who]) if who != "anonymous" else ""
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    api = Client().get(report_url(draft, "diego"), headers=headers)
    assert page.status_code == api.status_code
    assert (api.status_code == 200) is permissions.can_view_meeting(world[who], draft)
