"""Every kind of page passes axe-core, has its language and ordered headings; the keyboard alone is enough."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from .browsing import DEMO_PASSWORD, assert_accessible, is_focused, screenshot, sign_in, tab_to

# name -> (path, account to sign in as, or None for a reader)
PAGES = {
    "home": ("/", None),
    "archive": ("/runtime/", None),
    "meeting": ("/runtime/2018-06-12/", None),
    "team-timeline": ("/runtime/teams/diego/", None),
    "search": ("/search/?q=Diego", None),
    "sign-in": ("/accounts/login/", None),
    "editor": ("/runtime/2018-06-26/reports/diego/edit/?start=previous", "diego-lead"),
    "readiness": ("/runtime/2018-06-26/readiness/", "chair"),
    "chair-page": ("/runtime/2018-06-26/edit/", "chair"),
    "publish": ("/runtime/2018-06-26/publish/", "chair"),
    "cancel": ("/runtime/2018-06-26/cancel/", "chair"),
    "agenda": ("/runtime/2018-06-26/agenda/edit/", "chair"),
    "attendance": ("/runtime/2018-06-26/attendance/", "chair"),
    "amending": ("/runtime/2018-06-12/reports/diego/edit/", "chair"),
    "profile": ("/accounts/profile/", "diego-lead"),
    "api-tokens": ("/accounts/tokens/", "diego-lead"),
    "decisions": ("/runtime/decisions/", None),
    "decision-new": ("/runtime/2018-06-26/reports/diego/decisions/new/", "diego-lead"),
    "actions": ("/runtime/actions/", "chair"),
    "action-new": ("/runtime/2018-06-26/reports/diego/actions/new/", "diego-lead"),
    "action-candidates": ("/runtime/2018-06-12/actions/candidates/", "chair"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible(page, name):
    path, account = PAGES[name]
    if account:
        sign_in(page, account)
    response = page.goto(path)
    assert response.status == 200
    if name == "editor":  # check the page with its preview filled in, as a lead sees it
        expect(page.locator(".markdownx-preview")).to_contain_text("Finished exploration")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en\b"))
    assert_headings_in_order(page)
    assert_accessible(page, name)
    screenshot(page, f"a11y-{name}")


def assert_headings_in_order(page) -> None:
    """One h1, and no heading more than one level below the one before it (h2 → h4 skips)."""
    levels = page.locator("h1, h2, h3, h4, h5, h6").evaluate_all(
        "headings => headings.filter(h => h.getClientRects().length).map(h => [Number(h.tagName[1]), h.textContent])"
    )
    assert [level for level, _ in levels].count(1) == 1, f"h1 count: {levels}"
    assert levels[0][0] == 1, f"the first heading is not the h1: {levels[0]}"
    for (before, _), (level, text) in itertools.pairwise(levels):
        assert level <= before + 1, f"h{before} is followed by h{level} ({text.strip()!r}) on {page.url}"


def test_focus_is_visible_and_skip_link_works(page):
    page.goto("/runtime/2018-06-12/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert is_focused(skip)
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Tab")
    brand = page.get_by_role("link", name="PMC Minutes")
    assert is_focused(brand)
    outline = brand.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"focused link has no visible outline: {outline}"
    assert brand.evaluate("el => el.matches(':focus-visible')")

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    expect(page.locator("#main")).to_be_in_viewport()


def test_lead_writes_and_saves_with_the_keyboard_alone(page):
    page.goto("/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("diego-lead")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My sections")

    tab_to(page, page.get_by_role("link", name=re.compile("^Write the Diego section")))
    page.keyboard.press("Enter")
    editor = page.get_by_label("Backlog report")
    expect(editor).to_be_visible()
    tab_to(page, editor)
    page.keyboard.type("- Typed without a mouse")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # markdownx indents: the nested item
    page.keyboard.type("- and nested with Tab")
    expect(page.locator(".markdownx-preview li li")).to_have_text("and nested with Tab")

    # Escape, then Tab, leaves the text (Tab alone indents); the next stop is Save.
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    save = page.get_by_role("button", name="Save")
    assert is_focused(save), "Esc, Tab did not move the focus out of the editor to Save"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved the Diego section")
    expect(page.locator("#diego li li")).to_have_text("and nested with Tab")
    screenshot(page, "keyboard-saved")


def test_chair_records_a_decision_that_the_decisions_page_lists(page):
    sign_in(page, "chair")
    page.goto("/runtime/2018-06-12/reports/diego/edit/")
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("Decision").fill("Adopt cell rebalancing")
    page.get_by_label("For", exact=True).fill("5")
    page.get_by_label("Against").fill("0")
    page.get_by_label("Abstain").fill("1")
    page.get_by_label("Link").fill("https://lists.example.org/vote/7")
    # The seed's minutes are published: recording a decision there amends them, with a reason.
    page.get_by_label("Reason for the amendment").fill("The vote closed after the meeting")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Recorded the decision in the Diego report.")).to_be_visible()

    page.goto("/runtime/decisions/")
    decision = page.locator("li.decision")
    expect(decision).to_have_count(1)
    expect(decision).to_contain_text("Adopt cell rebalancing (for 5, against 0, abstain 1)")
    assert_headings_in_order(page)
    assert_accessible(page, "decisions-listed")
