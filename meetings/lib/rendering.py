"""Markdown to safe HTML: the one renderer of pages, PDFs and the editor's preview.

The archive was written for GitHub, so it is rendered as GitHub does, with
cmark-gfm (tables, autolinks, strikethrough, task lists, two-space nested
lists). Raw HTML in the source is let through to cmark and the whole output is
then cleaned by an allow-list sanitiser, so nothing executable reaches a reader.
"""

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.utils.safestring import SafeString, mark_safe

# cmark's own tag filter is GitHub's blocklist; nh3 below is the real guard.
_CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8 | Options.CMARK_OPT_GITHUB_PRE_LANG

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
    "li": {"class"},
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


def _check_url(tag: str, attribute: str, value: str) -> str | None:
    """Belt and braces over nh3's scheme check: drop URLs with control characters or a scheme hidden by them.

    nh3 reads `java\\x0bscript:` as a relative URL and keeps it; some browsers have not.
    """
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
        attribute_filter=_check_url,
    )


def render_markdown(text: str) -> SafeString:
    """GitHub Flavored Markdown to sanitised HTML, safe to put in any page."""
    if not text or not text.strip():
        return mark_safe("")
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=_CMARK_OPTIONS)
    return mark_safe(sanitize_html(html))  # noqa: S308 (sanitised just above)


def render_inline(text: str) -> SafeString:
    """One line of Markdown (a roadmap entry) as inline HTML: without the paragraph around it."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 (sanitised by render_markdown)
