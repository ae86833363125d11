"""The archive for the community: the committees, a committee's minutes year by year, a meeting's page
(neighbours, anchors, timelines, downloads, title and Open Graph tags), the zip of every minutes file
and the sitemap."""

import io
import re
import zipfile
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Meeting, MeetingStatus
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.corpus import CORPUS
from tests.support.public_archive import RUNTIME, corpus_fixture, corpus_report, page_of

imported_corpus = corpus_fixture()
BASE = "http://testserver"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def corpus_dates(committee: str = "Runtime") -> list[date]:
    return sorted(date.fromisoformat(path.name[:10]) for path in (CORPUS / committee).glob("*/*-runtime.md"))


def archive_entries(page) -> list:
    return page.find("ul", class_="archive").find_all("li")


def zip_of(client, url: str) -> zipfile.ZipFile:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def sitemap_urls(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own page)
    return [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


@pytest.mark.usefixtures("imported_corpus", "db")
class TestOnTheCorpus:
    def test_home_lists_each_committee_with_its_latest_minutes_and_archive(self, client):
        cards = {card.find("h2").text: card for card in page_of(client, "/").find_all("li", class_="card")}
        assert set(cards) == {"Runtime", "Extensions"}
        runtime = cards["Runtime"]
        assert runtime.find("h2").find("a").attrs["href"] == "/runtime/"
        latest = max(corpus_dates())
        assert runtime.find("a", href=f"/runtime/{latest.isoformat()}/").text == f"{latest:%-d} {latest:%B %Y}"
        assert [a.text for a in runtime.find_all("a", href="/runtime/")] == ["Runtime", "All minutes of Runtime"]

    @pytest.mark.parametrize("url", ["/", "/runtime/"])
    def test_pages_listing_meetings_never_read_the_imported_files(self, client, url):
        """Each meeting keeps its file (up to 2 MB, twice): a page of 26 meetings must not fetch 26 of them."""
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200

        assert Meeting.objects.exclude(source="").exists()
        assert [query["sql"] for query in queries if "source_export" in query["sql"]] == []

    def test_home_shows_the_next_meeting(self, client):
        runtime = Meeting.objects.get(committee__slug="runtime", date=max(corpus_dates())).committee
        upcoming = timezone.localdate() + timedelta(days=9)
        create_meeting(runtime, day=upcoming)
        card = next(c for c in page_of(client, "/").find_all("li", class_="card") if c.find("h2").text == "Runtime")
        assert card.find("time", datetime=upcoming.isoformat()) is not None
        assert "Next meeting" in card.text

    def test_archive_opens_on_the_latest_year_newest_first(self, client):
        page = page_of(client, "/runtime/")
        assert page.by_id("archive-heading").text == "Published minutes of 2019"
        listed = [li.find("time").attrs["datetime"] for li in archive_entries(page)]
        assert listed == [day.isoformat() for day in reversed(corpus_dates()) if day.year == 2019]

    def test_archive_links_every_other_year(self, client):
        years = page_of(client, "/runtime/").find("nav", class_="years")
        assert years.find("strong", **{"aria-current": "page"}).text == "2019"
        assert [a.attrs["href"] for a in years.find_all("a")] == [f"?year={y}" for y in (2018, 2017, 2016, 2015)] + [
            "?year=all"
        ]
        listed = [li.find("a").attrs["href"] for li in archive_entries(page_of(client, "/runtime/?year=2016"))]
        assert listed == [f"/runtime/{day.isoformat()}/" for day in reversed(corpus_dates()) if day.year == 2016]

    def test_each_archive_entry_has_its_date_teams_reported_and_announcements(self, client):
        entries = {li.find("time").attrs["datetime"]: li for li in archive_entries(page_of(client, "/runtime/"))}
        for day, entry in entries.items():
            meeting = Meeting.objects.get(committee__slug="runtime", date=day)
            written = sum(1 for report in meeting.reports.all() if not report.is_empty)
            reported = entry.find(class_="reported").text
            assert reported == f"· {written} team{'s' if written != 1 else ''} reported", day
        excerpt = entries["2019-09-17"].find("p", class_="excerpt").text
        assert excerpt.startswith("As per discussion last time the Bits-Service project team")

    def test_meetings_titled_without_a_date_are_listed_by_their_date(self, client):
        entries = archive_entries(page_of(client, "/extensions/?year=2018"))
        assert entries
        for li in entries:
            assert li.find("span", class_="title").text == "CF Extensions PMC Notes"
            day = li.find("time").attrs["datetime"]
            assert li.find("a").attrs["href"] == f"/extensions/{day}/"

    def test_meeting_page_links_the_previous_and_next_meetings(self, client):
        pager = page_of(client, "/runtime/2018-06-12/").find("nav", class_="pager")
        assert pager.find("a", rel="prev").attrs["href"] == "/runtime/2018-05-29/"
        assert pager.find("a", rel="next").attrs["href"] == "/runtime/2018-06-26/"

    def test_the_first_and_last_meetings_have_one_neighbour(self, client):
        first, last = corpus_dates()[0], corpus_dates()[-1]
        pager = page_of(client, f"/runtime/{first.isoformat()}/").find("nav", class_="pager")
        assert pager.find("a", rel="prev") is None
        assert pager.find("a", rel="next").attrs["href"] == f"/runtime/{corpus_dates()[1].isoformat()}/"
        pager = page_of(client, f"/runtime/{last.isoformat()}/").find("nav", class_="pager")
        assert pager.find("a", rel="next") is None

    def test_a_draft_in_between_is_skipped(self, client):
        committee = Meeting.objects.get(committee__slug="runtime", date="2018-06-12").committee
        create_meeting(committee, day=date(2018, 6, 19))
        pager = page_of(client, "/runtime/2018-06-12/").find("nav", class_="pager")
        assert pager.find("a", rel="next").attrs["href"] == "/runtime/2018-06-26/"

    def test_each_team_report_has_its_anchor_and_a_link_to_the_team_timeline(self, client):
        page = page_of(client, "/runtime/2018-06-12/")
        sections = page.find_all("section", class_="report")
        assert len(sections) > 10
        for section in sections:
            slug = section.attrs["id"]
            link = section.find("p", class_="timeline-link").find("a")
            assert link.attrs["href"] == f"/runtime/teams/{slug}/"
        leads, _body = corpus_report(date(2018, 6, 12), "Diego")
        # The timeline is paged: follow its "Older reports" links to the page holding that meeting.
        timeline = page_of(client, "/runtime/teams/diego/")
        while (link := timeline.find("a", href="/runtime/2018-06-12/#diego")) is None:
            timeline = page_of(client, "/runtime/teams/diego/" + timeline.find("a", rel="next").attrs["href"])
        assert link.parent.parent.find(class_="leads").text == leads

    def test_meeting_page_title_description_and_open_graph(self, client):
        page = page_of(client, "/runtime/2018-06-12/")
        head = page.find("head")
        assert head.find("title").text == "Runtime PMC Meeting 2018-06-12"
        description = head.find("meta", name="description").attrs["content"]
        reported = page.find("header", class_="minutes-header").find("p", class_="meta").text
        count = re.search(r"(\d+ of \d+ teams reported)", reported)[1]
        assert description == f"Minutes of the Runtime PMC meeting of 12 June 2018: {count}."
        og = {
            meta.attrs["property"]: meta.attrs["content"] for meta in head.find_all("meta") if "property" in meta.attrs
        }
        assert og["og:title"] == "Runtime PMC Meeting 2018-06-12"
        assert og["og:type"] == "article"
        assert og["og:url"] == BASE + "/runtime/2018-06-12/"
        assert og["og:description"] == description
        assert og["og:site_name"]

    def test_a_title_without_a_date_gets_it_in_the_title_tags(self, client):
        meeting = Meeting.objects.filter(committee__slug="extensions").order_by("date").first()
        head = page_of(client, meeting.get_absolute_url()).find("head")
        expected = f"CF Extensions PMC Notes · {meeting.date:%-d %B %Y}"
        assert head.find("title").text == expected
        assert head.find("meta", property="og:title").attrs["content"] == expected

    def test_meeting_page_links_its_pdf_and_markdown(self, client):
        downloads = page_of(client, "/runtime/2018-06-12/").find("p", class_="downloads")
        hrefs = [a.attrs["href"] for a in downloads.find_all("a")]
        assert hrefs[:2] == ["/runtime/2018-06-12.pdf", "/runtime/2018-06-12.md"]
        assert client.get("/runtime/2018-06-12.md").status_code == 200

    def test_zip_holds_every_published_meeting_in_the_archive_layout(self, client):
        archive = zip_of(client, "/runtime/archive.zip")
        expected = sorted(str(path.relative_to(CORPUS)) for path in RUNTIME.glob("*/*-runtime.md"))
        assert sorted(archive.namelist()) == expected
        assert len(expected) == len(corpus_dates())

    def test_each_file_of_the_zip_is_the_markdown_download(self, client):
        archive = zip_of(client, "/runtime/archive.zip")
        for name in archive.namelist():
            day = name.rsplit("/", 1)[1][:10]
            assert archive.read(name) == client.get(f"/runtime/{day}.md").content, name

    def test_zip_of_another_committee(self, client):
        names = zip_of(client, "/extensions/archive.zip").namelist()
        assert names
        # Each file under the name it had in the archive (Extensions' are MM-DD-YYYY.md).
        assert all(re.fullmatch(r"Extensions/(201[78])/\d\d-\d\d-\1\.md", name) for name in names), names

    def test_sitemap_lists_every_published_meeting(self, client):
        urls = sitemap_urls(client)
        published = Meeting.objects.filter(status=MeetingStatus.PUBLISHED)
        assert len(published) == len(corpus_dates()) + len(list((CORPUS / "Extensions").glob("*/*-*-*.md")))
        for meeting in published:
            assert BASE + meeting.get_absolute_url() in urls
        assert BASE + "/runtime/" in urls
        assert BASE + "/runtime/teams/diego/" in urls


@pytest.fixture
def published(people, draft):
    """A published Runtime meeting before the draft."""
    meeting = create_meeting(people["runtime"], day=date(2029, 12, 25))
    save_report(meeting.reports.get(team=people["team_x"]), body="- Published work")
    publish_meeting(meeting)
    return meeting


def test_zip_never_holds_a_draft(people, draft, published, client):
    save_report(draft.reports.get(team=people["team_x"]), body="- Draft work")
    archive = zip_of(client, "/runtime/archive.zip")
    assert archive.namelist() == ["Runtime/2029/2029-12-25-runtime.md"]
    assert b"Draft work" not in archive.read("Runtime/2029/2029-12-25-runtime.md")


def test_zip_of_a_committee_without_minutes_is_empty(people, client):
    assert zip_of(client, "/extensions/archive.zip").namelist() == []
    assert client.get("/nobody/archive.zip").status_code == 404


def test_sitemap_is_valid_xml_without_drafts(people, draft, published, client):
    urls = sitemap_urls(client)
    assert BASE + published.get_absolute_url() in urls
    assert not any(url.startswith(BASE + draft.get_absolute_url()) for url in urls)


def test_a_blank_section_is_not_counted_as_a_report_in_the_archive(people, published, client):
    save_report(published.reports.get(team=people["team_y"]), body="   \n  ")
    [entry] = archive_entries(page_of(client, "/runtime/"))
    assert entry.find(class_="reported").text == "· 1 team reported"


def test_home_without_published_minutes_says_so_and_has_the_search_box(people, draft, client):
    page = page_of(client, "/")
    runtime = next(c for c in page.find_all("li", class_="card") if c.find("h2").text == "Runtime")
    assert "No published minutes yet." in runtime.text
    assert page.find("form", role="search").find("input", name="q") is not None
