"""Markdown to safe HTML: the one renderer of pages, PDFs and the editor's preview.

The archive was written for GitHub, so it is rendered as GitHub does, with
cmark-gfm (tables, autolinks, strikethrough, task lists, two-space nested
lists). Raw HTML in the source is let through to cmark and the whole output is
then cleaned by an allow-list sanitiser, so nothing executable reaches a reader.

cmark is linear in its input, but html5ever (inside nh3) takes time growing
with the square of the nesting depth: 200,000 nested quotes take minutes. So a
text over the limits below is shown as written, escaped, and never sanitised;
forms refuse it with the same words (`check_markdown`). A rendering is cached
by the text's digest, so a page shown again is not rendered again.
"""

import ctypes
import hashlib
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

import emoji
import nh3
from cmarkgfm import _cmark
from cmarkgfm.cmark import Options
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Real minutes nest at most 7 elements deep (the seed and the whole archive:
# lists in lists) and are a few kilobytes; the forms take 200,000 characters.
MAX_MARKDOWN_CHARS = 200_000
MAX_NESTING = 100
# cmark's HTML can be 27 times its text (`>>>>` or a table padded to its header),
# and nh3's time follows it: about half a second a megabyte. Real minutes make
# 1.4 times their text.
MAX_HTML_CHARS = 2_000_000
# Part of every cache key: change it whenever the HTML of a text would change.
RENDERER_VERSION = "4"  # 4: task-list checkboxes named
CACHE_SECONDS = 7 * 24 * 3600
# Under this size rendering costs less than a trip to the cache (Redis).
_CACHE_FROM_CHARS = 1_000

# cmark's own tag filter is GitHub's blocklist; nh3 below is the real guard.
_CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8 | Options.CMARK_OPT_GITHUB_PRE_LANG

_ffi, _lib = _cmark.ffi, _cmark.lib
# cffi's declarations lack cmark_node_free and the allocator; the shared object
# exports both, and loading an already loaded path gives that same library.
_cmark_so = ctypes.CDLL(_cmark.__file__)
_cmark_so.cmark_node_free.argtypes = [ctypes.c_void_p]
_cmark_so.cmark_node_free.restype = None
_cmark_so.cmark_get_default_mem_allocator.restype = ctypes.c_void_p
# Parsers made by cmark_parser_new allocate the tree and the HTML with this one.
_ALLOCATOR = _ffi.cast("cmark_mem *", _cmark_so.cmark_get_default_mem_allocator())
_lib.cmark_gfm_core_extensions_ensure_registered()
# GitHub's set, as github_flavored_markdown_to_html attaches it.
_EXTENSIONS = tuple(
    _lib.cmark_find_syntax_extension(name)
    for name in (b"table", b"autolink", b"tagfilter", b"strikethrough", b"tasklist")
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "code": {"class"},
    "pre": {"lang"},
    "li": {"class"},  # classes filtered token by token: _CLASSES
    "abbr": {"title"},
}

URL_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {"href", "src"}
# Control characters have no business in a URL; whitespace and controls are what browsers ignore in a scheme.
_URL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)

# Task-list checkboxes are the only inputs, and they cannot be ticked.
_TAG_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}, "disabled": {"", "disabled"}, "checked": {"", "checked"}}}
_SET_TAG_ATTRIBUTE_VALUES = {"input": {"disabled": "disabled"}}


