"""Writing a team's report through the API: tokens, If-Match, conflicts, and bad input that is never a 500."""

import json

import pytest
from django.test import Client

from meetings.models import ApiToken, BacklogReport, Revision, RevisionSource, TokenScope
from tests.support.api import put_report, report_url, token_for
from tests.support.html_tree import parse_html


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def diego(draft):
    return draft.reports.get(team__slug="diego")


def test_a_lead_replaces_the_report_with_the_version_read_and_gets_the_new_one(client, people, draft, diego):
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    read = client.get(report_url(draft, "diego"), headers={"Authorization": f"Bearer {secret}"})
    assert read.status_code == 200
    version = read.json()["version"]
    assert read["ETag"] == f'"{version}"'

    response = put_report(client, report_url(draft, "diego"), "- Shipped it", secret=secret, version=version)

    assert response.status_code == 200, response.content
    assert response.json()["version"] == version + 1
    assert response["ETag"] == f'"{version + 1}"'
    diego.refresh_from_db()
    assert diego.body == "- Shipped it"
    # A revision like a page save, by the token's account, that says it came through the API.
    revision = Revision.objects.filter(report=diego).latest("pk")
    assert (revision.after, revision.author, revision.source) == ("- Shipped it", people["lead_x"], RevisionSource.API)


def test_a_stale_version_gets_412_with_the_text_saved_in_between(client, people, draft, diego):
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    version = diego.version
    assert put_report(client, report_url(draft, "diego"), "first", secret=secret, version=version).status_code == 200

    response = put_report(client, report_url(draft, "diego"), "second", secret=secret, version=version)

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 412
    assert problem["current"]["body"] == "first"
    assert problem["current"]["version"] == version + 1
    assert BacklogReport.objects.get(pk=diego.pk).body == "first"


def test_without_if_match_428_and_nothing_saved(client, people, draft, diego):
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    response = put_report(client, report_url(draft, "diego"), "text", secret=secret)
    assert response.status_code == 428
    assert response.json()["title"] == "Precondition required"
    assert BacklogReport.objects.get(pk=diego.pk).body == diego.body


def test_if_match_star_is_not_a_version(client, people, draft):
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    response = client.put(
        report_url(draft, "diego"),
        data=json.dumps({"body": "x"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "If-Match": "*"},
    )
    assert response.status_code == 428


def test_a_lead_gets_403_for_another_team(client, people, draft):
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    cli = draft.reports.get(team__slug="cli")
    response = put_report(client, report_url(draft, "cli"), "mine now", secret=secret, version=cli.version)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert BacklogReport.objects.get(pk=cli.pk).body == cli.body


def test_a_report_token_of_a_chair_writes_only_the_teams_the_chair_leads(client, people, draft):
    secret = token_for(people["chair"], TokenScope.REPORT)
    cli = draft.reports.get(team__slug="cli")
    assert put_report(client, report_url(draft, "cli"), "x", secret=secret, version=cli.version).status_code == 403
    chair_secret = token_for(people["chair"], TokenScope.CHAIR)
    assert (
        put_report(client, report_url(draft, "cli"), "x", secret=chair_secret, version=cli.version).status_code == 200
    )


def test_amending_published_minutes_needs_a_reason(client, people, published):
    secret = token_for(people["chair"], TokenScope.CHAIR)
    report = published.reports.get(team__slug="diego")
    url = report_url(published, "diego")
    refused = put_report(client, url, "amended", secret=secret, version=report.version)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "reason"]
    saved = put_report(client, url, "amended", secret=secret, version=report.version, reason="typo")
    assert saved.status_code == 200
    assert Revision.objects.filter(report=report).latest("pk").reason == "typo"


def test_the_history_says_an_amendment_came_through_the_api(client, people, published):
    secret = token_for(people["chair"], TokenScope.CHAIR)
    report = published.reports.get(team__slug="diego")
    saved = put_report(
        client, report_url(published, "diego"), "amended", secret=secret, version=report.version, reason="typo"
    )
    assert saved.status_code == 200

    history = client.get(f"{published.get_absolute_url()}history/")
    table = parse_html(history.content.decode()).find("table", class_="history")
    [row] = table.find("tbody").find_all("tr")
    assert "Edited through the API" in [cell.text.strip() for cell in row.find_all("td")]


@pytest.mark.parametrize(
    ("secret", "status"),
    [("", 401), ("pmc_not-a-token", 401)],
)
def test_writing_needs_a_known_token(client, draft, diego, secret, status):
    response = put_report(client, report_url(draft, "diego"), "x", version=diego.version)
    if secret:
        response = put_report(client, report_url(draft, "diego"), "x", secret=secret, version=diego.version)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert "Bearer" in response["WWW-Authenticate"]


