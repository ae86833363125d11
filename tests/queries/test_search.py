"""Search over the published minutes: words, "phrases" and -exclusions, ranked, with a highlighted snippet
and a link to the exact section.

Written for both engines (PostgreSQL full-text search, SQLite FTS5): nothing
here depends on which one runs, and the reviewer runs this module on both.
"""

import re
from datetime import date
from urllib.parse import urlencode

import pytest
from django.db import connection

from meetings.models import BacklogReport, Meeting, SearchDocument
from meetings.queries import search
from meetings.queries.search import MAX_QUERY_CHARS
from meetings.services.editing import save_item, save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from meetings.services.search_index import rebuild_index
from tests.support.html_tree import Element
from tests.support.public_archive import corpus_fixture, page_of

imported_corpus = corpus_fixture()


class Hit:
    """One result as the page shows it."""

    def __init__(self, article: Element):
        link = article.find("h4").find("a")
        self.href = link.attrs["href"]
        self.section = link.text
        # Results are grouped by meeting: the meeting's heading stands over its sections.
        group = next(element for element in article.ancestors() if "search-meeting" in element.classes)
        self.meeting = group.find("h3").text
        self.snippet = article.find("p", class_="snippet")

    def __repr__(self) -> str:
        return f"<Hit {self.href}>"

    @property
    def marks(self) -> list[str]:
        return [mark.text for mark in self.snippet.find_all("mark")]

    def document(self) -> SearchDocument:
        """The indexed section the result links to."""
        path, anchor = self.href.split("#")
        committee, day = path.strip("/").split("/")
        return SearchDocument.objects.get(meeting__committee__slug=committee, meeting__date=day, anchor=anchor)


def search_page(client, **params) -> Element:
    return page_of(client, "/search/?" + urlencode(params))


def hits_for(client, q: str, **params) -> list[Hit]:
    page = search_page(client, q=q, **params)
    assert message_on(page) is None, message_on(page)
    return [Hit(article) for article in page.find_all("article", class_="search-hit")]


def message_on(page: Element) -> str | None:
    errors = page.find(class_="form-errors")
    return errors.text if errors is not None else None


def words_in(document: SearchDocument) -> str:
    """The section's heading and text, lower case, web addresses left out (no engine reads words in them)."""
    text = re.sub(r"https?://\S+", " ", f"{document.section} {document.text}")
    return text.lower()


