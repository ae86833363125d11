"""The pages people read: the committees, a committee's archive, and a meeting's minutes."""

import re
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import dateformat, timezone
from django.utils.text import slugify

from meetings.demo import SEED
from meetings.format.reading import ParsedEntry
from meetings.models import Horizon, Meeting, MeetingStatus
from meetings.services.importing import import_paths
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.html_tree import Element, parse_html
from tests.support.pages import pdf_text

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_URL = "/runtime/2018-06-12/"
# Every `### Team - Leads` heading of the seed, split where the seed puts its " - ".
SEED_TEAMS = re.findall(r"^### (.+?) - (.+?)\s*$", SEED_TEXT, re.MULTILINE)
HORIZON_ORDER = ["Recently Completed", "Soon", "Next", "Future"]


def page_of(client: Client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return parse_html(response.content.decode())


def seed_bodies() -> dict[str, str]:
    """Each seed team's report text: the lines under its heading, to the next `###` or `##`."""
    bodies = {}
    for match in re.finditer(r"^### (.+?) - .*\n((?:(?!###? ).*\n)*)", SEED_TEXT, re.MULTILINE):
        bodies[match[1]] = match[2].strip()
    return bodies


@pytest.fixture
def seed_page(client, seed_meeting) -> Element:
    return page_of(client, SEED_URL)


def test_the_seed_has_nineteen_teams():
    assert len(SEED_TEAMS) == 19
    assert ("Routing", "Shannon Coen/ Shubha Tupil") in SEED_TEAMS


class TestMeetingPage:
    @pytest.mark.parametrize(("name", "leads"), SEED_TEAMS, ids=[name for name, _ in SEED_TEAMS])
    def test_team_section_names_the_team_and_its_leads_as_written(self, seed_page, name, leads):
        section = seed_page.by_id(slugify(name))
        assert section.tag == "section"
        heading = section.find("h3")
        assert heading.find(class_="team").text == name
        assert heading.find(class_="leads").text.endswith(leads)

    def test_teams_come_in_the_seeds_order(self, seed_page):
        names = [section.find(class_="team").text for section in seed_page.find_all("section", class_="report")]
        assert names == [name for name, _ in SEED_TEAMS]

    def test_title_keeps_its_date_on_one_line_and_stays_text(self, seed_meeting, client):
        seed_meeting.title = "Runtime <b>PMC</b> Meeting 2018-06-12"
        seed_meeting.save()
        h1 = page_of(client, SEED_URL).find("h1")
        assert h1.text == "Runtime <b>PMC</b> Meeting 2018-06-12"
        assert h1.find("b") is None
        assert h1.find("span", class_="nowrap").text == "2018-06-12"

    def test_every_id_on_the_page_is_unique(self, seed_page):
        ids = [element.attrs["id"] for element in seed_page.iter() if "id" in element.attrs]
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})

    def test_the_contents_are_open_without_javascript_and_fold_under_their_heading(self, seed_page):
        nav = seed_page.find("nav", class_="toc")
        fold = nav.find("details", class_="toc-fold")
        assert "open" in fold.attrs  # static/js/toc-fold.js folds them on a phone
        assert fold.find("summary").find("h2", id="toc-title").text == "Contents"
        assert fold.find("a", href="#routing") is not None

    def test_anchor_per_team(self, seed_page):
        diego = seed_page.by_id("diego")
        assert diego.find(class_="team").text == "Diego"
        assert "Cell rep rejects Task instead of failing it" in diego.text

    def test_table_of_contents_links_every_team_and_section(self, seed_page):
        toc = seed_page.find("nav", class_="toc")
        targets = [a.attrs["href"] for a in toc.find_all("a")]
        for name, _ in SEED_TEAMS:
            assert f"#{slugify(name)}" in targets, f"{name} is not in the contents"
        for href in targets:
            assert href.startswith("#")
            seed_page.by_id(href[1:])  # the target exists, once
        team_links = toc.find("ol", class_="toc-teams").find_all("a")
        assert [a.text for a in team_links] == [name for name, _ in SEED_TEAMS]

    def test_empty_reports_say_no_report(self, seed_page):
        bodies = seed_bodies()
        assert len(bodies) == 19
        empty = {name for name, body in bodies.items() if not body}
        assert {"Garden", "Eirini", "HAProxy", "Bits-Service"} <= empty
        assert "Release Integration" not in empty  # its sub-headings are its report
        for name, _ in SEED_TEAMS:
            section = seed_page.by_id(slugify(name))
            says_no_report = [p.text for p in section.find_all("p", class_="empty")] == ["No report."]
            assert says_no_report == (name in empty), name
        toc = seed_page.find("ol", class_="toc-teams")
        marked = {li.find("a").text for li in toc.find_all("li") if "(no report)" in li.text}
        assert marked == empty

    def test_header_counts_the_teams_that_reported(self, seed_page):
        empty = [name for name, body in seed_bodies().items() if not body]
        meta = seed_page.find("header", class_="minutes-header").find("p", class_="meta").text
        assert f"{19 - len(empty)} of 19 teams reported" in meta

    def test_agenda_lists_its_items_in_order(self, seed_page):
        agenda_text = SEED_TEXT.split("## Agenda", 1)[1].split("\n## ", 1)[0]
        expected = re.findall(r"^\* (.+?)\s*$", agenda_text, re.MULTILINE)
        agenda = seed_page.by_id("section-agenda").find("ol", class_="agenda")
        assert [li.text for li in agenda.find_all("li")] == expected
        for link in agenda.find_all("a"):
            seed_page.by_id(link.attrs["href"][1:])

    def test_sections_follow_the_seed(self, seed_page):
        sections = seed_page.find(class_="minutes-body").find_all("section", class_="minutes-section")
        assert [section.find("h2").text for section in sections] == re.findall(
            r"^## (.+?)\s*$", SEED_TEXT, re.MULTILINE
        )

    def test_roadmap_is_grouped_by_horizon_in_order(self, seed_page):
        rows = seed_page.by_id("roadmap").find("tbody").find_all("tr")
        assert [row.find("th").text for row in rows] == HORIZON_ORDER

    def test_disclaimer_stands_under_the_roadmap(self, seed_page):
        table = seed_page.by_id("roadmap")
        after = table.next_element()
        assert after is not None and "disclaimer" in after.classes
        assert after.text == "Above are plans, not commitments, and may change without notice."
        assert after.find("em") is not None

    def test_roadmap_written_out_of_order_is_shown_in_horizon_order(self, seed_meeting, client):
        # A chair's outline may name a horizon twice or out of order; the table groups them.
        seed_meeting.set_roadmap(
            [
                ParsedEntry(Horizon.NEXT, "Later thing"),
                ParsedEntry(Horizon.SOON, "Soon thing"),
                ParsedEntry(Horizon.NEXT, "Another later thing"),
                ParsedEntry(Horizon.RECENTLY_COMPLETED, "Done thing"),
            ]
        )
        rows = page_of(client, SEED_URL).by_id("roadmap").find("tbody").find_all("tr")
        cells = {row.find("th").text: [li.text for li in row.find_all("li")] for row in rows}
        assert list(cells) == ["Recently Completed", "Soon", "Next"]
        assert cells["Next"] == ["Later thing", "Another later thing"]

    def test_horizon_with_nothing_listed_says_so(self, seed_meeting, client):
        seed_meeting.set_roadmap([ParsedEntry(Horizon.SOON, "Soon thing"), ParsedEntry(Horizon.FUTURE, "")])
        rows = page_of(client, SEED_URL).by_id("roadmap").find("tbody").find_all("tr")
        assert [row.find("td").text for row in rows] == ["Soon thing", "Nothing listed."]

    def test_preamble_is_shown(self, seed_meeting, client):
        seed_meeting.preamble = "Attendees: **Dieu Cao**, Eric Malm"
        seed_meeting.save()
        page = page_of(client, SEED_URL)
        preamble = page.find(class_="preamble")
        assert preamble is not None and preamble.find("strong").text == "Dieu Cao"

    def test_page_costs_one_query_per_kind_of_object(self, seed_meeting, client, django_assert_max_num_queries):
        # Meeting, items, reports with their teams, roadmap, attendees, amendments, previous and
        # next meeting: not one more per team (19 here).
        with django_assert_max_num_queries(8):
            assert client.get(SEED_URL).status_code == 200

    def test_draft_is_not_found_for_the_public(self, draft, client):
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_draft_is_shown_to_a_lead_marked_as_draft(self, people, draft):
        client = Client()
        client.force_login(people["lead_x"])
        page = page_of(client, draft.get_absolute_url())
        assert "Draft" in page.find("header", class_="minutes-header").text
        assert page.by_id("diego").find(class_="edit-link") is not None
        assert page.by_id("cli").find(class_="edit-link") is None


