"""Signing in lands each person where their work is; the history says what each save changed (issue 17)."""

import re

from playwright.sync_api import expect

from .browsing import DEMO_PASSWORD, assert_accessible, screenshot, sign_in

DRAFT = "/runtime/2018-06-26/"


def test_a_lead_signs_in_to_my_sections_and_a_chair_to_the_committee(new_context):
    lead = new_context().new_page()
    sign_in(lead, "diego-lead")
    expect(lead).to_have_url(re.compile(r"/my-sections/$"))
    expect(lead.get_by_role("heading", level=1)).to_have_text("My sections")

    chair = new_context().new_page()
    sign_in(chair, "chair")
    expect(chair).to_have_url(re.compile(r"/runtime/$"))

    # From a page of the site, signing in comes back to it.
    reader = new_context().new_page()
    reader.goto("/runtime/2018-06-12/")
    reader.get_by_role("link", name="Sign in").click()
    reader.get_by_label("Username").fill("diego-lead")
    reader.get_by_label("Password").fill(DEMO_PASSWORD)
    reader.get_by_role("button", name="Sign in").click()
    expect(reader).to_have_url(re.compile(r"/runtime/2018-06-12/$"))


def test_the_history_shows_what_each_save_changed_and_which_is_current(page):
    sign_in(page, "diego-lead")
    editor_url = f"{DRAFT}reports/diego/edit/"
    for text in ["- Cell rep cleans up containers\n", "- Cell rep cleans up Windows containers\n"]:
        page.goto(editor_url)
        page.get_by_label("Backlog report").fill(text)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Saved the Diego section")

    page.goto(f"{DRAFT}reports/diego/history/")
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("+1 / −0 word")
    expect(rows.nth(0).locator(".badge", has_text="current")).to_be_visible()
    expect(rows.nth(1)).to_contain_text("+5 / −0 words")
    expect(rows.nth(1).locator(".badge", has_text="current")).to_have_count(0)
    assert_accessible(page, "history")
    screenshot(page, "history-summary")
