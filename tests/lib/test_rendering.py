"""Markdown as GitHub renders it, sanitised, and the editor's preview that is the page."""

import re

import pytest
from django.test import Client

from meetings.demo import SEED
from meetings.lib.rendering import plain_text, print_poor_link_urls, render_markdown
from meetings.models import BacklogReport, ItemKind
from tests.support.html_tree import Element, markdown_text, parse_html

SEED_TEXT = SEED.read_text(encoding="utf-8")
ROADMAP_ITEM = re.compile(r"^\|\| - (.+?)\s*$", re.MULTILINE)
HORIZON_ROW = re.compile(r"^\*([^*]+)\* \|(.*)$", re.MULTILINE)
# The three levels of the Routing team's report, one line of each.
ROUTING_LEVELS = (
    "Isito/CF Integration",
    "Push to PWS to get early user feedback and de-risk scaling",
    "Context path routing is now supported",
)
ATTACKS = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n"


def page_of(client: Client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200
    return parse_html(response.content.decode())


@pytest.fixture
def seed_page(client, seed_meeting) -> Element:
    return page_of(client, seed_meeting.get_absolute_url())


def seed_roadmap_items() -> list[str]:
    """Every line of the seed's roadmap table, as a reader sees its words."""
    heads = [markdown_text(rest) for _, rest in HORIZON_ROW.findall(SEED_TEXT) if rest.strip()]
    return heads + [markdown_text(text) for text in ROADMAP_ITEM.findall(SEED_TEXT)]


def set_body(meeting, team_slug: str, body: str) -> BacklogReport:
    report = meeting.reports.get(team__slug=team_slug)
    report.body = body
    report.save()
    return report


def assert_harmless(root: Element) -> None:
    """No script, no event handler, no URL that runs code."""
    elements = list(root.iter())
    assert not [e for e in elements if e.tag in {"script", "iframe", "object", "embed", "style", "svg", "form"}]
    handlers = [(e.tag, name) for e in elements for name in e.attrs if name.lower().startswith("on")]
    assert handlers == []
    for element in elements:
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            value = re.sub(r"[\s\x00-\x1f]", "", element.attrs.get(name, "")).lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), (element, name)