@pytest.mark.parametrize(
    "url",
    [
        "/runtime/2018-02-30/",
        "/runtime/2018-13-01/",
        "/runtime/2018-02-30.pdf",
        "/runtime/2018-02-30.md",
        "/runtime/2018-06-13/",
        "/nobody/2018-06-12/",
    ],
)
def test_impossible_or_unknown_dates_are_not_found(seed_meeting, client, url):
    assert client.get(url).status_code == 404


class TestHomeAndArchive:
    def test_home_lists_the_committee_with_its_latest_minutes(self, people, draft, seed_meeting, client):
        Meeting.objects.create(
            committee=seed_meeting.committee, date=date(2018, 5, 29), title="Earlier", status=MeetingStatus.PUBLISHED
        )
        page = page_of(client, "/")
        card = next(c for c in page.find_all("li", class_="card") if c.find("h2").text == "Runtime")
        assert card.find("h2").find("a").attrs["href"] == "/runtime/"
        latest = card.find("a", href=SEED_URL)
        assert latest is not None and latest.text == "12 June 2018"
        assert draft.get_absolute_url() not in {a.attrs["href"] for a in page.find_all("a")}

    def test_archive_shows_one_year_at_a_time_newest_first_with_links_to_the_others(self, seed_meeting, client):
        committee = seed_meeting.committee
        for day in (date(2017, 12, 5), date(2017, 1, 10), date(2018, 1, 9)):
            Meeting.objects.create(
                committee=committee, date=day, title=f"Runtime {day}", status=MeetingStatus.PUBLISHED
            )

        def listed(page):
            return [a.attrs["href"] for a in page.find("ul", class_="archive").find_all("a")]

        latest = page_of(client, "/runtime/")
        assert listed(latest) == [SEED_URL, "/runtime/2018-01-09/"]
        years = latest.find("nav", class_="years")
        assert [a.attrs["href"] for a in years.find_all("a")] == ["?year=2017", "?year=all"]
        assert listed(page_of(client, "/runtime/?year=2017")) == ["/runtime/2017-12-05/", "/runtime/2017-01-10/"]

    def test_archive_shows_every_year_at_once_when_asked(self, seed_meeting, client):
        committee = seed_meeting.committee
        for day in (date(2017, 12, 5), date(2016, 1, 12)):
            Meeting.objects.create(
                committee=committee, date=day, title=f"Runtime {day}", status=MeetingStatus.PUBLISHED
            )

        page = page_of(client, "/runtime/?year=all")

        years = page.find("nav", class_="years")
        assert years.find("strong", **{"aria-current": "page"}).text == "All years"
        assert [a.attrs["href"] for a in years.find_all("a")] == ["#year-2018", "#year-2017", "#year-2016"]
        for year, url in [(2018, SEED_URL), (2017, "/runtime/2017-12-05/"), (2016, "/runtime/2016-01-12/")]:
            heading = page.by_id(f"year-{year}")
            assert heading.text == str(year)
            assert heading.next_element().find("a").attrs["href"] == url

    def test_archive_shows_each_date_once_and_excerpts_as_plain_text(self, seed_meeting, client):
        item = seed_meeting.items.get(title="Announcements")
        item.body = "#### Summit\n\n- **CF Summit** is [next week](https://example.org/summit) &amp; `soon`\n"
        item.save()

        entry = page_of(client, "/runtime/").find("ul", class_="archive").find("li")

        assert entry.find("p", class_="excerpt").text == "Summit CF Summit is next week & soon"
        assert entry.text.count("2018-06-12") + entry.text.count("12 June 2018") == 1
        assert entry.find("span", class_="title").text == "Runtime PMC Meeting"

    def test_archive_lists_how_many_teams_reported_and_the_announcements(self, seed_meeting, client):
        item = seed_meeting.items.get(title="Announcements")
        item.body = "The CF Summit is next week."
        item.save()
        entry = page_of(client, "/runtime/").find("ul", class_="archive").find("li")
        written = sum(1 for report in seed_meeting.reports.all() if not report.is_empty)
        assert f"{written} teams reported" in entry.text
        assert "The CF Summit is next week." in entry.text

    def test_archive_of_a_year_without_minutes_is_not_found(self, seed_meeting, client):
        assert client.get("/runtime/?year=1999").status_code == 404
        assert client.get("/runtime/?year=abc").status_code == 404
        # Digits int() refuses: a superscript, and more digits than it converts.
        assert client.get("/runtime/?year=²⁰¹⁸").status_code == 404
        assert client.get("/runtime/?year=" + "1" * 5000).status_code == 404

    def test_archive_hides_drafts_from_the_public_and_shows_them_to_chairs(self, people, draft, seed_meeting, client):
        june_draft = create_meeting(seed_meeting.committee, day=date(2018, 6, 26))
        page = page_of(client, "/runtime/")
        hrefs = {a.attrs["href"] for a in page.find_all("a")}
        assert SEED_URL in hrefs
        assert not any(
            url in href for url in (draft.get_absolute_url(), june_draft.get_absolute_url()) for href in hrefs
        )
        assert june_draft.title not in page.text
        assert page.find(id_="drafts-heading") is None

        chair = Client()
        chair.force_login(people["chair"])
        drafts = page_of(chair, "/runtime/").by_id("drafts-heading").parent
        assert {a.text for a in drafts.find_all("a")} >= {draft.title, june_draft.title}


