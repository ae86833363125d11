"""Security headers on every kind of page, and a Content-Security-Policy the pages actually keep."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.production import production_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture

PAGES = {
    "a public page": ("anonymous", "/runtime/2018-06-12/"),
    "the home page": ("anonymous", "/"),
    "the sign-in page": ("anonymous", "/accounts/login/"),
    "an editor page": ("chair", DRAFT + "reports/diego/edit/"),
    "the chair's page": ("chair", DRAFT + "edit/"),
    "the admin sign-in": ("anonymous", "/admin/login/"),
    "an admin change form": ("superuser", "/admin/meetings/meeting/add/"),
    "an admin list": ("superuser", "/admin/meetings/meeting/"),
}


@pytest.fixture
def page(client, people, draft, seed_meeting):
    def get(name: str):
        who, url = PAGES[name]
        if who != "anonymous":
            client.force_login(people[who])
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        return response

    return get


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.parametrize("name", PAGES)
def test_every_kind_of_page_sends_the_security_headers(page, settings, name):
    settings.SECURE_HSTS_SECONDS = 31536000  # as in production; sent on HTTPS requests only
    response = page(name)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "scripts only from our static files: no inline, no eval"
    assert policy["style-src"] == ["'self'"]
    # The editor's preview posts to our own URL; the live room's socket is ours too (PMC_SITE_URL's, as ws://).
    assert policy["connect-src"] == ["'self'", "ws://127.0.0.1:8000"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]


def test_production_pages_may_open_sockets_to_the_site_s_own_wss_origin_only():
    policy = production_settings("CONTENT_SECURITY_POLICY")["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert policy["connect-src"] == ["'self'", "wss://minutes.example.org"]  # PMC_SITE_URL's origin, no path


def test_hsts_is_on_in_production_for_a_year_with_subdomains():
    hsts = production_settings("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")
    assert hsts == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
    }


def test_no_policy_allows_unsafe_inline_or_eval(settings):
    for values in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values


class _Inline(HTMLParser):
    """What a strict CSP would block: inline scripts, event-handler attributes, style attributes and blocks."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> block")
        self.found += [f"{name}= on <{tag}>" for name in attrs if name.startswith("on") or name == "style"]
        if any(str(value or "").lower().startswith("javascript:") for value in attrs.values()):
            self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_nothing_the_policy_would_block(page, name):
    response = page(name)
    assert inline_code(response.content.decode()) == []


def test_the_editor_loads_markdownx_from_a_static_file(page):
    html = page("an editor page").content.decode()
    assert '<script src="/static/markdownx/js/markdownx' in html
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in html


def test_no_template_has_inline_scripts_or_styles():
    """The PDF template is the one exception: WeasyPrint reads it, browsers never do."""
    offenders = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        if template.parent.name == "pdf":
            continue
        if found := inline_code(template.read_text()):
            offenders[str(template.relative_to(TEMPLATES))] = found
    assert offenders == {}