class TestGithubFlavouredSeed:
    def test_every_roadmap_cell_carries_its_text(self, seed_page):
        table = seed_page.by_id("roadmap")
        rows = table.find("tbody").find_all("tr")
        assert len(rows) == 4
        for row in rows:
            (label,) = row.find_all("th")
            (cell,) = row.find_all("td")
            assert label.text, "a horizon row without its horizon"
            assert cell.text, f"the {label.text} row's cell is empty"
        cells = {row.find("th").text: row.find("td") for row in rows}
        assert "Released service instance sharing" in cells["Recently Completed"].text
        assert cells["Soon"].find("strong").text == "cf-deployment GA:"
        roadmap_text = " ".join(cell.text for cell in cells.values())
        missing = [item for item in seed_roadmap_items() if item not in roadmap_text]
        assert missing == []

    def test_each_roadmap_item_is_a_list_item_of_its_horizon(self, seed_page):
        rows = seed_page.by_id("roadmap").find("tbody").find_all("tr")
        items = {row.find("th").text: [li.text for li in row.find("td").find_all("li")] for row in rows}
        assert items["Future"] == [
            "Improve reliability of placing large-footprint app instances with less system capacity (Diego)"
        ]
        assert len(items["Soon"]) == 8
        assert items["Soon"][0] == "Start of 2 month deprecation period for cf-release (proposal)"
        opening_items = [rest for _, rest in HORIZON_ROW.findall(SEED_TEXT) if rest.strip().startswith("- ")]
        assert sum(map(len, items.values())) == len(ROADMAP_ITEM.findall(SEED_TEXT)) + len(opening_items)

    def test_routing_nested_lists_keep_three_levels(self, seed_page):
        routing = seed_page.by_id("routing")
        for depth, words in enumerate(ROUTING_LEVELS, start=1):
            item = next(li for li in routing.find_all("li") if li.text.startswith(words))
            lists_above = [a for a in item.ancestors() if a.tag == "ul" and routing in a.ancestors()]
            assert len(lists_above) == depth, f"“{words}” is at list depth {len(lists_above)}, not {depth}"
        deepest = [ul for ul in routing.find_all("ul") if sum(a.tag == "ul" for a in ul.ancestors()) == 2]
        assert len(deepest) == 1
        assert len(deepest[0].find_all("li")) == 4

    def test_bare_urls_in_reports_become_links(self, seed_page):
        routing = seed_page.by_id("routing")
        urls = re.findall(r"https://www\.pivotaltracker\.com/\S+", SEED_TEXT)
        assert len(urls) == 3
        for url in urls:
            link = routing.find("a", href=url)
            assert link is not None, f"{url} is not a link"
            assert link.text == url

    def test_pipe_table_with_empty_first_cells_renders_as_table(self, seed_meeting, client):
        body = "Delivered When? | What?\n------|------\n*Soon* | **GA:**\n|| - first item\n|| - second item\n"
        set_body(seed_meeting, "cli", body)
        table = page_of(client, seed_meeting.get_absolute_url()).by_id("cli").find("table")
        assert table is not None
        assert [th.text for th in table.find("thead").find_all("th")] == ["Delivered When?", "What?"]
        rows = [[cell.text for cell in tr.elements] for tr in table.find("tbody").find_all("tr")]
        assert rows == [["Soon", "GA:"], ["", "- first item"], ["", "- second item"]]

    def test_the_seed_roadmap_table_as_plain_markdown_keeps_every_row(self):
        # A roadmap the parser could not read stays Markdown: it must still read as the table.
        table_text = SEED_TEXT[SEED_TEXT.index("Delivered When?") : SEED_TEXT.index("*Above are plans")]
        table = parse_html(render_markdown(table_text)).find("table")
        rows = table.find("tbody").find_all("tr")
        assert len(rows) == len(table_text.strip().splitlines()) - 2
        assert all(len(row.find_all("td")) == 2 for row in rows)
        cells = " ".join(row.text for row in rows)
        assert all(item in cells for item in map(markdown_text, ROADMAP_ITEM.findall(SEED_TEXT)))


