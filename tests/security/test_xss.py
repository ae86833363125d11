"""Hostile report bodies come out harmless everywhere they are shown: page, editor preview, PDF source, Atom feed.

The vectors live in tests/fixtures/xss_vectors.txt. Every check is made on the
parsed HTML, as a browser would see it, never by matching strings.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.test import Client

from meetings.lib.rendering import render_markdown
from meetings.pdf import minutes_html
from meetings.services.publishing import publish_meeting
from tests.support.html_safety import executable_content
from tests.support.html_tree import Element, parse_html

VECTORS_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "xss_vectors.txt"
ATOM = "{http://www.w3.org/2005/Atom}"


def load_vectors(path: Path = VECTORS_FILE) -> list[tuple[str, str]]:
    """(name, text) of every entry: a line starting with %% names it, the lines up to the next are the vector."""
    parts = re.split(r"^%%[ \t]*(.*)\n", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [(name.strip(), text.removesuffix("\n")) for name, text in zip(parts[1::2], parts[2::2], strict=True)]


VECTORS = load_vectors()


def unsafe_links(elements: list[Element]) -> list[str]:
    """Links without rel="nofollow noopener"."""
    return [
        repr(e)
        for e in elements
        if e.tag == "a" and "href" in e.attrs and not {"nofollow", "noopener"} <= set(e.attrs.get("rel", "").split())
    ]


def outside_head(root: Element) -> list[Element]:
    """Every element of a page but those of its <head> (the template's own stylesheet and meta tags)."""
    return [e for e in root.iter() if e.tag != "head" and not any(a.tag == "head" for a in e.ancestors())]


def feed_entries_html(feed: bytes) -> list[Element]:
    """The HTML of each entry of an Atom feed, parsed: the XML first, then the HTML it carries."""
    entries = ET.fromstring(feed).findall(f"{ATOM}entry")  # noqa: S314 (our own feed, from the test client)
    assert entries, "the feed has no entries"
    return [parse_html(entry.findtext(f"{ATOM}summary") or entry.findtext(f"{ATOM}content") or "") for entry in entries]


@pytest.fixture
def hostile_meeting(people, draft):
    """A published Runtime meeting, its Diego report ready to take a vector."""
    publish_meeting(draft)
    return draft


@pytest.fixture
def editor_client(people) -> Client:
    client = Client()
    client.force_login(people["lead_x"])
    return client


def test_the_corpus_is_large_and_varied():
    assert len(VECTORS) >= 100
    names = [name for name, _ in VECTORS]
    assert len(set(names)) == len(names), "two vectors with the same name"
    texts = "\n".join(text for _, text in VECTORS).lower()
    for needle in ("<script", "onerror", "javascript:", "data:", "vbscript:", "&#", "<svg", "<math", "<iframe"):
        assert needle in texts
    for needle in ("<object", "<embed", "formaction", "http-equiv", "<base", "<link", "style=", "<!--", "](java"):
        assert needle in texts
    assert any(re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f]", text) for _, text in VECTORS), "no raw control characters"


def test_the_checks_catch_what_they_look_for():
    """The checker itself: each kind of executable content is reported (else every test here would pass vacuously)."""
    samples = [
        "<script>x</script>",
        "<p onclick=x>y</p>",
        '<p style="color:red">y</p>',
        '<a href="java&#x09;script:x">y</a>',
        '<a href=" \x01JAVASCRIPT:x">y</a>',
        '<img src="data:image/svg+xml,x">',
        '<base href="https://evil.example/">',
        '<svg><a xlink:href="vbscript:x">y</a></svg>',
    ]
    for sample in samples:
        assert executable_content(list(parse_html(sample).iter())), sample
    safe = '<a href="https://e.org/x" rel="nofollow noopener">a</a><a href="/r?a=b:c">b</a><img src="x.png">'
    assert executable_content(list(parse_html(safe).iter())) == []
    assert unsafe_links(list(parse_html('<a href="https://e.org">x</a>').iter()))


@pytest.mark.parametrize(("name", "vector"), VECTORS, ids=[name for name, _ in VECTORS])
def test_vector_is_harmless_everywhere(name, vector, hostile_meeting, editor_client, client):
    report = hostile_meeting.reports.get(team__slug="diego")
    report.body = vector
    report.save()

    page = client.get(hostile_meeting.get_absolute_url())
    assert page.status_code == 200
    assert executable_content(outside_head(parse_html(page.content.decode()))) == [], "on the page"

    preview = editor_client.post("/markdownx/markdownify/", {"content": vector})
    assert preview.status_code == 200
    preview_elements = list(parse_html(preview.content.decode()).iter())
    assert executable_content(preview_elements) == [], "in the editor's preview"
    assert unsafe_links(preview_elements) == [], "in the editor's preview"

    assert executable_content(outside_head(parse_html(minutes_html(hostile_meeting)))) == [], "in the PDF's HTML"

    feed = client.get("/runtime/teams/diego/feed/")
    assert feed.status_code == 200
    for entry in feed_entries_html(feed.content):
        elements = list(entry.iter())
        assert executable_content(elements) == [], "in the Atom feed"
        assert unsafe_links(elements) == [], "in the Atom feed"


@pytest.mark.parametrize(
    "markdown",
    [
        "[a](https://example.org)",
        "https://example.com/autolinked",
        "<https://example.net>",
        '<a href="https://x.org" rel="me noreferrer">b</a>',
        "[ref][r]\n\n[r]: https://example.org/ref",
        "[mail](mailto:someone@example.org)",
    ],
)
def test_every_link_in_user_content_is_nofollow_noopener(markdown):
    links = parse_html(render_markdown(markdown)).find_all("a")
    assert links
    assert unsafe_links(links) == []


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[a](https://example.org/x)", "https://example.org/x"),
        ("[a](http://example.org/x)", "http://example.org/x"),
        ("[a](mailto:pmc@example.org)", "mailto:pmc@example.org"),
        ("[a](/runtime/2018-06-12/#diego)", "/runtime/2018-06-12/#diego"),
        ("[a](../2018-06-12/)", "../2018-06-12/"),
        ("[a](#roadmap)", "#roadmap"),
    ],
)
def test_allowed_schemes_and_relative_links_are_kept(markdown, href):
    """The allow-list is not a block-everything: the links minutes really use survive."""
    assert parse_html(render_markdown(markdown)).find("a").attrs.get("href") == href


