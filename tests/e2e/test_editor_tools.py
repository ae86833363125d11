"""The Markdown editor of issue 27: formatting with GitHub's shortcuts, pictures checked and described in the page,
Save in reach on a phone; and the meeting's contents folded on a phone."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import AgendaItem, BacklogReport

from .browsing import assert_accessible, docs_screenshot, scroll_overflow, sign_in, small_png

DRAFT = "/runtime/2018-06-26/"
EDIT = f"{DRAFT}reports/diego/edit/"
PUBLISHED = "/runtime/2018-06-12/"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TOO_BIG = 5 * 1024 * 1024 + 1


def open_on(new_context, viewport, path, username="diego-lead"):
    phone = viewport == PHONE
    page = new_context(viewport=viewport, is_mobile=phone, has_touch=phone).new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # leaving with text not saved
    sign_in(page, username)
    page.goto(path)
    return page


def uploads_of(page) -> list[str]:
    """The upload requests the page sends from now on."""
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/markdownx/upload/" in request.url else None)
    return sent


def pick(page, name: str, mime: str, content: bytes) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Image…").click()
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": content}])


def box(locator) -> dict:
    return locator.bounding_box()


def test_the_formatting_buttons_show_their_shortcuts_and_the_keys_format_the_text(page):
    sign_in(page, "diego-lead")
    page.goto(EDIT)
    editor = page.get_by_label("Backlog report")
    toolbar = page.get_by_role("group", name="Insert Markdown")
    for name, keys in [
        ("Bold", "Control+B"),
        ("Italic", "Control+I"),
        ("Quote", "Control+Shift+."),
        ("Code", "Control+E"),
        ("Link", "Control+K"),
        ("Task", "Control+Shift+L"),
    ]:
        button = toolbar.get_by_role("button", name=name, exact=True)
        expect(button).to_have_attribute("aria-keyshortcuts", keys)
        expect(button).to_have_attribute("title", f"{name} ({keys.replace('Control', 'Ctrl')})")
    # Before the text has a task item: the preview's checkbox has no label yet (issue 27, point 15, not this change).
    assert_accessible(page, "editor's toolbar")

    editor.click()
    page.keyboard.type("Ship it")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Control+b")
    page.keyboard.press("End")
    page.keyboard.press("End")
    page.keyboard.type(" now")
    page.keyboard.press("Shift+Control+ArrowLeft")
    page.keyboard.press("Control+i")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Run ")
    page.keyboard.press("Control+e")
    page.keyboard.type("cf push")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Routing said so")
    page.keyboard.press("Control+Shift+Period")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("- Bump Envoy")
    page.keyboard.press("Control+Shift+L")
    expect(editor).to_have_value("**Ship it** _now_\nRun `cf push`\n> Routing said so\n\n- [ ] Bump Envoy")

    preview = page.locator(".markdownx-preview")
    expect(preview.locator("strong")).to_have_text("Ship it")
    expect(preview.locator("em")).to_have_text("now")
    expect(preview.locator("code")).to_have_text("cf push")
    expect(preview.locator("blockquote")).to_have_text("Routing said so")
    expect(preview.get_by_role("listitem").filter(has_text="Bump Envoy").get_by_role("checkbox")).to_have_count(1)

    # The buttons do the same; on marked words Bold takes the marks off again.
    editor.evaluate("e => e.setSelectionRange(2, 9)")  # "Ship it" inside its **
    toolbar.get_by_role("button", name="Bold").click()
    expect(editor).to_have_value(re.compile(r"^Ship it _now_\n"))
    expect(editor).to_be_focused()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_refused_picture_is_said_under_the_toolbar_before_any_upload_and_the_layout_stays(new_context, viewport):
    page = open_on(new_context, viewport, EDIT)
    sent = uploads_of(page)
    toolbar = page.get_by_role("group", name="Insert Markdown")
    editor = page.get_by_label("Backlog report")
    preview = page.locator(".markdownx-preview")
    editor.fill("Kept as typed\n")
    before = box(editor), box(preview)
    alert = page.get_by_role("alert")

    pick(page, "agenda.pdf", "application/pdf", b"%PDF-1.4 not a picture")
    expect(alert).to_have_text("“agenda.pdf” is not a PNG, JPEG, GIF or WebP picture, so it was not inserted.")
    pick(page, "huge.png", "image/png", b"\x89PNG" + b"0" * (TOO_BIG - 4))
    expect(alert).to_have_text("“huge.png” is 5 MB; pictures of at most 5 MB are accepted.")
    expect(page.get_by_role("group", name="The picture to insert")).to_be_hidden()
    assert sent == []  # refused in the browser: nothing sent

    # Under the toolbar, above the text; text and preview where they were.
    assert box(toolbar)["y"] + box(toolbar)["height"] <= box(alert)["y"] < box(editor)["y"]
    assert (box(editor)["x"], box(editor)["width"], box(preview)["x"]) == (
        before[0]["x"],
        before[0]["width"],
        before[1]["x"],
    )
    if viewport == DESKTOP:
        assert abs(box(editor)["y"] - box(preview)["y"]) < 2  # still side by side
    assert scroll_overflow(page) == 0
    expect(editor).to_have_value("Kept as typed\n")
    assert_accessible(page, f"editor with a refused picture ({viewport['width']} px)")
    docs_screenshot(page, f"editor-picture-refused-{'phone' if viewport == PHONE else 'desktop'}")

    # What passes the browser's check is still checked by the server, and its reason shown the same way.
    pick(page, "fake.png", "image/png", b"this is no picture at all")
    page.get_by_label("Describe the picture").fill("A chart")
    page.get_by_role("button", name="Insert picture").click()
    expect(alert).to_contain_text("This is not a PNG, JPEG, GIF or WebP picture")
    assert len(sent) == 1
    expect(editor).to_have_value("Kept as typed\n")
    assert box(alert)["y"] < box(editor)["y"]


def test_the_description_is_asked_with_a_thumbnail_and_cancel_inserts_nothing(new_context):
    page = open_on(new_context, PHONE, EDIT)
    sent = uploads_of(page)
    pick(page, "chart.png", "image/png", small_png())
    row = page.get_by_role("group", name="The picture to insert")
    expect(row.locator("img.image-thumb")).to_have_js_property("naturalWidth", 24)
    assert_accessible(page, "editor asking a picture's description on a phone")
    docs_screenshot(page, "editor-picture-describe-phone")

    page.get_by_role("button", name="Insert picture").click()  # no description yet
    expect(page.get_by_role("alert")).to_contain_text("Describe the picture first")
    row.get_by_role("button", name="Cancel").click()
    expect(row).to_be_hidden()
    expect(page.get_by_role("alert")).to_be_hidden()
    expect(page.get_by_label("Backlog report")).to_have_value("")
    assert sent == []


def test_a_pasted_picture_is_checked_and_described_in_the_page_before_it_is_uploaded(page):
    sign_in(page, "diego-lead")
    page.goto(EDIT)
    sent = uploads_of(page)
    editor = page.get_by_label("Backlog report")
    editor.fill("Before ")
    editor.evaluate(
        """(editor, bytes) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], "pasted.png", {type: "image/png"}));
            editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        list(small_png()),
    )
    row = page.get_by_role("group", name="The picture to insert")
    expect(row).to_contain_text("pasted.png")
    assert sent == []  # not before it is described
    row.get_by_label("Describe the picture").fill("Cell rep memory [after]")
    row.get_by_role("button", name="Insert picture").click()
    expect(editor).to_have_value(re.compile(r"^Before !\[Cell rep memory \\\[after\\\]\]\(/media/uploads/\S+\.png\)$"))
    assert len(sent) == 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_save_stays_in_reach_however_long_the_text(new_context, viewport):
    device = "phone" if viewport == PHONE else "desktop"
    item = AgendaItem.objects.filter(meeting__date="2018-06-26").order_by("position").first()
    for name, path, username, label in [
        ("report", EDIT, "diego-lead", "Backlog report"),
        ("item", f"{DRAFT}items/{item.pk}/edit/", "chair", "Notes"),
    ]:
        page = open_on(new_context, viewport, path, username)
        save = page.get_by_role("button", name="Save", exact=True)
        editor = page.get_by_label(label)
        editor.fill("".join(f"- Line {n} of a long report\n" for n in range(60)))
        expect(page.locator(".markdownx-preview").get_by_role("listitem")).to_have_count(60)
        items = page.locator(".markdownx-preview").get_by_role("listitem")
        for where in ("the text", "the preview's end", "the preview's middle"):
            if where != "the text":
                items.nth(59 if where == "the preview's end" else 30).scroll_into_view_if_needed()
            place = box(save)
            assert place["y"] >= 0 and place["y"] + place["height"] <= viewport["height"], (name, where, place)
        assert scroll_overflow(page) == 0
        assert_accessible(page, f"{name} editor ({device})")
        # The window as the writer sees it, amid the preview with Save at its foot (a full-page picture
        # would show the sticky bar where the first screen ends).
        docs_screenshot(page, f"editor-{name}-{device}", full_page=False)
        save.click()
        expect(page.get_by_role("status")).to_contain_text("Saved")
        page.close()
    report = BacklogReport.objects.get(meeting__date="2018-06-26", team__slug="diego")
    assert report.body.startswith("- Line 0 of a long report\n")