def test_every_corpus_meeting_reads_well(db, corpus, client):
    """Every meeting of the archive: a page with unique anchors, every team listed, no empty roadmap cell."""
    results = import_paths([corpus])
    meetings = [result.meeting for result in results if result.meeting is not None]
    assert len(meetings) > 100
    problems = []
    for meeting in meetings:
        page = page_of(client, meeting.get_absolute_url())
        ids = [element.attrs["id"] for element in page.iter() if "id" in element.attrs]
        if len(ids) != len(set(ids)):
            problems.append((str(meeting), "duplicate ids", sorted({i for i in ids if ids.count(i) > 1})))
        in_page_links = [a.attrs["href"] for a in page.iter() if a.tag == "a" and a.attrs.get("href", "")[:1] == "#"]
        dangling = [href for href in in_page_links if not page.find(id_=href[1:])]
        if dangling:
            problems.append((str(meeting), "links to nothing", dangling))
        reports = page.find_all("section", class_="report")
        if [section.attrs["id"] for section in reports] != [r.team.slug for r in meeting.reports.all()]:
            problems.append((str(meeting), "reports missing from the page"))
        table = page.find(id_="roadmap")
        for row in table.find("tbody").find_all("tr") if table else []:
            if not row.find("td").text:
                problems.append((str(meeting), "empty roadmap cell", row.find("th").text))
    assert problems == []


