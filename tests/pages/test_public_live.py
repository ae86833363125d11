"""The meeting page as followers get it (static/js/live/follow.js): when it is followed, and at what cost."""

from django.test import Client

from meetings.services.publishing import publish_meeting
from tests.support.html_tree import parse_html

SEED_URL = "/runtime/2018-06-12/"


def article(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    page = parse_html(response.content.decode())
    return page, page.find("article", class_="minutes")


def test_a_draft_is_followed_always_by_its_committee(people, draft):
    client = Client()
    client.force_login(people["lead_x"])
    page, minutes = article(client, draft.get_absolute_url())
    assert minutes.attrs["data-live-follow"] == "/ws/live/runtime/2030-01-08/"
    assert minutes.attrs["data-live-follow-when"] == "always"
    scripts = [script for script in page.find_all("script") if "js/live/follow" in script.attrs.get("src", "")]
    assert [script.attrs["type"] for script in scripts] == ["module"]


def test_published_minutes_are_followed_only_while_someone_changes_them(people, draft, client):
    publish_meeting(draft, by=people["chair"])
    _, minutes = article(client, draft.get_absolute_url())
    assert minutes.attrs["data-live-follow-when"] == "changing"  # the socket says 4404 otherwise, after a cache read


def test_a_cancelled_meeting_is_not_followed(people, draft):
    draft.cancel()
    client = Client()
    client.force_login(people["chair"])
    _, minutes = article(client, draft.get_absolute_url())
    assert minutes.attrs.get("data-live-follow") is None


def test_every_written_section_has_a_body_the_followers_can_replace(seed_meeting, client):
    page, _ = article(client, SEED_URL)
    anchors = [body.attrs["data-live-body"] for body in page.find_all("div", class_="section-body")]
    assert "section-discussion" in anchors and "diego" in anchors
    assert len(anchors) == len(set(anchors))


def test_following_costs_a_reader_s_page_no_query(seed_meeting, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):  # as before the page was followed (tests/pages/test_public.py)
        assert client.get(SEED_URL).status_code == 200