@pytest.mark.usefixtures("imported_corpus", "db")
class TestOnTheCorpus:
    def test_xenial_finds_the_diego_report_of_2018_06_12_with_a_snippet_and_its_anchor(self, client):
        hits = hits_for(client, "Xenial")
        diego = [hit for hit in hits if hit.href == "/runtime/2018-06-12/#diego"]
        assert len(diego) == 1, [hit.href for hit in hits]
        assert diego[0].section.startswith("Diego")
        assert "Eric Malm" in diego[0].section
        assert diego[0].marks
        assert {mark.lower() for mark in diego[0].marks} == {"xenial"}
        assert "xenial" in diego[0].snippet.text.lower()

    def test_every_result_links_to_a_section_that_is_on_the_meeting_page(self, client):
        hits = hits_for(client, "Xenial")
        assert len(hits) >= 10
        for hit in hits:
            path, anchor = hit.href.split("#")
            section = page_of(client, path).by_id(anchor)
            assert "xenial" in section.text.lower(), hit.href
            assert hit.marks, f"no highlighted word in the snippet of {hit.href}"

    def test_a_repeated_section_title_links_to_its_own_numbered_anchor(self, client):
        [hit] = hits_for(client, "FIPS")  # in the second “PMC Lifecycle Activities” of 2015-06-16
        assert hit.href == "/runtime/2015-06-16/#section-pmc-lifecycle-activities-2"
        path, anchor = hit.href.split("#")
        assert "FIPS-140" in page_of(client, path).by_id(anchor).text

    def test_roadmap_lines_are_found_in_the_roadmap(self, client):
        hits = hits_for(client, '"layered filesystems"', committee="runtime", date_from="2018-06-26")
        assert [hit.href for hit in hits] == ["/runtime/2018-06-26/#roadmap"]

    def test_lead_names_find_their_teams_reports(self, client):
        hits = hits_for(client, '"Josh Collins"', date_from="2019-06-25")
        diego = {hit.href for hit in hits if hit.section == "Diego – Josh Collins"}
        written = BacklogReport.objects.filter(team__slug="diego", meeting__date__gte="2019-06-25").exclude(body="")
        assert len(written) > 5
        assert diego == {report.get_absolute_url() for report in written}
        assert all(hit.href.endswith("#diego") for hit in hits if hit.section.startswith("Diego"))

    def test_a_phrase_matches_only_its_words_in_a_row(self, client):
        words = hits_for(client, "service instance sharing")
        phrase = hits_for(client, '"service instance sharing"')
        assert 0 < len(phrase) < len(words)
        in_a_row = re.compile(r"servic\w*[\W_]+instanc\w*[\W_]+shar\w*")  # `include_service_instance_sharing` too
        for hit in phrase:
            assert in_a_row.search(words_in(hit.document())), hit.href
        assert any(not in_a_row.search(words_in(hit.document())) for hit in words)

    def test_a_minus_leaves_out_the_sections_with_that_word(self, client):
        every = hits_for(client, "Xenial")
        without = hits_for(client, "Xenial -Garden")
        assert 0 < len(without) < len(every)
        assert {hit.href for hit in without} < {hit.href for hit in every}
        for hit in without:
            assert "garden" not in words_in(hit.document()), hit.href

    def test_an_excluded_phrase(self, client):
        without = hits_for(client, 'Xenial -"stemcell bump"')
        assert "/runtime/2018-06-12/#routing" in {hit.href for hit in hits_for(client, "Xenial")}
        assert "/runtime/2018-06-12/#routing" not in {hit.href for hit in without}
        assert "/runtime/2018-06-12/#diego" in {hit.href for hit in without}

    def test_the_committee_and_dates_narrow_the_results(self, client):
        spring = hits_for(client, "Diego", committee="runtime", date_from="2018-03-01", date_to="2018-05-31")
        assert spring
        for hit in spring:
            day = date.fromisoformat(hit.href.split("/")[2])
            assert date(2018, 3, 1) <= day <= date(2018, 5, 31)
            assert hit.href.startswith("/runtime/")
        assert all(
            hit.href.startswith("/extensions/") for hit in hits_for(client, "Kubernetes", committee="extensions")
        )
        assert hits_for(client, "Xenial", committee="extensions") == []

    def test_rebuilding_the_index_finds_the_same(self, client):
        before = [hit.href for hit in hits_for(client, "Xenial")]
        assert rebuild_index() == Meeting.objects.count()
        assert [hit.href for hit in hits_for(client, "Xenial")] == before


@pytest.mark.django_db
class TestQueries:
    @pytest.mark.parametrize(
        ("q", "words"),
        [
            ("", "Type a word"),
            ("   ", "Type a word"),
            ("?!… -- ** ()", "only punctuation"),
            ('""', "only punctuation"),
            ("-diego -cli", "only leaves results out"),
            ("x" * 10_000, f"keep it under {MAX_QUERY_CHARS}"),
            ("diego " * 1_500, "keep it under"),
            ("x" * 10_001, "at most 10000 characters"),
            (" ".join(f"w{n}" for n in range(20)), "at most 12 words"),
        ],
        ids=["empty", "spaces", "punctuation", "empty-quotes", "exclusions-only", "10000", "long", "10001", "words"],
    )
    def test_a_query_that_cannot_be_searched_gets_a_clear_message(self, seed_meeting, client, q, words):
        page = search_page(client, q=q)
        assert words in message_on(page)
        assert page.find("article", class_="search-hit") is None
        assert page.find(id_="results-title") is None

    @pytest.mark.parametrize(
        "q",
        [
            '"unclosed phrase',
            "diego AND OR NOT",
            "NEAR(diego cli)",
            "diego*",
            "text:diego",
            "^diego",
            "'; DROP TABLE meetings_meeting; --",
            "<script>alert(1)</script>",
            "ümlaut ß 数据",
            "-",
            "diego -",
            "\x00diego",
        ],
    )
    def test_whatever_is_typed_the_answer_is_a_page(self, seed_meeting, client, q):
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200
        assert b"<script>alert(1)</script>" not in response.content

    def test_operators_typed_as_words_are_words(self, seed_meeting, client):
        # FTS5 and tsquery operators inside a query never change what it means.
        assert [hit.href for hit in hits_for(client, "Xenial OR Zzyzx")] == []
        assert "/runtime/2018-06-12/#diego" in [hit.href for hit in hits_for(client, "diego*")]

    def test_no_query_yet_shows_the_form_alone(self, seed_meeting, client):
        page = page_of(client, "/search/")
        assert page.find("input", name="q") is not None
        assert message_on(page) is None
        assert page.find(id_="results-title") is None

    def test_nothing_found_says_so(self, seed_meeting, client):
        page = search_page(client, q="Zzyzx")
        assert page.by_id("results-title").text == "0 results"
        assert "Nothing in the published minutes matches" in page.text

    def test_dates_in_the_wrong_order_get_a_message(self, seed_meeting, client):
        page = search_page(client, q="Diego", date_from="2019-01-01", date_to="2018-01-01")
        assert "before its start" in message_on(page)

    def test_an_unknown_committee_gets_a_message(self, seed_meeting, client):
        assert message_on(search_page(client, q="Diego", committee="nope")) is not None