def test_each_team_heading_has_a_copy_link_named_for_its_team(seed_meeting, client):
    page = page_of(client, SEED_URL)

    for section in page.find_all("section", class_="report"):
        slug = section.attrs["id"]
        link = section.find("a", class_="heading-link")
        assert link.attrs["href"] == f"#{slug}"
        team = section.find(class_="team").text
        # Its accessible name; the icon is drawn by the stylesheet.
        assert link.find("span", class_="visually-hidden").text == link.text == f"Copy the link to the {team} section"
        assert "Copy the link" not in section.find("h3").text  # the section keeps the team's name
    assert page.find("script", src="/static/js/copy-link.js") is not None


# --- when the minutes were published ----------------------------------------------------------------


def _day(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y")


def test_imported_minutes_say_when_they_were_imported_not_that_they_were_published_that_day(seed_meeting, client):
    imported = _day(seed_meeting.imported_at)

    meta = parse_html(client.get(SEED_URL).content.decode()).find("p", class_="meta").text
    pdf = " ".join(pdf_text(client.get(SEED_URL.rstrip("/") + ".pdf")).split())
    amendments = parse_html(client.get(SEED_URL + "history/").content.decode()).find("main").text

    assert f"published before its import on {imported}" in " ".join(meta.split())
    assert f"Published before its import on {imported}" in pdf
    assert f"Changes made to these minutes after they were imported on {imported}." in " ".join(amendments.split())
    assert f"published {imported}" not in " ".join(meta.split()) and f"Published {imported}" not in pdf


def test_minutes_from_git_say_when_git_first_published_them_and_when_they_were_imported(seed_meeting, client):
    first = datetime(2018, 6, 12, 23, 59, tzinfo=UTC)
    Meeting.objects.filter(pk=seed_meeting.pk).update(published_at=first)  # as the git history import sets it
    imported = _day(seed_meeting.imported_at)

    meta = " ".join(parse_html(client.get(SEED_URL).content.decode()).find("p", class_="meta").text.split())
    pdf = " ".join(pdf_text(client.get(SEED_URL.rstrip("/") + ".pdf")).split())
    amendments = " ".join(parse_html(client.get(SEED_URL + "history/").content.decode()).find("main").text.split())

    assert f"published 12 June 2018, imported {imported}" in meta
    assert f"Published 12 June 2018, imported {imported}" in pdf
    assert "after they were published on 12 June 2018." in amendments


def test_minutes_published_here_say_when(client, people):
    meeting = create_meeting(people["runtime"], day=date(2030, 1, 8))
    publish_meeting(meeting)

    meta = " ".join(
        parse_html(client.get("/runtime/2030-01-08/").content.decode()).find("p", class_="meta").text.split()
    )

    assert f"published {_day(meeting.published_at)}" in meta and "import" not in meta
