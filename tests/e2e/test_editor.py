"""The Markdown editor of issue 17: its toolbar and image button, its width, and no silent loss of text."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from meetings.models import AgendaItem, BacklogReport
from meetings.services.editing import save_report
from meetings.templatetags.minutes_tags import draft_owner

from .browsing import assert_accessible, is_focused, screenshot, scroll_overflow, sign_in, small_png, tab_to

DRAFT = "/runtime/2018-06-26/"
EDIT = f"{DRAFT}reports/diego/edit/"
LONG_URL = "https://github.com/cloudfoundry/diego-release/blob/develop/docs/" + "very-long-path-segment-" * 12 + "end"


def dialogs_of(page) -> list[str]:
    """The types of the dialogs the page opens ("beforeunload", "prompt"), each accepted."""
    seen = []

    def answer(dialog):
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    return seen


def drafts_kept(page) -> dict:
    return page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('pmc-draft:'))"
        ".map(k => [k, JSON.parse(localStorage.getItem(k))]))"
    )


def draft_key(username: str, page: str, version: int) -> str:
    """Where the browser keeps an account's unsaved text of a page: under the account's opaque owner value."""
    owner = draft_owner(get_user_model().objects.get(username=username))
    return f"pmc-draft:{owner}:{page}@{version}"


def press_from_the_text(page, button) -> None:
    """From the text, with the keyboard alone: Esc, Shift+Tab back to the toolbar's button, Enter."""
    page.keyboard.press("Escape")
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        if is_focused(button):
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"{button} not reached with Shift+Tab from the text")


def test_the_toolbar_inserts_the_archives_markdown_at_the_cursor_from_the_keyboard(page):
    sign_in(page, "diego-lead")
    page.goto(EDIT)
    editor = page.get_by_label("Backlog report")
    preview = page.locator(".markdownx-preview")
    toolbar = page.get_by_role("group", name="Insert Markdown")

    tab_to(page, editor)
    page.keyboard.type("Diego release 2.8")
    press_from_the_text(page, toolbar.get_by_role("button", name="Sub-heading"))
    expect(editor).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Cell rep cleans up containers")
    press_from_the_text(page, toolbar.get_by_role("button", name="List item"))
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    press_from_the_text(page, toolbar.get_by_role("button", name="Link"))
    page.keyboard.type("release notes")  # over the words the button selected
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    press_from_the_text(page, toolbar.get_by_role("button", name="Table"))
    page.keyboard.type("Metric")  # over the first heading, which the button selected

    expect(editor).to_have_value(
        "#### Diego release 2.8\n- Cell rep cleans up containers\n\n[release notes](https://)\n\n"
        "| Metric | Column |\n| ------ | ------ |\n|        |        |\n"
    )
    expect(preview.get_by_role("heading", level=4, name="Diego release 2.8")).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_text("Cell rep cleans up containers")
    expect(preview.get_by_role("paragraph").filter(has_text="release notes")).to_be_visible()
    expect(preview.get_by_role("columnheader", name="Metric")).to_be_visible()
    # Each button is named by the words on it, and Undo takes an insertion back.
    expect(toolbar.get_by_role("button")).to_have_text(
        ["Sub-heading", "Bold", "Italic", "Quote", "Code", "Link", "List item", "Task", "Table", "Image…"]
    )
    editor.focus()
    page.keyboard.press("Control+z")
    expect(editor).not_to_have_value(re.compile(r"\| Metric"))