@pytest.mark.django_db
class TestWhatIsIndexed:
    def test_a_draft_is_never_found_until_it_is_published(self, people, draft, client):
        save_report(draft.reports.get(team=people["team_x"]), body="- Zebrafish scheduler spike")
        assert hits_for(client, "Zebrafish") == []
        publish_meeting(draft)
        assert [hit.href for hit in hits_for(client, "Zebrafish")] == [f"{draft.get_absolute_url()}#diego"]
        draft.unpublish()
        assert hits_for(client, "Zebrafish") == []

    def test_an_edit_of_published_minutes_is_found_right_after_saving(self, seed_meeting, client):
        report = seed_meeting.reports.get(team__slug="garden")
        assert hits_for(client, "Quokka") == []
        assert save_report(
            report, body="- Rootless Quokka containers are on by default", expected_version=report.version
        )
        [hit] = hits_for(client, "Quokka")
        assert hit.href == "/runtime/2018-06-12/#garden"
        assert hit.marks == ["Quokka"]
        # The text it replaced is gone from the index too.
        assert save_report(report, body="- Nothing to see", expected_version=report.version)
        assert hits_for(client, "Quokka") == []

    def test_an_edited_notes_section_is_found_at_its_anchor(self, seed_meeting, client):
        item = seed_meeting.items.get(title="Discussion")
        assert save_item(
            item,
            body="Wombats were discussed.",
            title=item.title,
            agenda_label=item.agenda_label,
            expected_version=item.version,
        )
        [hit] = hits_for(client, "wombats")
        assert hit.href == "/runtime/2018-06-12/#section-discussion"
        assert (
            page_of(client, "/runtime/2018-06-12/").by_id("section-discussion").text.endswith("Wombats were discussed.")
        )

    def test_team_names_find_the_teams_sections(self, seed_meeting, client):
        hits = hits_for(client, "Eirini")
        assert "/runtime/2018-06-12/#eirini" not in [hit.href for hit in hits]  # an empty section: nothing to read
        routing = hits_for(client, "Shubha")
        assert [hit.href for hit in routing] == ["/runtime/2018-06-12/#routing"]

    def test_more_relevant_sections_come_first(self, people, draft, client):
        reports = {report.team.slug: report for report in draft.reports.all()}
        save_report(
            reports["cli"], body="- Plugins, manifests and a long list of other work, one item about quokka support"
        )
        save_report(reports["diego"], body="- Quokka quokka quokka: the quokka scheduler")
        publish_meeting(draft)
        assert [hit.href.split("#")[1] for hit in hits_for(client, "quokka")] == ["diego", "cli"]

    def test_a_match_in_the_heading_outranks_one_in_the_text(self, people, draft, client):
        reports = {report.team.slug: report for report in draft.reports.all()}
        save_report(reports["cli"], body="- Paired with the Diego team on app push")
        save_report(reports["diego"], body="- Shipped the cell scheduler")
        publish_meeting(draft)
        assert [hit.href.split("#")[1] for hit in hits_for(client, "diego")] == ["diego", "cli"]

    def test_snippets_are_escaped_text_with_only_the_marks_added(self, seed_meeting, client):
        report = seed_meeting.reports.get(team__slug="garden")
        save_report(report, body="- Quokka <script>alert(1)</script> & <b>bold</b>", expected_version=report.version)
        response = client.get("/search/", {"q": "quokka"})
        assert b"<script>alert(1)</script>" not in response.content
        [hit] = hits_for(client, "quokka")
        # Only the marks are markup (PostgreSQL's headline drops the tags, FTS5's snippet keeps them as text).
        assert [element.tag for element in hit.snippet.iter()] == ["mark"]
        assert "bold" in hit.snippet.text

    def test_the_search_box_of_every_page_and_the_committee_search_link(self, seed_meeting, client):
        home_form = page_of(client, "/").find("form", role="search")
        assert home_form.attrs["action"] == "/search/"
        assert home_form.find("input", name="q") is not None
        links = [a.attrs["href"] for a in page_of(client, "/runtime/").find_all("a")]
        assert "/search/?committee=runtime" in links