class TestSanitiser:
    def test_report_with_attacks_renders_harmless(self, seed_meeting, client):
        set_body(seed_meeting, "cli", ATTACKS)
        page = page_of(client, seed_meeting.get_absolute_url())
        cli = page.by_id("cli")
        assert_harmless(cli)
        assert cli.find("img") is not None, "the image itself is kept, without its handler"
        link = next(a for a in cli.find_all("a") if "heading-link" not in a.classes)  # the report's, not the page's
        assert link.text == "x", "the link text is kept, without its href"
        # The page's own scripts (the copy links, the contents folded on a phone, following the meeting live) only,
        # from its own files, in the head.
        assert [(s.attrs.get("src"), s.parent.tag) for s in page.find_all("script")] == [
            ("/static/js/copy-link.js", "head"),
            ("/static/js/toc-fold.js", "head"),
            ("/static/js/live/follow.js", "head"),
        ]

    @pytest.mark.parametrize(
        "markdown",
        [
            ATTACKS,
            '<a href="JaVaScRiPt:alert(1)">x</a>',
            '<a href="  javascript:alert(1)">x</a>',
            "[x](&#106;avascript:alert(1))",
            '<a href="data:text/html,<script>alert(1)</script>">x</a>',
            '<img src="javascript:alert(1)">',
            "<svg onload=alert(1)><circle/></svg>",
            '<iframe src="https://example.org"></iframe>',
            "<style>body{display:none}</style>",
            '<form action="https://example.org"><button formaction="javascript:alert(1)">go</button></form>',
            '<div onclick="alert(1)" style="position:fixed">x</div>',
            '<details open ontoggle="alert(1)"><summary>s</summary></details>',
            "<object data=x></object><embed src=x>",
        ],
    )
    def test_nothing_executable_survives(self, markdown):
        assert_harmless(parse_html(render_markdown(markdown)))

    def test_links_are_nofollow_noopener(self):
        html = render_markdown('[a](https://example.org) https://example.com <a href="https://x.org" rel="me">b</a>')
        links = parse_html(html).find_all("a")
        assert len(links) == 3
        for link in links:
            assert {"nofollow", "noopener"} <= set(link.attrs["rel"].split())

    def test_seed_links_on_the_page_are_nofollow_noopener(self, seed_page):
        links = [a for a in seed_page.find(class_="minutes-body").find_all("a") if a.attrs["href"].startswith("http")]
        assert len(links) == 4  # three in Routing, the roadmap's proposal
        assert all({"nofollow", "noopener"} <= set(a.attrs["rel"].split()) for a in links)

    def test_no_ids_from_authors_clobber_the_page(self):
        html = parse_html(render_markdown('<span id="diego" name="roadmap">x</span>'))
        assert html.find(id_="diego") is None
        assert html.find(name="roadmap") is None

    def test_github_features_survive_sanitising(self):
        html = parse_html(render_markdown("- [x] done\n- [ ] to do\n\n~~old~~ `code`\n\n| a |\n|:-:|\n| b |\n"))
        boxes = html.find_all("input")
        assert [box.attrs.get("type") for box in boxes] == ["checkbox", "checkbox"]
        assert all("disabled" in box.attrs for box in boxes), "task boxes cannot be ticked by readers"
        assert "checked" in boxes[0].attrs and "checked" not in boxes[1].attrs
        assert html.find("del").text == "old"
        assert html.find("code").text == "code"
        assert html.find("td").attrs.get("align") == "center"

    def test_raw_html_inputs_are_disabled(self):
        box = parse_html(render_markdown('<input type="checkbox" name="x">')).find("input")
        assert box is None or "disabled" in box.attrs

    def test_task_checkboxes_are_named_for_screen_readers(self):
        html = parse_html(render_markdown("- [x] Tag v2.9\n- [ ] Write the notes\n- plain\n"))
        assert [box.attrs.get("aria-label") for box in html.find_all("input")] == ["Completed task", "Incomplete task"]
        assert [li.attrs.get("class") for li in html.find_all("li")] == ["task-list-item", "task-list-item", None]

    def test_a_writers_own_checkbox_name_is_replaced_by_the_fixed_one(self):
        box = parse_html(render_markdown('<input type="checkbox" aria-label="Click me" onclick="x()">')).find("input")
        assert box.attrs.get("aria-label") == "Incomplete task"
        assert "onclick" not in box.attrs

    def test_blank_text_renders_nothing(self):
        assert render_markdown("") == ""
        assert render_markdown("  \n\n") == ""


