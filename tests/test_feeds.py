"""Atom feeds, read as feed readers read them (feedparser): one per committee, with its meetings and
amendments, and one per team, with its reports."""

from datetime import UTC, date, datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import feedparser
import pytest

from meetings.models import ActionItem, BacklogReport, Meeting, Outcome
from meetings.services.actions import record_outcome
from meetings.services.editing import save_item, save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.html_tree import parse_html
from tests.support.public_archive import corpus_fixture, page_of

imported_corpus = corpus_fixture()
BASE = "http://testserver"


def feed_of(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def assert_entries_are_complete(feed) -> None:
    assert feed.entries
    for entry in feed.entries:
        assert entry.title
        assert entry.link.startswith(BASE + "/")
        assert entry.published_parsed is not None
        assert entry.updated_parsed is not None
        assert entry.id
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


@pytest.mark.usefixtures("imported_corpus", "db")
class TestOnTheCorpus:
    def test_committee_feed_is_valid_atom_with_the_latest_meetings(self, client):
        feed = feed_of(client, "/runtime/feed/")
        assert feed.feed.title == "Runtime PMC minutes"
        assert feed.feed.link == BASE + "/runtime/"
        assert_entries_are_complete(feed)
        assert len(feed.entries) == 30
        newest = Meeting.objects.filter(committee__slug="runtime").order_by("-date")[:30]
        assert [entry.link for entry in feed.entries] == [BASE + meeting.get_absolute_url() for meeting in newest]
        assert feed.entries[0].title == "Runtime PMC Meeting 2019-12-10"

    def test_every_entry_links_to_its_minutes(self, client):
        for entry in feed_of(client, "/runtime/feed/").entries[:5]:
            page = page_of(client, entry.link.removeprefix(BASE))
            assert page.find("h1").text == entry.title

    def test_meetings_whose_title_has_no_date_get_it_in_the_feed(self, client):
        feed = feed_of(client, "/extensions/feed/")
        assert_entries_are_complete(feed)
        titles = [entry.title for entry in feed.entries]
        assert len(set(titles)) == len(titles), titles  # “CF Extensions PMC Notes” each time otherwise
        assert all(title.startswith("CF Extensions PMC Notes, ") for title in titles)

    def test_team_feed_is_valid_atom_with_the_written_reports_newest_first(self, client):
        feed = feed_of(client, "/runtime/teams/diego/feed/")
        assert feed.feed.title == "Diego: reports to the Runtime PMC"
        assert feed.feed.link == BASE + "/runtime/teams/diego/"
        assert_entries_are_complete(feed)
        written = (
            BacklogReport.objects.filter(team__committee__slug="runtime", team__slug="diego")
            .exclude(body="")
            .order_by("-meeting__date")[:30]
        )
        assert [entry.title for entry in feed.entries] == [f"Diego – {r.meeting.date:%Y-%m-%d}" for r in written]
        assert [entry.link for entry in feed.entries] == [BASE + r.get_absolute_url() for r in written]
        assert feed.entries[0].link == BASE + "/runtime/2019-12-10/#diego"
        assert "Configurable app logging rate limits" in feed.entries[0].summary

    def test_pages_announce_their_feeds(self, client):
        for page_url, feed_url in [
            ("/runtime/", "/runtime/feed/"),
            ("/runtime/teams/diego/", "/runtime/teams/diego/feed/"),
        ]:
            head = page_of(client, page_url).find("head")
            assert head.find("link", rel="alternate", type="application/atom+xml", href=feed_url) is not None


def test_a_draft_is_in_no_feed_until_it_is_published(people, draft, client):
    save_report(draft.reports.get(team=people["team_x"]), body="- Draft work")
    assert feed_of(client, "/runtime/feed/").entries == []
    assert feed_of(client, "/runtime/teams/diego/feed/").entries == []
    publish_meeting(draft)
    [meeting] = feed_of(client, "/runtime/feed/").entries
    assert meeting.link == BASE + draft.get_absolute_url()
    [report] = feed_of(client, "/runtime/teams/diego/feed/").entries
    assert report.link == BASE + draft.get_absolute_url() + "#diego"
    assert "Draft work" in report.summary


def test_an_amendment_brings_old_minutes_back_to_the_top_as_updated(people, client):
    old, new = (create_meeting(people["runtime"], day=day) for day in (date(2018, 1, 2), date(2018, 1, 16)))
    for meeting in (old, new):
        save_report(meeting.reports.get(team=people["team_x"]), body="- As discussed")
        publish_meeting(meeting)
    before = feed_of(client, "/runtime/feed/")
    assert [entry.link for entry in before.entries] == [BASE + new.get_absolute_url(), BASE + old.get_absolute_url()]

    save_report(old.reports.get(team=people["team_x"]), body="- As discussed, and corrected", by=people["chair"])
    after = feed_of(client, "/runtime/feed/")
    amended = after.entries[0]
    assert amended.link == BASE + old.get_absolute_url()
    assert amended.title == f"{old.title} (amended)"
    assert amended.updated_parsed > amended.published_parsed or amended.updated != amended.published
    assert "Amended on" in amended.summary
    assert after.entries[1].title == new.title


@pytest.mark.parametrize("url", ["/nobody/feed/", "/runtime/teams/nobody/feed/", "/extensions/teams/cli/feed/"])
def test_feeds_of_unknown_committees_and_teams_are_not_found(people, client, url):
    assert client.get(url).status_code == 404


def entry_time(struct) -> datetime:
    return datetime(*struct[:6], tzinfo=UTC)


def test_entries_are_dated_by_their_meeting_not_by_their_publication(people, client):
    runtime = people["runtime"]
    runtime.timezone = "America/Los_Angeles"
    runtime.save()
    meeting = create_meeting(runtime, day=date(2016, 3, 8))
    save_report(meeting.reports.get(team=people["team_x"]), body="- Shipped")
    publish_meeting(meeting)  # today, as an import of old minutes does

    [minutes] = feed_of(client, "/runtime/feed/").entries
    [report] = feed_of(client, "/runtime/teams/diego/feed/").entries

    held = datetime(2016, 3, 8, tzinfo=ZoneInfo("America/Los_Angeles"))
    for entry in (minutes, report):
        assert entry_time(entry.published_parsed) == held
        assert entry_time(entry.updated_parsed) == held  # saved before publication: not an amendment


def test_entries_are_updated_by_their_last_amendment(people, client):
    meeting = create_meeting(people["runtime"], day=date(2016, 3, 8))
    report = meeting.reports.get(team=people["team_x"])
    save_report(report, body="- Shipped")
    publish_meeting(meeting)
    report.refresh_from_db()
    save_report(report, body="- Shipped, corrected", by=people["chair"], expected_version=report.version)
    amended = meeting.revisions.amendments().latest("created_at").created_at

    [minutes] = feed_of(client, "/runtime/feed/").entries
    [team_entry] = feed_of(client, "/runtime/teams/diego/feed/").entries

    for entry in (minutes, team_entry):
        assert entry_time(entry.published_parsed).date() == date(2016, 3, 8)
        assert entry_time(entry.updated_parsed) == amended.replace(microsecond=0)


def test_decisions_feed_is_valid_atom_with_the_published_decisions(client, people, draft):
    report = draft.reports.get(team=people["team_x"])
    save_report(
        report,
        body="> **Decision:** Retire the v0 API (for 4, against 1, abstain 0)\n\n"
        "> **Decision:** Keep v1 [link](https://e.org/t/2)\n",
    )
    publish_meeting(draft)
    later = create_meeting(people["runtime"], day=date(2030, 2, 5))
    save_report(later.reports.get(team=people["team_x"]), body="> **Decision:** Not published yet\n")

    feed = feed_of(client, "/runtime/decisions/feed/")

    assert feed.feed.title == "Decisions of the Runtime PMC"
    assert feed.feed.link == BASE + "/runtime/decisions/"
    assert_entries_are_complete(feed)
    assert [entry.title for entry in feed.entries] == ["2030-01-08: Retire the v0 API", "2030-01-08: Keep v1"]
    assert {entry.link for entry in feed.entries} == {BASE + "/runtime/2030-01-08/#diego"}
    assert "(for 4, against 1, abstain 0)" in feed.entries[0].summary
    assert 'href="https://e.org/t/2"' in feed.entries[1].summary


def test_the_decisions_page_announces_its_feed(client, db, people):
    page = client.get("/runtime/decisions/").content.decode()
    assert 'type="application/atom+xml"' in page
    assert 'href="/runtime/decisions/feed/"' in page


def test_actions_feed_is_valid_atom_with_the_published_actions_and_their_published_outcomes(client, people, draft):
    item = draft.items.get(title="Announcements")
    save_item(
        item,
        body="- [ ] @cli: Cut v7 (due 2030-02-01)\n- [ ] @diego: Ship cell rebalancing\n",
        title=item.title,
        agenda_label=item.agenda_label,
        by=people["chair"],
        expected_version=item.version,
    )
    publish_meeting(draft)
    cli, diego = ActionItem.objects.order_by("position")
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    record_outcome(cli, meeting=later, outcome=Outcome.DONE, note="Released", by=people["chair"])
    publish_meeting(later)
    last = create_meeting(people["runtime"], day=date(2030, 2, 5))
    record_outcome(diego, meeting=last, outcome=Outcome.DROPPED, note="Still a draft", by=people["chair"])
    save_report(last.reports.get(team=people["team_x"]), body="- [ ] @diego: Not published yet\n")

    feed = feed_of(client, "/runtime/actions/feed/")

    assert feed.feed.title == "Action items of the Runtime PMC"
    assert feed.feed.link == BASE + "/runtime/actions/"
    assert_entries_are_complete(feed)
    assert [entry.title for entry in feed.entries] == [
        "2030-01-08: CLI: Cut v7 (Done)",  # the teams' names, never a handle
        "2030-01-08: Diego: Ship cell rebalancing",
    ]
    assert {entry.link for entry in feed.entries} == {BASE + "/runtime/2030-01-08/#section-announcements"}
    assert "2030-01-22: <strong>Done</strong>: Released" in feed.entries[0].summary
    assert "Still a draft" not in feed.entries[1].summary and "Dropped" not in feed.entries[1].summary
    assert entry_time(feed.entries[0].updated_parsed).date() == date(2030, 1, 22)
    assert entry_time(feed.entries[1].updated_parsed).date() == date(2030, 1, 8)


def test_the_actions_page_announces_its_feed(client, db, people):
    page = client.get("/runtime/actions/").content.decode()
    assert 'type="application/atom+xml"' in page
    assert 'href="/runtime/actions/feed/"' in page


ATOM = "{http://www.w3.org/2005/Atom}"


def atom_entries(client, url: str) -> list[ElementTree.Element]:
    """The feed's entries as the standard library's XML parser reads them (a well-formed Atom document)."""
    response = client.get(url)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed, from the test client)
    assert root.tag == ATOM + "feed"
    return root.findall(ATOM + "entry")