# The site's own classes (error boxes, visually-hidden) must not be borrowed by a report.
_CLASSES = {"li": re.compile(r"task-list-item"), "code": re.compile(r"language-\S+")}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep the allowed classes; drop URLs with control characters or a scheme hidden by them.

    The URL check is belt and braces over nh3's: nh3 reads `java\\x0bscript:` as
    a relative URL and keeps it; some browsers have not.
    """
    if attribute == "class":
        allowed = _CLASSES.get(tag)
        kept = [token for token in value.split() if allowed and allowed.fullmatch(token)]
        return " ".join(kept) or None
    if attribute not in _URL_ATTRIBUTES:
        return value
    if _URL_CONTROLS.search(value):
        return None
    scheme = _SCHEME.match(_URL_IGNORED.sub("", value))
    if scheme and scheme.group(1).lower() not in URL_SCHEMES:
        return None
    return value


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
        set_tag_attribute_values=_SET_TAG_ATTRIBUTE_VALUES,
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )


# What nh3 writes for a checkbox: its attributes come only from _TAG_ATTRIBUTE_VALUES, never with a `>` inside.
_CHECKBOX = re.compile(r'<li>(<input type="checkbox"[^>]*>)|<input type="checkbox"[^>]*>')
TASK_LABELS = {True: "Completed task", False: "Incomplete task"}


def _name_checkbox(match: re.Match) -> str:
    box = match[1] or match[0]
    labelled = f'{box[:-1]} aria-label="{TASK_LABELS[" checked=" in box]}">'
    # The class lets print.css set the glyph inline with the task's text, without a bullet.
    return f'<li class="task-list-item">{labelled}' if match[1] else labelled


def name_task_checkboxes(html: str) -> str:
    """The sanitised HTML with each task-list checkbox named for screen readers, as GitHub names them.

    Added after the sanitiser, from a fixed pair of words: a writer's own
    aria-label is never let through.
    """
    return _CHECKBOX.sub(_name_checkbox, html) if "checkbox" in html else html


# Link text that says nothing once printed: the PDF adds the address after it.
POOR_LINK_TEXTS = frozenset({"link", "here", "this", "this link", "click here", "more", "url"})
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>([^<]*)</a>')


def print_poor_link_urls(html: str, base_url: str) -> str:
    """The HTML with the address written after each link whose text ("link", "here", "this") says nothing on paper.

    For the PDF: on paper a link cannot be followed, so its text must carry
    the address. Reads the renderer's and Django's output, where an attribute
    is always double-quoted and escaped.
    """

    def spell_out(match: re.Match) -> str:
        text = unescape(match[2]).strip().lower().rstrip(".:")
        if text not in POOR_LINK_TEXTS:
            return match[0]
        address = escape(urljoin(base_url, unescape(match[1])))
        return f'{match[0]}<span class="link-url"> ({address})</span>'

    return _LINK.sub(spell_out, html)


def gfm_to_html(text: str) -> str:
    """cmark-gfm's HTML of the text, as cmarkgfm.github_flavored_markdown_to_html gives it, not yet sanitised.

    That function never frees the document tree nor the HTML string (about
    15 times the text's size a render), so this one drives the same library and
    frees both, whatever happens.
    """
    data = text.encode("utf-8")
    parser = _lib.cmark_parser_new(_CMARK_OPTIONS)
    root = html = _ffi.NULL
    try:
        for extension in _EXTENSIONS:
            _lib.cmark_parser_attach_syntax_extension(parser, extension)
        _lib.cmark_parser_feed(parser, data, len(data))
        root = _lib.cmark_parser_finish(parser)
        if root == _ffi.NULL or _lib.cmark_node_get_type(root) == _lib.CMARK_NODE_NONE:
            raise ValueError("cmark-gfm could not parse the text")
        html = _lib.cmark_render_html(root, _CMARK_OPTIONS, _lib.cmark_parser_get_syntax_extensions(parser))
        return _ffi.string(html).decode("utf-8")
    finally:
        if html != _ffi.NULL:
            _ALLOCATOR.free(html)
        if root != _ffi.NULL:
            _cmark_so.cmark_node_free(int(_ffi.cast("uintptr_t", root)))
        _lib.cmark_parser_free(parser)


class MarkdownTooComplex(ValueError):
    """A text the renderer will not sanitise; its message tells the writer why, in their words."""


# Elements the HTML parser never lets contain anything (an end tag of theirs is ignored).
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source"}
    | {"track", "wbr"}
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


def _open_elements(html: str) -> dict[str, int]:
    """How many elements of each name the HTML leaves open; raises MarkdownTooComplex past MAX_NESTING in all.

    One pass, an upper bound on the depth a parser reaches: an end tag closes
    one element of its name, anything unclosed counts as nested (html5ever
    rebuilds unclosed <b>s in every paragraph after them).
    """
    open_by_name: dict[str, int] = {}
    depth = 0
    for match in _TAG.finditer(html):
        name = match[2].lower()
        if name in _VOID_TAGS:
            continue
        if not match[1]:
            open_by_name[name] = open_by_name.get(name, 0) + 1
            depth += 1
            if depth > MAX_NESTING:
                raise MarkdownTooComplex(
                    f"This text is nested too deeply to display (more than {MAX_NESTING} levels of quotes, "
                    "list items or HTML elements, one inside another)."
                )
        elif open_by_name.get(name):
            open_by_name[name] -= 1
            depth -= 1
    return open_by_name


def _escape_unclosed(html: str, open_by_name: dict[str, int]) -> str:
    """The HTML with the start tags of unclosed elements the sanitiser drops shown as text.

    Left open, <template>, <math> or <noscript> swallow the rest of the text:
    nh3 drops what they hold, while the .md file and the search keep it.
    """
    names = [name for name, count in open_by_name.items() if count and name not in ALLOWED_TAGS]
    if not names:
        return html
    start_tags = re.compile(r"<(?=(?:" + "|".join(map(re.escape, names)) + r")(?![A-Za-z0-9-]))", re.IGNORECASE)
    return start_tags.sub("&lt;", html)


def _bounded_html(text: str) -> str:
    """cmark's HTML of the text, ready for nh3; raises MarkdownTooComplex where nh3 could take long."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise MarkdownTooComplex(f"This text is too long to display (more than {MAX_MARKDOWN_CHARS:,} characters).")
    html = gfm_to_html(text)
    if len(html) > MAX_HTML_CHARS:
        raise MarkdownTooComplex(
            "This text makes too much HTML to display (a table or quotes repeated thousands of times)."
        )
    return _escape_unclosed(html, _open_elements(html))


def check_markdown(text: str) -> None:
    """Raise MarkdownTooComplex, with a message for the writer, if the text would not be rendered."""
    _bounded_html(text)


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_CODE_TAG = re.compile(r"<(/?)(?:code|pre)\b", re.IGNORECASE)


def emojize(html: str) -> str:
    """GitHub's emoji shortcodes (`:tada:`, `:+1:`) in the HTML's text made emoji, as GitHub shows them.

    Code spans and blocks keep theirs as typed, and so do attributes (link
    addresses): only text between tags outside <code> and <pre> changes. An
    unknown shortcode, or a time such as 12:30:45, stays as it is.
    """
    if ":" not in html:
        return html
    parts = _TAG_OR_TEXT.split(html)
    in_code = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            if match := _CODE_TAG.match(part):
                in_code = max(0, in_code + (-1 if match[1] else 1))
        elif not in_code and ":" in part:
            parts[index] = emoji.emojize(part, language="alias")
    return "".join(parts)


def _render(text: str) -> str:
    try:
        html = _bounded_html(text)
    except MarkdownTooComplex as refusal:
        return (
            f'<p class="unrendered-note">{escape(str(refusal).removesuffix("."))}; '
            "the Markdown download has it as written.</p>\n"
            f'<pre class="unrendered">{escape(text)}</pre>\n'
        )
    # After the sanitiser: an emoji is text, and the limits above were checked on what cmark made.
    return emojize(name_task_checkboxes(sanitize_html(html)))


def render_markdown(text: str) -> SafeString:
    """GitHub Flavored Markdown to sanitised HTML, safe to put in any page."""
    if not text or not text.strip():
        return mark_safe("")
    if len(text) < _CACHE_FROM_CHARS:
        return mark_safe(_render(text))  # noqa: S308 (sanitised or escaped by _render)
    key = f"markdown:{RENDERER_VERSION}:{hashlib.sha256(text.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = _render(text)
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (sanitised or escaped by _render)


def render_inline(text: str) -> SafeString:
    """One line of Markdown (a roadmap entry) as inline HTML: without the paragraph around it."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 (sanitised by render_markdown)


# Elements after which words must not run together once the tags are gone.
_BLOCK_TAGS = frozenset(
    {"blockquote", "br", "dd", "div", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "p", "pre", "td", "th"}
    | {"tr", "summary", "details", "ol", "ul", "table"}
)


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        elif tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The words a reader sees in the HTML, on one line: no tags, entities decoded, blocks apart."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def plain_text(text: str) -> str:
    """The Markdown as a reader sees it, on one line, without its marks (`**`, links' URLs, `####`).

    Read from the rendered HTML, so that it says exactly what the page says.
    """
    return html_to_text(str(render_markdown(text)))
