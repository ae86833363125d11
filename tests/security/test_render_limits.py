"""Markdown nobody could render in bounded time is shown as written, refused by the forms, and rendered once."""

import html

import pytest
from django.core.cache import cache
from django.forms.models import model_to_dict

from meetings.demo import SEED
from meetings.forms.chair import ItemForm, RoadmapForm
from meetings.forms.committee import AgendaTemplateItemForm, CommitteeSettingsForm
from meetings.forms.lead import ReportForm
from meetings.lib import rendering
from meetings.lib.rendering import (
    MAX_MARKDOWN_CHARS,
    MAX_NESTING,
    MarkdownTooComplex,
    check_markdown,
    render_markdown,
)
from tests.support.html_tree import parse_html

PREVIEW = "/markdownx/markdownify/"
TOO_DEEP = "nested too deeply"
AS_WRITTEN = "the Markdown download has it as written"
# Each nests well past the limit; html5ever's time grows with the square of the depth.
DEEP = {
    "blockquotes": ">" * 5_000 + " x",
    "lists by indentation": "".join("  " * level + "- x\n" for level in range(MAX_NESTING)),
    "ordered lists on one line": "1. " * 5_000 + "x",
    "quotes in lists": "> - " * 2_000 + "x",
    "raw divs never closed": "<div>" * 5_000 + "x",
    "raw bold never closed": "<b>" * 5_000 + "x",
    "raw bold, each different": "".join(f'<b title="{n}">' for n in range(2_000)) + "x",
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_sanitiser(monkeypatch):
    """nh3 refuses to work: a text that reaches it fails the test at once rather than after minutes."""

    def refuse(document, **kwargs):
        raise AssertionError(f"the sanitiser was given {len(document):,} characters of HTML")

    monkeypatch.setattr(rendering.nh3, "clean", refuse)


@pytest.fixture
def cmark_calls(monkeypatch) -> list[str]:
    calls = []
    real = rendering.gfm_to_html

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(rendering, "gfm_to_html", counting)
    return calls


def pre_text(rendered: str) -> str:
    """What the fallback's <pre> holds, unescaped as a browser shows it."""
    start = rendered.index('<pre class="unrendered">') + len('<pre class="unrendered">')
    return html.unescape(rendered[start : rendered.index("</pre>", start)])


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_text_nested_too_deeply_is_shown_as_written_without_the_sanitiser(text, no_sanitiser):
    rendered = render_markdown(text)
    assert TOO_DEEP in rendered
    assert AS_WRITTEN in rendered
    assert pre_text(rendered) == text


def test_the_fallback_is_escaped():
    text = ">" * 5_000 + ' <script>alert(1)</script> <img src=x onerror="alert(1)">'
    root = parse_html(render_markdown(text))
    assert not [element for element in root.iter() if element.tag in {"script", "img"}]
    assert "<script>alert(1)</script>" in root.find("pre").text


def test_text_over_the_size_limit_is_shown_as_written_without_the_sanitiser(no_sanitiser):
    text = "word " * (MAX_MARKDOWN_CHARS // 5) + "last"
    rendered = render_markdown(text)
    assert f"{MAX_MARKDOWN_CHARS:,} characters" in rendered
    assert pre_text(rendered) == text


def test_the_limit_sits_between_real_nesting_and_hostile_nesting():
    reasonable = "".join("  " * level + f"- level {level}\n" for level in range(12))
    deepest = next(li for li in parse_html(render_markdown(reasonable)).find_all("li") if li.text == "level 11")
    assert sum(ancestor.tag == "ul" for ancestor in deepest.ancestors()) == 12
    assert TOO_DEEP in render_markdown(DEEP["lists by indentation"])


def test_siblings_are_not_nesting():
    siblings = "\n\n".join(f"> quote {n}\n\n- item {n}\n\n<div>block {n}</div>" for n in range(2_000))
    root = parse_html(render_markdown(siblings))
    assert len(root.find_all("blockquote")) == 2_000
    assert TOO_DEEP not in root.text
    assert TOO_DEEP in render_markdown("<blockquote>" * 2_000 + "x")


def test_check_markdown_explains_what_is_too_deep_and_accepts_real_minutes():
    assert check_markdown(SEED.read_text(encoding="utf-8")) is None
    with pytest.raises(MarkdownTooComplex, match=f"more than {MAX_NESTING} levels"):
        check_markdown(DEEP["blockquotes"])
    with pytest.raises(MarkdownTooComplex, match=f"{MAX_MARKDOWN_CHARS:,} characters"):
        check_markdown("x" * (MAX_MARKDOWN_CHARS + 1))


def form_errors(form) -> str:
    assert not form.is_valid()
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class TestFormsRefuseTextTooDeep:
    def test_report(self):
        assert ReportForm({"body": SEED.read_text(encoding="utf-8"), "version": "1"}).is_valid()
        assert TOO_DEEP in form_errors(ReportForm({"body": DEEP["blockquotes"], "version": "1"}))

    def test_agenda_item(self):
        form = ItemForm(
            {"title": "Discussion", "agenda_label": "", "body": DEEP["lists by indentation"], "version": "1"}
        )
        assert TOO_DEEP in form_errors(form)

    def test_roadmap_outline(self):
        outline = "## Soon\n- " + DEEP["raw divs never closed"] + "\n"
        assert TOO_DEEP in form_errors(RoadmapForm({"outline": outline, "version": "1"}))

    def test_default_agenda_item(self):
        form = AgendaTemplateItemForm({"title": "Notes", "kind": "notes", "body": DEEP["quotes in lists"]})
        assert TOO_DEEP in form_errors(form)

    def test_roadmap_disclaimer(self, people):
        committee = people["runtime"]
        data = {**model_to_dict(committee, fields=CommitteeSettingsForm._meta.fields), "roadmap_disclaimer": ">" * 299}
        data = {name: value for name, value in data.items() if value is not None}
        assert TOO_DEEP in form_errors(CommitteeSettingsForm(data, instance=committee))


def test_the_preview_of_200000_nested_quotes_answers_with_the_fallback(client, people, no_sanitiser):
    client.force_login(people["lead_x"])
    response = client.post(PREVIEW, {"content": ">" * 200_000 + " x"})
    assert response.status_code == 200
    assert AS_WRITTEN in response.content.decode()


class TestRenderedOnce:
    def test_the_same_text_is_rendered_once_and_a_changed_one_again(self, cmark_calls):
        text = SEED.read_text(encoding="utf-8")
        first, second = render_markdown(text), render_markdown(text)
        assert first == second
        assert second.__html__() == second, "served from the cache, still marked safe"
        render_markdown(text + "\n\nOne more line.")
        assert cmark_calls == [text, text + "\n\nOne more line."]

    def test_a_new_renderer_version_renders_again(self, cmark_calls, monkeypatch):
        text = SEED.read_text(encoding="utf-8")
        render_markdown(text)
        monkeypatch.setattr(rendering, "RENDERER_VERSION", rendering.RENDERER_VERSION + "-next")
        render_markdown(text)
        render_markdown(text)
        assert cmark_calls == [text, text]

    def test_a_text_too_complex_is_not_worked_on_again(self, cmark_calls):
        render_markdown(DEEP["blockquotes"])
        render_markdown(DEEP["blockquotes"])
        assert len(cmark_calls) == 1