def test_images_keep_allowed_sources_only():
    root = parse_html(render_markdown("![a](https://example.org/a.png) ![b](/media/uploads/b.png) ![c](ftp://x/c.png)"))
    assert [img.attrs.get("src") for img in root.find_all("img")] == [
        "https://example.org/a.png",
        "/media/uploads/b.png",
        None,
    ]


@pytest.mark.parametrize(
    ("markdown", "tag", "classes"),
    [
        ('<ul><li class="messages error">Your account is locked</li></ul>', "li", None),
        ('<ul><li class="visually-hidden">hidden</li></ul>', "li", None),
        ('<ul><li class="task-list-item error">x</li></ul>', "li", "task-list-item"),
        ('<ul><li class="task-list-item">x</li></ul>', "li", "task-list-item"),
        ('<code class="visually-hidden">hidden</code>', "code", None),
        ('<code class="language-python alert">x</code>', "code", "language-python"),
        ('<code class="language-c++ language-x">x</code>', "code", "language-c++ language-x"),
    ],
)
def test_only_task_list_and_language_classes_survive(markdown, tag, classes):
    """A report cannot borrow the site's own classes: draw its error boxes or hide text."""
    assert parse_html(render_markdown(markdown)).find(tag).attrs.get("class") == classes


# Elements whose unclosed start tag makes a parser swallow, or the sanitiser drop, all that follows.
SWALLOWING_TAGS = (
    "template", "noscript", "math><mi", "math><mtext", "svg><desc", "title", "textarea", "xmp", "iframe",
    "noembed", "noframes", "plaintext", "style", "script", "svg", "select", "desc", "mtext", "annotation-xml",
)  # fmt: skip


@pytest.mark.parametrize("tag", SWALLOWING_TAGS)
def test_text_after_an_unclosed_tag_stays_visible(tag):
    rendered = render_markdown(f"before\n\n<{tag}>\n\nafter words")
    elements = list(parse_html(rendered).iter())
    assert executable_content(elements) == []
    assert "after words" in parse_html(rendered).text
    assert "&lt;p&gt;" not in rendered, "the words are Markdown, not escaped markup"


def test_closed_script_and_template_keep_their_content_out():
    root = parse_html(render_markdown("<template>hidden words</template>\n\n<svg><desc>also hidden</desc></svg> shown"))
    assert "hidden" not in root.text
    assert "shown" in root.text
