"""The Subscribe page: what feeds and the calendar are, with the addresses to copy; the pages that link to a
feed send people there, and announce the feed to readers in their <head>."""

from datetime import date

from meetings.models import TeamStatus
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.public_archive import page_of

BASE = "http://testserver"


def addresses(page) -> dict[str, str]:
    """Each address on the page by its label."""
    return {label.text: page.by_id(label.attrs["for"]).attrs["value"] for label in page.find("main").find_all("label")}


def test_the_page_gives_every_feed_and_the_calendar_to_copy(people, client):
    page = page_of(client, "/runtime/subscribe/")

    assert page.find("h1").text == "Subscribe to the Runtime PMC"
    assert addresses(page) == {
        "Published minutes": BASE + "/runtime/feed/",
        "Decisions": BASE + "/runtime/decisions/feed/",
        "Action items": BASE + "/runtime/actions/feed/",
        "Diego reports": BASE + "/runtime/teams/diego/feed/",
        "CLI reports": BASE + "/runtime/teams/cli/feed/",
        "Meetings calendar": BASE + "/runtime/meetings.ics",
    }
    # Read-only: the address is there to be selected and copied, not edited.
    assert all("readonly" in field.attrs for field in page.find("main").find_all("input"))
    assert "feed reader" in page.by_id("feeds-heading").text


def test_the_teams_feeds_are_folded_unless_coming_from_a_team(people, client):
    assert "open" not in page_of(client, "/runtime/subscribe/").find("details", class_="subscribe-teams").attrs
    assert "open" in page_of(client, "/runtime/subscribe/?team=diego").find("details", class_="subscribe-teams").attrs


def test_retired_teams_have_no_feed_offered(people, client):
    assert people["runtime"].teams.filter(status=TeamStatus.RETIRED).exists()
    assert "Old Team reports" not in addresses(page_of(client, "/runtime/subscribe/"))


def test_an_unknown_committee_has_no_subscribe_page(people, client):
    assert client.get("/nowhere/subscribe/").status_code == 404


def test_feed_links_lead_to_the_subscribe_page_not_to_raw_xml(people, client):
    meeting = create_meeting(people["runtime"], day=date(2018, 5, 8))
    publish_meeting(meeting)
    for url, target in [
        ("/runtime/", "/runtime/subscribe/"),
        ("/runtime/decisions/", "/runtime/subscribe/#decisions"),
        ("/runtime/actions/", "/runtime/subscribe/#actions"),
        ("/runtime/teams/diego/", "/runtime/subscribe/?team=diego#team-diego"),
    ]:
        main = page_of(client, url).find("main")
        hrefs = [link.attrs.get("href", "") for link in main.find_all("a")]
        assert target in hrefs, url
        assert not any(href.endswith("/feed/") for href in hrefs), url


def test_minutes_and_committee_pages_announce_the_committee_feed(people, client):
    meeting = create_meeting(people["runtime"], day=date(2018, 5, 8))
    publish_meeting(meeting)
    for url in ("/runtime/", "/runtime/2018-05-08/", "/runtime/subscribe/"):
        head = page_of(client, url).find("head")
        link = head.find("link", rel="alternate", type="application/atom+xml")
        assert link is not None and link.attrs["href"] == "/runtime/feed/", url
