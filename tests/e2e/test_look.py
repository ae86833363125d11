"""The minutes read as on GitHub: its container and text column on a desktop, a copy link by each team heading."""

from playwright.sync_api import expect

from .browsing import assert_accessible, screenshot

SEED = "/runtime/2018-06-12/"


def test_the_minutes_are_as_wide_as_githubs_markdown_view(page):
    page.goto(SEED)

    main = page.locator("main").evaluate("e => e.clientWidth - parseFloat(getComputedStyle(e).paddingLeft) * 2")
    text = page.locator(".minutes-body").bounding_box()["width"]
    font_size = page.locator(".minutes-body").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")

    assert 960 <= main <= 1000, main  # GitHub's container: 980 px
    assert text / font_size == 46, text  # GitHub's text: about 46em
    screenshot(page, "look-meeting-desktop")


def test_the_copy_link_puts_the_sections_address_on_the_clipboard(new_context):
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    page.goto(SEED)

    link = page.get_by_role("link", name="Copy the link to the Diego section")
    link.click()

    expect(page.locator("#copy-link-status")).to_have_text(f"Link copied: {page.url.split('#')[0]}#diego")
    assert page.evaluate("() => navigator.clipboard.readText()").endswith(f"{SEED}#diego")
    assert page.url.endswith("#diego")
    assert_accessible(page, "meeting, link copied")