def test_the_image_button_uploads_a_picked_picture_with_the_description_asked_in_the_page(page):
    dialogs = dialogs_of(page)
    sign_in(page, "diego-lead")
    page.goto(EDIT)
    editor = page.get_by_label("Backlog report")
    editor.fill("Start times:\n")

    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Image…").click()
    assert chooser.value.element.get_attribute("accept") == "image/jpeg,image/png,image/gif,image/webp"
    chooser.value.set_files(files=[{"name": "chart.png", "mimeType": "image/png", "buffer": small_png()}])

    row = page.get_by_role("group", name="The picture to insert")
    expect(row.locator("img.image-thumb")).to_have_js_property("naturalWidth", 24)  # the picked file, not yet sent
    expect(row).to_contain_text("chart.png")
    expect(row.get_by_label("Describe the picture")).to_be_focused()
    page.keyboard.type("Start times before and after")
    page.keyboard.press("Enter")  # inserts the picture; the form is not saved

    inserted = re.compile(r"^Start times:\n!\[Start times before and after\]\(/media/uploads/\S+\.png\)$")
    expect(editor).to_have_value(inserted)
    expect(row).to_be_hidden()
    expect(editor).to_be_focused()
    expect(page.locator(".markdownx-preview img")).to_have_attribute("alt", "Start times before and after")
    page.wait_for_function(
        "() => { const img = document.querySelector('.markdownx-preview img'); return img && img.naturalWidth === 24; }"
    )
    assert dialogs == []  # no window.prompt
    assert BacklogReport.objects.get(meeting__date="2018-06-26", team__slug="diego").body == ""


def test_unsaved_text_survives_a_navigation_and_a_reload_until_it_is_saved(page):
    dialogs = dialogs_of(page)
    sign_in(page, "diego-lead")
    page.goto(EDIT)
    editor = page.get_by_label("Backlog report")
    preview = page.locator(".markdownx-preview")
    mine = "- Cell rep cleans up orphaned containers\n"
    editor.click()
    page.keyboard.type(mine)
    assert drafts_kept(page) or page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('pmc-draft:'))"
    )

    # Leaving asks first; the text is kept all the same.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Committees").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert dialogs == ["beforeunload"]
    key = draft_key("diego-lead", EDIT, 1)
    assert drafts_kept(page)[key]["fields"] == {"body": mine}

    page.goto(EDIT)
    notice = page.locator(".draft-notice")
    expect(notice).to_contain_text("Restored text you had not saved")
    expect(editor).to_have_value(mine)
    expect(preview).to_contain_text("Cell rep cleans up orphaned containers")

    page.reload()
    expect(notice).to_contain_text("Restored text you had not saved")
    expect(editor).to_have_value(mine)
    assert dialogs == ["beforeunload", "beforeunload"]  # restored text is still unsaved: the reload asked too

    # Discard goes back to the saved text and forgets the draft: the page may then be left without a question.
    notice.get_by_role("button", name="Discard it").click()
    expect(editor).to_have_value("")
    expect(notice).to_have_count(0)
    assert drafts_kept(page) == {}
    page.reload()
    expect(editor).to_have_value("")
    assert dialogs == ["beforeunload", "beforeunload"]

    # Saving is no leaving: no question, and the kept text goes once saved.
    editor.fill(mine)
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('pmc-draft:'))")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the Diego section")
    assert dialogs == ["beforeunload", "beforeunload"]
    assert drafts_kept(page) == {}
    page.goto(EDIT)
    expect(editor).to_have_value(mine)
    expect(page.locator(".draft-notice")).to_have_count(0)


def test_a_draft_on_an_older_version_comes_back_to_the_conflict_page_not_over_a_newer_save(new_context):
    page = new_context().new_page()
    dialogs_of(page)
    sign_in(page, "diego-lead")
    page.goto(EDIT)
    page.get_by_label("Backlog report").fill("- Mine, never saved\n")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('pmc-draft:'))")
    page.goto("/")
    report = BacklogReport.objects.get(meeting__date="2018-06-26", team__slug="diego")
    save_report(report, body="- The co-lead's\n", expected_version=report.version)

    page.goto(EDIT)
    expect(page.locator(".draft-notice")).to_contain_text("saving this shows both texts to merge")
    expect(page.get_by_label("Backlog report")).to_have_value("- Mine, never saved\n")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else saved this while you were editing")
    expect(page.get_by_label("Backlog report")).to_have_value("- Mine, never saved\n")
    report.refresh_from_db()
    assert report.body == "- The co-lead's\n"


