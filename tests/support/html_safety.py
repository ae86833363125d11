"""What in parsed HTML could run code: the checks the XSS tests and the fuzzers make, as a browser would see it."""

import html
import re

from tests.support.html_tree import Element

# Elements that run code, load things or change how the page is read; none may come from a report.
FORBIDDEN_TAGS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "meta", "base", "link", "style"}
    | {"svg", "math", "template", "noscript", "portal", "isindex", "button", "textarea", "select", "plaintext"}
)
URL_ATTRIBUTES = (
    "href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "cite",
    "lowsrc", "dynsrc", "longdesc", "ping", "codebase", "srcdoc", "srcset",
)  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# What browsers drop from a URL before reading its scheme: whitespace and control characters.
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f\s]")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in an attribute value (None for a relative URL)."""
    cleaned = IGNORED_IN_URLS.sub("", html.unescape(value))
    match = SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def executable_content(elements: list[Element]) -> list[str]:
    """Everything in these elements that could run code or load a page's worth of trouble, described."""
    found = [f"<{e.tag}> element" for e in elements if e.tag in FORBIDDEN_TAGS]
    for element in elements:
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"{name} handler on <{element.tag}>")
            elif name.lower() == "style":
                found.append(f"style attribute on <{element.tag}>")
            elif name.lower() in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{name}={value!r} ({scheme}:) on <{element.tag}>")
    return found