@pytest.mark.django_db
def test_marker_characters_in_a_report_give_balanced_escaped_snippets(seed_meeting, client):
    # The engines mark matches with U+E000/U+E001; typed into a report, they must not become tags.
    report = seed_meeting.reports.get(team__slug="garden")
    body = "- Quokka \ue000<b>open \ue001\ue001 close\ue000 quokka"
    assert save_report(report, body=body, expected_version=report.version)

    response = client.get("/search/", {"q": "quokka"})

    [snippet] = re.findall(r'<p class="snippet">(.*?)</p>', response.content.decode(), re.S)
    assert "\ue000" not in snippet and "\ue001" not in snippet
    tags = re.findall(r"</?\w+[^>]*>", snippet)
    assert tags == ["<mark>", "</mark>"] * (len(tags) // 2), tags
    # The index holds the text the reader sees: the typed <b> is markup there, so no snippet shows it.
    assert "b&gt;" not in snippet
    [hit] = hits_for(client, "quokka")
    assert {mark.lower() for mark in hit.marks} == {"quokka"}


@pytest.fixture
def two_meetings(people):
    """Two published Runtime meetings: the older one says “quokka” most."""
    made = {}
    for day, diego, cli in [
        (date(2018, 1, 9), "- **Quokka** quokka [quokka](https://example.org/q) quokka", "- A quokka too"),
        (date(2018, 3, 6), "- One quokka", "#### Plans\n\n- No marsupials"),
    ]:
        meeting = create_meeting(people["runtime"], day=day)
        save_report(meeting.reports.get(team=people["team_x"]), body=diego)
        save_report(meeting.reports.get(team=people["team_y"]), body=cli)
        publish_meeting(meeting)
        made[day] = meeting
    return made


def groups_on(page: Element) -> list[tuple[str, list[str]]]:
    """(meeting heading's date, the anchors of its results) of each group of results, in their order."""
    return [
        (
            group.find("h3").find("time").attrs["datetime"],
            [article.find("h4").find("a").attrs["href"].split("#")[1] for article in group.find_all("article")],
        )
        for group in page.find_all("section", class_="search-meeting")
    ]


def test_results_are_grouped_by_meeting_most_relevant_first(client, two_meetings):
    page = search_page(client, q="quokka")

    assert groups_on(page) == [("2018-01-09", ["diego", "cli"]), ("2018-03-06", ["diego"])]
    assert page.by_id("results-title").text == "3 results in 2 meetings"


def test_results_can_be_sorted_newest_first(client, two_meetings):
    page = search_page(client, q="quokka", order="date")

    assert groups_on(page) == [("2018-03-06", ["diego"]), ("2018-01-09", ["diego", "cli"])]
    assert page.find("select", name="order").find("option", selected="").attrs["value"] == "date"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranks a bounded set; SQLite's FTS5 all")
def test_postgresql_ranks_the_newest_matching_sections_only(client, two_meetings, monkeypatch):
    # However large the archive, a search ranks CANDIDATES sections: the newest meetings' that match.
    monkeypatch.setattr(search, "CANDIDATES", 2)

    page = search_page(client, q="quokka")

    # The older meeting's Diego report says it most, but only its Cli report is among the newest two.
    assert groups_on(page) == [("2018-03-06", ["diego"]), ("2018-01-09", ["cli"])]


def test_snippets_are_plain_text_without_markdown(client, two_meetings):
    [hit] = hits_for(client, "marsupials")
    assert "####" not in hit.snippet.text and "Plans" in hit.snippet.text
    [first, *_] = hits_for(client, "quokka")
    assert "**" not in first.snippet.text and "](" not in first.snippet.text
    assert "example.org" not in first.snippet.text


def test_the_filters_are_folded_away_until_opened_or_used(client, two_meetings):
    folded = search_page(client, q="quokka").find("details", class_="search-filters")
    assert "open" not in folded.attrs
    assert folded.find("summary").text == "Filters: committee and dates"
    assert {field.attrs["name"] for field in folded.iter() if field.tag in ("select", "input")} == {
        "committee",
        "date_from",
        "date_to",
    }
    used = search_page(client, q="quokka", committee="runtime").find("details", class_="search-filters")
    assert "open" in used.attrs
    wrong = search_page(client, q="quokka", date_from="2019-01-01", date_to="2018-01-01")
    assert "open" in wrong.find("details", class_="search-filters").attrs