def test_the_chairs_section_form_keeps_its_unsaved_text_too(page):
    dialogs_of(page)
    item = AgendaItem.objects.filter(meeting__date="2018-06-26").order_by("position").first()
    url = f"{DRAFT}items/{item.pk}/edit/"
    sign_in(page, "chair")
    page.goto(url)
    page.get_by_label("Notes").fill("- Announced: the summit's dates\n")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('pmc-draft:'))")
    page.reload()
    expect(page.locator(".draft-notice")).to_contain_text("Restored text you had not saved")
    expect(page.get_by_label("Notes")).to_have_value("- Announced: the summit's dates\n")


def test_the_editor_is_wide_on_a_desktop_stacked_on_a_phone_and_long_urls_wrap(new_context):
    for name, viewport, side_by_side in [
        ("editor-desktop", {"width": 1280, "height": 900}, True),
        ("editor-phone", {"width": 390, "height": 844}, False),
    ]:
        page = new_context(viewport=viewport, is_mobile=not side_by_side, has_touch=not side_by_side).new_page()
        sign_in(page, "diego-lead")
        page.goto(EDIT)
        editor = page.get_by_label("Backlog report")
        preview = page.locator(".markdownx-preview")
        editor.fill(f"#### Diego\n\n- Notes: {LONG_URL}\n- [release notes]({LONG_URL})\n")
        expect(preview.get_by_role("heading", name="Diego")).to_be_visible()
        text, shown = editor.bounding_box(), preview.bounding_box()
        if side_by_side:
            assert shown["x"] >= text["x"] + text["width"] and abs(shown["y"] - text["y"]) < 2
            assert text["width"] > 500 and shown["width"] > 500, (text, shown)
        else:
            assert shown["y"] >= text["y"] + text["height"]
            assert shown["width"] <= viewport["width"]
        assert scroll_overflow(page) == 0, f"the page scrolls sideways at {viewport['width']}px"
        link = preview.get_by_role("link", name="release notes")
        assert link.bounding_box()["x"] + link.bounding_box()["width"] <= shown["x"] + shown["width"] + 1
        assert_accessible(page, name)
        screenshot(page, name)


def test_signing_out_asks_then_forgets_the_text_kept_in_this_browser(page):
    """On a shared computer the next person must not find the lead's unsaved text."""
    answers = []

    def answer(dialog):
        if dialog.type == "beforeunload":  # leaving the editor with text not saved: yes, leave
            dialog.accept()
            return
        answers.append(dialog.message)
        if len(answers) == 1:
            dialog.dismiss()  # "not yet": still signed in, the text kept
        else:
            dialog.accept()

    sign_in(page, "diego-lead")
    page.goto(EDIT)
    page.get_by_label("Backlog report").fill("- Mine, never saved\n")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('pmc-draft:'))")
    page.on("dialog", answer)
    page.goto("/")
    sign_out = page.get_by_role("button", name=re.compile("Sign out"))

    sign_out.click()
    expect(sign_out).to_be_visible()
    assert "Signing out removes it from this browser" in answers[-1]
    assert list(drafts_kept(page)) == [draft_key("diego-lead", EDIT, 1)]

    sign_out.click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert len(answers) == 2 and drafts_kept(page) == {}


def test_the_next_account_on_the_browser_never_finds_the_text_the_last_one_left(new_context):
    """A session that ends without the sign-out button (expiry, cookies cleared) leaves no text to the next account."""
    context = new_context()
    page = context.new_page()
    dialogs_of(page)
    sign_in(page, "diego-lead")
    page.goto(EDIT)
    page.get_by_label("Backlog report").fill("- Diego's lead, never saved\n")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('pmc-draft:'))")
    assert all("diego-lead" not in key for key in drafts_kept(page))  # keyed by an opaque value, not the username

    context.clear_cookies()  # the session is gone, the browser's storage is not
    sign_in(page, "chair")
    page.goto(EDIT)

    expect(page.get_by_label("Backlog report")).to_have_value("")
    expect(page.locator(".draft-notice")).to_have_count(0)
    assert not any("never saved" in str(draft) for draft in drafts_kept(page).values())