def test_committee_entries_carry_the_agenda_decisions_and_who_reported(people, client):
    meeting = create_meeting(people["runtime"], day=date(2018, 5, 8))
    save_report(
        meeting.reports.get(team=people["team_x"]),
        body="- Shipped the wombat release\n\n> **Decision:** Diego moves to the new scheduler.",
    )
    item = meeting.items.get(title="Announcements")
    save_item(
        item,
        body="Nothing else.",
        title=item.title,
        agenda_label=item.agenda_label,
        by=people["chair"],
        expected_version=item.version,
    )
    publish_meeting(meeting)

    [entry] = atom_entries(client, "/runtime/feed/")
    content = entry.find(ATOM + "summary")
    assert content.get("type") == "html"
    # The summary is HTML, escaped in the XML; read it as HTML in turn.
    html = page_of_html(content.text)
    headings = [h.text for h in html.find_all("h2")]
    assert headings == ["Agenda", "Decisions", "Reports"]
    agenda = [li.text for li in html.find_all("ol")[0].find_all("li")]
    assert "Announcements" in agenda
    assert "Diego moves to the new scheduler." in html.find_all("ul")[0].text
    reported = html.find_all("ul")[1].find_all("a")
    assert [(a.text, a.attrs["href"]) for a in reported] == [("Diego", BASE + "/runtime/2018-05-08/#diego")]
    assert "No report from CLI." in html.text


def page_of_html(text: str):
    return parse_html(f"<div>{text}</div>")