class TestEditorPreview:
    def preview_client(self, people, draft) -> tuple[Client, str]:
        """A lead's browser with the CSRF token the editor page gave it."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(people["lead_x"])
        report = draft.reports.get(team=people["team_x"])
        page = client.get(report.get_edit_url())
        assert page.status_code == 200
        token = parse_html(page.content.decode()).find("input", name="csrfmiddlewaretoken").attrs["value"]
        return client, token

    @pytest.mark.parametrize("team", ["routing", "infrastructure", "container-networking"])
    def test_preview_is_exactly_the_published_rendering(self, people, draft, seed_meeting, team):
        client, token = self.preview_client(people, draft)
        content = seed_meeting.reports.get(team__slug=team).body + "\n\n" + ATTACKS
        response = client.post("/markdownx/markdownify/", {"content": content, "csrfmiddlewaretoken": token})
        assert response.status_code == 200
        assert response.content.decode() == render_markdown(content)

    def test_preview_matches_the_section_on_the_page(self, people, draft, seed_meeting):
        client, token = self.preview_client(people, draft)
        body = seed_meeting.reports.get(team__slug="routing").body
        preview = client.post("/markdownx/markdownify/", {"content": body, "csrfmiddlewaretoken": token})
        page = page_of(Client(), seed_meeting.get_absolute_url()).by_id("routing")
        rendered = parse_html(preview.content.decode())
        assert [li.text for li in rendered.find_all("li")] == [li.text for li in page.find_all("li")]
        # The page adds links of its own to each report: the heading's copy link, the team's timeline.
        page_links = [
            a.attrs
            for a in page.find_all("a")
            if not a.attrs["href"].startswith("/runtime/teams/") and "heading-link" not in a.classes
        ]
        assert [a.attrs for a in rendered.find_all("a")] == page_links

    def test_preview_refuses_a_post_without_csrf_token(self, people, draft):
        client, _ = self.preview_client(people, draft)
        assert client.post("/markdownx/markdownify/", {"content": "x"}).status_code == 403

    def test_preview_is_for_editors_only(self, people, client):
        response = client.post("/markdownx/markdownify/", {"content": "x"})
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        client.force_login(people["member"])
        assert client.post("/markdownx/markdownify/", {"content": "x"}).status_code == 403


def test_the_notes_kind_is_rendered_as_markdown(seed_meeting, client):
    item = seed_meeting.items.get(kind=ItemKind.NOTES, title="Discussion")
    item.body = "Seen at https://example.org/x and **agreed**."
    item.save()
    section = page_of(client, seed_meeting.get_absolute_url()).by_id(item.anchor)
    assert section.find("a", href="https://example.org/x") is not None
    assert section.find("strong").text == "agreed"


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("**Bold** and _em_", "Bold and em"),
        ("See [the notes](https://example.org/x) now", "See the notes now"),
        ("#### Heading\n\ntext", "Heading text"),
        ("- one\n- two\n  - three", "one two three"),
        ("a &amp; b < c", "a & b < c"),
        ("<script>alert(1)</script>x", "<script>alert(1)</script>x"),  # shown as text on the page too
        ("`**kept**` in code", "**kept** in code"),
        ("", ""),
    ],
)
def test_plain_text_is_what_the_reader_sees_without_the_marks(markdown, text):
    assert plain_text(markdown) == text


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("Shipped :tada: :+1:", "<p>Shipped 🎉 👍</p>"),
        ("- **done** :white_check_mark:", "<ul>\n<li><strong>done</strong> ✅</li>\n</ul>"),
        ("`:tada:` stays code", "<p><code>:tada:</code> stays code</p>"),
        ("```\n:tada:\n```", "<pre><code>:tada:\n</code></pre>"),
        (
            "[:tada:](https://example.org/:tada:)",
            '<p><a href="https://example.org/:tada:" rel="nofollow noopener">🎉</a></p>',
        ),
        ("At 12:30:45, :no_such_emoji:", "<p>At 12:30:45, :no_such_emoji:</p>"),
    ],
)
def test_emoji_shortcodes_are_shown_as_github_shows_them_outside_code(markdown, html):
    assert str(render_markdown(markdown)).strip() == html


@pytest.mark.parametrize(
    ("html", "printed"),
    [
        (
            '<a href="https://a.org/x">link</a>',
            '<a href="https://a.org/x">link</a><span class="link-url"> (https://a.org/x)</span>',
        ),
        (
            '<a href="https://b.org" rel="nofollow">Here</a>',
            '<a href="https://b.org" rel="nofollow">Here</a><span class="link-url"> (https://b.org)</span>',
        ),
        (
            '<a href="/runtime/">this</a>',
            '<a href="/runtime/">this</a><span class="link-url"> (https://example.org/runtime/)</span>',
        ),
        (
            '<a href="https://d.org?a=1&amp;b=2">link</a>',
            '<a href="https://d.org?a=1&amp;b=2">link</a><span class="link-url"> (https://d.org?a=1&amp;b=2)</span>',
        ),
        ('<a href="https://c.org">the release notes</a>', '<a href="https://c.org">the release notes</a>'),
        ('<a href="https://c.org">this <em>one</em></a>', '<a href="https://c.org">this <em>one</em></a>'),
    ],
)
def test_poor_link_texts_print_their_address(html, printed):
    assert print_poor_link_urls(html, "https://example.org/") == printed
