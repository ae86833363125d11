"""Issue 27, points 9 and 15 in a browser: named task boxes, a focus ring that shows, styled fields, editor pages
lined up with the header, archive entries kept whole; each page checked by axe (and by vnu, test_valid_html.py)."""

from playwright.sync_api import expect

from .browsing import assert_accessible, save_screenshots, sign_in

DRAFT = "/runtime/2018-06-26/"
EDIT = f"{DRAFT}reports/diego/edit/"
# WCAG 2.2's minimum for a focus indicator and for a field's border against what is next to it.
NON_TEXT_CONTRAST = 3.0

CONTRAST_JS = """([a, b]) => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const lum = c => { const [r, g, b] = rgb(c).map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}"""


def contrast(page, first: str, second: str) -> float:
    return page.evaluate(CONTRAST_JS, [first, second])


def style(locator, prop: str) -> str:
    return locator.evaluate(f"e => getComputedStyle(e)['{prop}']")


def test_the_focus_ring_stands_out_3_to_1_against_the_header_and_the_page(page):
    page.goto("/runtime/")
    header = page.locator(".site-header")
    brand = page.get_by_role("link", name="PMC Minutes")
    in_page = page.locator("main").get_by_role("link").first

    for link, behind in (
        (brand, style(header, "backgroundColor")),
        (in_page, style(page.locator("body"), "backgroundColor")),
    ):
        link.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focused from the keyboard: :focus-visible
        assert style(link, "outlineStyle") == "solid"
        ring = style(link, "outlineColor")
        assert contrast(page, ring, behind) >= NON_TEXT_CONTRAST, (ring, behind)
    assert_accessible(page, "archive, focus in the page")


def test_archive_entries_are_never_split_across_its_columns(page):
    page.goto("/runtime/")
    entries = page.locator(".archive > li")
    expect(entries.first).to_be_visible()

    assert {style(entry, "breakInside") for entry in entries.all()} == {"avoid"}
    # A box split between two columns has one rectangle in each.
    assert entries.evaluate_all("items => items.map(item => item.getClientRects().length)") == [1] * entries.count()
    assert_accessible(page, "archive")
    save_screenshots(page, "print-archive")


def test_fields_outside_a_form_field_are_styled_with_a_visible_border(page):
    page.goto("/runtime/decisions/")
    box = page.get_by_label("Decisions that mention")

    assert style(box, "borderTopStyle") == "solid"
    assert contrast(page, style(box, "borderTopColor"), "rgb(255, 255, 255)") >= NON_TEXT_CONTRAST
    assert style(box, "fontFamily") == style(page.locator("body"), "fontFamily")
    assert_accessible(page, "decisions")
    save_screenshots(page, "print-decisions")


def test_the_editor_page_lines_up_with_the_header(page):
    sign_in(page, "diego-lead")
    page.goto(EDIT)

    brand = page.get_by_role("link", name="PMC Minutes").bounding_box()
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert abs(brand["x"] - heading["x"]) <= 1, (brand, heading)
    assert_accessible(page, "editor")


def test_a_task_checkbox_is_named_in_the_preview_as_in_the_published_minutes(page):
    sign_in(page, "diego-lead")
    page.goto(EDIT)

    page.get_by_label("Backlog report").fill("- [ ] Write the release notes\n- [x] Tag v2.9\n")

    preview = page.locator(".markdownx-preview")
    expect(preview.get_by_role("checkbox", name="Incomplete task")).to_be_disabled()
    expect(preview.get_by_role("checkbox", name="Completed task")).to_be_checked()
    assert_accessible(page, "editor, task list in the preview")
    save_screenshots(page, "print-editor-tasks")


def test_a_group_of_choices_is_named_by_its_legend(page):
    sign_in(page, "diego-lead")
    page.goto("/accounts/tokens/")

    group = page.get_by_role("group", name="It may")
    expect(group.get_by_role("radio").first).to_be_visible()
    assert_accessible(page, "api-tokens")
    save_screenshots(page, "print-tokens")
