"""Reading the minutes through the API: published only, paged, with the pages' cache headers and ETags."""

from datetime import date

import pytest
from django.test import Client

from meetings.format.actions import ActionLine
from meetings.models import Decision, Outcome
from meetings.services.actions import record_action, record_outcome
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.api import API, report_url, token_for
from tests.support.builders import make_committee


@pytest.fixture
def client():
    return Client()


def test_committees_are_listed_with_their_latest_minutes(client, people, published, draft):
    response = client.get(f"{API}/committees")
    assert response.status_code == 200
    data = response.json()
    assert [c["slug"] for c in data["items"]] == ["extensions", "runtime"]
    assert data["items"][1]["latest_meeting"] == str(published.date)  # the draft is later, and not counted
    assert (data["count"], data["page"], data["pages"], data["next"]) == (2, 1, 1, None)


def test_a_committees_meetings_are_its_published_ones_newest_first(client, people, published, draft):
    data = client.get(f"{API}/committees/runtime/meetings").json()
    assert [m["date"] for m in data["items"]] == [str(published.date)]


def test_a_draft_is_not_found(client, people, draft):
    response = client.get(f"{API}/committees/runtime/meetings/{draft.date}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_published_minutes_hold_sections_reports_roadmap_and_decisions(client, seed_meeting):
    report = seed_meeting.reports.get(team__slug="diego")
    report.private_note = "secret plans"
    report.save()
    Decision.objects.create(meeting=seed_meeting, anchor="diego", section="Diego", position=0, text="Ship it")
    response = client.get(f"{API}/committees/runtime/meetings/{seed_meeting.date}")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == seed_meeting.title
    assert "Announcements" in [s["title"] for s in data["sections"]]
    diego = next(r for r in data["reports"] if r["team"] == "diego")
    assert diego["body"] == report.body and diego["version"] == report.version
    assert data["roadmap"] and data["roadmap"][0]["markdown"]
    assert data["decisions"][0]["text"] == "Ship it"
    assert "secret plans" not in response.content.decode()


def test_latest_is_the_newest_published_minutes(client, people, published, draft):
    data = client.get(f"{API}/committees/runtime/meetings/latest").json()
    assert data["date"] == str(published.date)
    assert client.get(f"{API}/committees/extensions/meetings/latest").status_code == 404


def test_minutes_have_the_pages_validators_and_answer_304(client, people, published):
    url = f"{API}/committees/runtime/meetings/{published.date}"
    first = client.get(url)
    assert set(first["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert first["ETag"].endswith('-json"') and first.has_header("Last-Modified")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    # An edit is a new version: a new ETag, the old one no longer matches.
    report = published.reports.get(team__slug="diego")
    save_report(report, body="amended", expected_version=report.version, reason="typo")
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert next(r for r in changed.json()["reports"] if r["team"] == "diego")["body"] == "amended"


def test_lists_have_etags_and_answer_304(client, people, published):
    url = f"{API}/committees/runtime/meetings"
    first = client.get(url)
    assert "public" in first["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_lists_are_paged(client, people):
    for n in range(55):
        make_committee(f"Committee{n:02}")
    first = client.get(f"{API}/committees").json()
    assert (first["count"], first["pages"], len(first["items"])) == (57, 2, 50)
    second = client.get(first["next"]).json()
    assert len(second["items"]) == 7 and second["previous"] == f"{API}/committees?page=1"
    assert client.get(f"{API}/committees?page=3").status_code == 404
    for bad in ("0", "x", "99999999999"):
        response = client.get(f"{API}/committees?page={bad}")
        assert response.status_code == 422, bad
        assert response["Content-Type"] == "application/problem+json"


def test_teams_and_a_teams_timeline(client, people, published):
    teams = client.get(f"{API}/committees/runtime/teams").json()
    assert [t["slug"] for t in teams["items"]] == ["diego", "cli", "old-team"]
    assert teams["items"][1]["leads"] == "Abby Chau"
    timeline = client.get(f"{API}/committees/runtime/teams/diego").json()
    assert timeline["team"]["name"] == "Diego"
    assert timeline["entries"] == [{"kind": "gap", "count": 1, "first": "2029-12-25", "last": "2029-12-25"}]
    assert client.get(f"{API}/committees/runtime/teams/nope").status_code == 404


def test_search_reuses_the_search_pages_parsing_and_messages(client, seed_meeting):
    found = client.get(f"{API}/search", {"q": "diego"}).json()
    assert found["count"] > 0
    assert all(hit["committee"] == "runtime" for hit in found["items"])
    assert "<mark>" in found["items"][0]["snippet_html"]
    refused = client.get(f"{API}/search", {"q": "-only"})
    assert refused.status_code == 400
    assert "Add a word" in refused.json()["errors"][0]["msg"]
    assert client.get(f"{API}/search", {"q": "x", "date_from": "never"}).status_code == 422
    assert client.get(f"{API}/search").status_code == 422


def test_a_drafts_report_is_read_with_a_token_that_may_see_it(client, people, draft):
    url = report_url(draft, "diego")
    assert client.get(url).status_code == 404  # as the draft's page is to the public
    member = token_for(people["member"])
    assert client.get(url, headers={"Authorization": f"Bearer {member}"}).status_code == 404
    lead = token_for(people["lead_x"])
    response = client.get(url, headers={"Authorization": f"Bearer {lead}"})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_unknown_addresses_under_the_api_are_problems(client, db):
    for url in ("/api/v1/nothing", "/api/v2/committees", "/api/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_a_method_no_endpoint_has_is_a_problem(client, db):
    response = client.post(f"{API}/committees", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "GET"


def test_minutes_read_again_cost_one_query(client, people, published, django_assert_num_queries):
    url = f"{API}/committees/runtime/meetings/{published.date}"
    first = client.get(url)
    with django_assert_num_queries(1):  # the version: the JSON comes from the cache
        again = client.get(url)
    assert again.content == first.content
    with django_assert_num_queries(1):
        assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_minutes_hold_the_actions_agreed_there_and_those_still_open_with_what_happened_to_them(client, people, draft):
    report = draft.reports.get(team=people["team_x"])
    record_action(
        report,
        action=ActionLine("diego", "Ship cell rebalancing", date(2030, 2, 1)),
        by=people["lead_x"],
        expected_version=report.version,
    )
    publish_meeting(draft)
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    [action] = draft.actions.all()
    record_outcome(action, meeting=later, outcome=Outcome.DONE, note="Shipped in 2.9", by=people["chair"])
    publish_meeting(later)

    agreed = client.get(f"{API}/committees/runtime/meetings/{draft.date}").json()
    assert agreed["actions"] == [
        {
            "section": "Diego",
            "anchor": "diego",
            "text": "Ship cell rebalancing",
            "owner": "diego",
            "owner_team": "diego",
            "due": "2030-02-01",
            "status": "done",
            "closed_in": "2030-01-22",
        }
    ]
    assert agreed["open_actions"] == []
    [still_open] = client.get(f"{API}/committees/runtime/meetings/{later.date}").json()["open_actions"]
    assert (still_open["text"], still_open["agreed_in"], still_open["age_days"]) == (
        "Ship cell rebalancing",
        "2030-01-08",
        14,
    )
    assert (still_open["outcome_here"], still_open["note_here"]) == ("done", "Shipped in 2.9")