def test_a_revoked_token_no_longer_writes(client, people, draft, diego):
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    ApiToken.objects.filter(user=people["lead_x"]).delete()
    assert put_report(client, report_url(draft, "diego"), "x", secret=secret, version=diego.version).status_code == 401


def test_a_session_cookie_does_not_write(client, people, draft, diego):
    """Only a token writes: a signed-in browser's cookie is no credential here (so no CSRF to forge)."""
    client.force_login(people["lead_x"])
    assert put_report(client, report_url(draft, "diego"), "x", version=diego.version).status_code == 401


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("{not json", 400),
        ("[]", 422),
        ('{"body": 12}', 422),
        ('{"body": null}', 422),
        ('{"reason": "no body"}', 422),
        ('"just a string"', 422),
        (json.dumps({"body": "x" * 200_001}), 422),
        (json.dumps({"body": "x" * 3_000_000}), 413),
        (json.dumps({"body": "nul \x00 byte"}), 422),
    ],
    ids=["malformed", "array", "number", "null", "missing", "string", "over-200k", "over-2.5MB", "nul"],
)
def test_bad_bodies_get_a_problem_never_a_500(client, people, draft, diego, raw, status):
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    response = put_report(client, report_url(draft, "diego"), "", raw=raw, secret=secret, version=diego.version)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert BacklogReport.objects.get(pk=diego.pk).version == diego.version


@pytest.mark.parametrize("if_match", ["abc", "1" * 30, "-1", '"1.5"'])
def test_an_if_match_that_is_no_version_is_400(client, people, draft, if_match):
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    response = client.put(
        report_url(draft, "diego"),
        data=json.dumps({"body": "x"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "If-Match": if_match},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/committees/nope/meetings/2030-01-08/reports/diego",
        "/committees/runtime/meetings/2031-01-08/reports/diego",
        "/committees/runtime/meetings/2030-01-08/reports/nope",
        "/committees/runtime/meetings/2030-13-45/reports/diego",
    ],
)
def test_unknown_ids_are_4xx_problems(client, people, draft, path):
    secret = token_for(people["chair"])
    response = put_report(client, "/api/v1" + path, "x", secret=secret, version=1)
    assert response.status_code in (404, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_too_many_requests_get_429_with_retry_after(client, people, draft, settings):
    settings.PMC_API_READ_RATE_LIMIT = 3
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    other = token_for(people["lead_y"], TokenScope.REPORT)
    headers = {"Authorization": f"Bearer {secret}"}
    url = report_url(draft, "diego")
    assert [client.get(url, headers=headers).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url, headers=headers)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= settings.PMC_API_RATE_WINDOW_SECONDS
    # Counted per token: another token is not held back.
    assert client.get(url, headers={"Authorization": f"Bearer {other}"}).status_code == 200


@pytest.mark.parametrize("if_match", ['W/"{v}"', '"0{v}"', '"00{v}"', "0{v}"])
def test_if_match_is_compared_strongly_so_a_weak_or_padded_version_never_matches(
    client, people, draft, diego, if_match
):
    """RFC 9110 13.1.1: If-Match uses the strong comparison; a weak tag never matches, "03" is not "3"."""
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    response = client.put(
        report_url(draft, "diego"),
        data=json.dumps({"body": "overwritten"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "If-Match": if_match.format(v=diego.version)},
    )
    assert response.status_code == 412, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["current"]["version"] == diego.version
    assert response["ETag"] == f'"{diego.version}"'
    assert BacklogReport.objects.get(pk=diego.pk).body == diego.body


@pytest.mark.parametrize("field", ["body", "reason"])
def test_a_lone_surrogate_in_any_field_is_a_422_naming_the_field(client, people, published, field):
    """JSON may spell text (a lone UTF-16 surrogate, "\\ud800") that no database or UTF-8 page can hold."""
    secret = token_for(people["chair"], TokenScope.CHAIR)
    report = published.reports.get(team__slug="diego")
    fields = {"body": '"fine"', "reason": '"typo"', field: '"half \\ud800 a pair"'}
    raw = "{" + ", ".join(f'"{name}": {value}' for name, value in fields.items()) + "}"
    response = put_report(client, report_url(published, "diego"), "", raw=raw, secret=secret, version=report.version)
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert [error["loc"][-1] for error in response.json()["errors"]] == [field]
    assert BacklogReport.objects.get(pk=report.pk).version == report.version