def test_the_meetings_contents_are_folded_on_a_phone_and_open_on_a_desktop(new_context):
    for viewport in (DESKTOP, PHONE):
        device = "phone" if viewport == PHONE else "desktop"
        page = new_context(viewport=viewport, is_mobile=viewport == PHONE).new_page()
        page.goto(PUBLISHED)
        contents = page.get_by_role("navigation", name="Contents")
        routing = contents.get_by_role("link", name="Routing", exact=True)
        if viewport == DESKTOP:
            expect(routing).to_be_visible()
        else:
            expect(routing).to_be_hidden()
            # The minutes themselves start in the first screen.
            first_heading = page.locator(".minutes-body h2").first
            assert box(first_heading)["y"] < viewport["height"], box(first_heading)
        assert_accessible(page, f"meeting ({device})")
        docs_screenshot(page, f"editor-meeting-contents-{device}", full_page=False)  # the first screen
        if viewport == PHONE:
            contents.get_by_text("Contents").click()
            routing.click()
            expect(page).to_have_url(re.compile("#routing$"))
            expect(page.locator("#routing")).to_be_in_viewport()


def test_without_javascript_the_text_saves_and_a_phone_shows_the_contents_open(new_context):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False).new_page()
    sign_in(page, "diego-lead")
    page.goto(EDIT)
    expect(page.get_by_role("group", name="Insert Markdown")).to_have_count(0)  # no toolbar, the plain textarea
    page.get_by_label("Backlog report").fill("- Written without JavaScript\n")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    report = BacklogReport.objects.get(meeting__date="2018-06-26", team__slug="diego")
    assert report.body == "- Written without JavaScript\n"

    page.goto(PUBLISHED)
    expect(
        page.get_by_role("navigation", name="Contents").get_by_role("link", name="Routing", exact=True)
    ).to_be_visible()
