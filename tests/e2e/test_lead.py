"""A team lead writes the team's backlog report with the live preview; and two leads save at once."""

import base64
import re
from datetime import date

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from meetings.format.actions import ActionLine
from meetings.models import ActionItem, Committee, Meeting, Team
from meetings.services.actions import record_action
from meetings.services.editing import save_report
from meetings.services.scheduling import create_meeting

from .browsing import assert_accessible, save_screenshots, screenshot, sign_in, small_png

DRAFT = "/runtime/2018-06-26/"
REPORT = """\
#### Diego release 2.8

- Cell rep cleans up **orphaned** containers
  - on Windows cells too
- Notes: [release notes](https://github.com/cloudfoundry/diego-release/releases)

| Metric | Before | After |
|--------|-------:|------:|
| Start time | 12 s | 7 s |

"""


def drop_file(page, target, data: bytes, name: str, mime: str) -> None:
    """Drop a file on an element as a person dragging it from their desktop does."""
    transfer = page.evaluate_handle(
        """([b64, name, mime]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: mime}));
            return transfer;
        }""",
        [base64.b64encode(data).decode(), name, mime],
    )
    target.dispatch_event("dragenter", {"dataTransfer": transfer})
    target.dispatch_event("drop", {"dataTransfer": transfer})


def test_lead_writes_the_report_with_live_preview_and_an_image(new_context):
    # Under the app's real Content-Security-Policy: the editor's scripts must work with it.
    page = new_context(bypass_csp=False).new_page()
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda message: "Content Security Policy" in message.text and script_errors.append(message.text))
    sign_in(page, "diego-lead")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="My sections").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My sections")
    row = page.get_by_role("row", name=re.compile("Diego"))
    expect(row).to_contain_text("2018-06-26")
    screenshot(page, "lead-1-my-sections")
    row.get_by_role("link", name=re.compile("Start from my last report")).click()

    editor = page.get_by_label("Backlog report")
    preview = page.locator(".markdownx-preview")
    expect(page.get_by_role("status")).to_contain_text("Started from your report of 2018-06-12")
    expect(editor).to_have_value(re.compile("Finished exploration of BBS API changes"))
    expect(preview).to_contain_text("Finished exploration of BBS API changes")

    editor.fill(REPORT)
    expect(preview.get_by_role("heading", name="Diego release 2.8")).to_be_visible()
    expect(preview.locator(":scope > ul > li")).to_have_count(2)
    expect(preview.locator("li li")).to_have_text("on Windows cells too")
    expect(preview.get_by_role("link", name="release notes")).to_have_attribute(
        "href", "https://github.com/cloudfoundry/diego-release/releases"
    )
    expect(preview.get_by_role("table").get_by_role("row")).to_have_count(2)
    expect(preview.get_by_role("cell", name="7 s")).to_be_visible()
    expect(preview).not_to_contain_text("Finished exploration")

    # Drop an image on the text: described in the page, then stored and referenced in the text.
    drop_file(page, editor, small_png(), "chart.png", "image/png")
    page.get_by_label("Describe the picture").fill("Start times before and after")
    page.get_by_role("button", name="Insert picture").click()
    expect(editor).to_have_value(re.compile(r"!\[[^\]]*\]\([^)]+\.png\)"))
    image = preview.locator("img")
    expect(image).to_have_count(1)
    page.wait_for_function(
        "() => { const img = document.querySelector('.markdownx-preview img');"
        " return img && img.complete && img.naturalWidth === 24; }"
    )
    screenshot(page, "lead-2-editor-preview")

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(f"{DRAFT}#diego$"))
    expect(page.get_by_role("status")).to_contain_text("Saved the Diego section")
    section = page.locator("#diego")
    expect(section.get_by_role("cell", name="7 s")).to_be_visible()
    expect(section.locator("img")).to_have_count(1)
    screenshot(page, "lead-3-saved")

    # Another team's section is not this lead's to edit.
    response = page.goto(f"{DRAFT}reports/cli/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    screenshot(page, "lead-4-refused")
    assert script_errors == [], "the editor's scripts failed or were refused:\n" + "\n".join(script_errors)


def test_a_refused_upload_says_why_and_leaves_the_text_alone(new_context):
    page = new_context(bypass_csp=False).new_page()
    sign_in(page, "diego-lead")
    page.goto(f"{DRAFT}reports/diego/edit/")
    editor = page.get_by_label("Backlog report")
    editor.fill("- my notes\n")

    drop_file(page, editor, b"minutes, not a picture", "notes.png", "image/png")
    # Named a PNG, it passes the browser's check; the server's, after its description, refuses it.
    page.get_by_label("Describe the picture").fill("My notes")
    page.get_by_role("button", name="Insert picture").click()

    expect(page.get_by_role("alert")).to_contain_text(re.compile("PNG, JPEG, GIF or WebP", re.IGNORECASE))
    expect(editor).to_have_value("- my notes\n")
    screenshot(page, "lead-5-upload-refused")


def test_second_of_two_racing_leads_gets_the_conflict_page_with_their_text(new_context):
    colead = get_user_model().objects.create_user("diego-colead", password="colead-password-7")
    Team.objects.get(committee__slug="runtime", slug="diego").co_leads.add(colead)
    first, second = new_context(bypass_csp=False).new_page(), new_context(bypass_csp=False).new_page()
    sign_in(first, "diego-lead")
    sign_in(second, "diego-colead", "colead-password-7")
    for page in (first, second):
        page.goto(f"{DRAFT}reports/diego/edit/")
        expect(page.get_by_label("Backlog report")).to_have_value("")

    first.get_by_label("Backlog report").fill("- Eric's report: cell rep 2.8 is out")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_role("status")).to_contain_text("Saved the Diego section")

    mine = "- Co-lead's report: Windows cells clean up containers"
    second.get_by_label("Backlog report").fill(mine)
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("alert")).to_contain_text("Someone else saved this while you were editing")
    expect(second.get_by_label("Backlog report")).to_have_value(mine)
    expect(second.locator(".saved-text")).to_have_text("- Eric's report: cell rep 2.8 is out")
    screenshot(second, "race-conflict")


def test_the_lead_closes_an_action_on_my_sections_and_is_asked_before_text_is_replaced(new_context):
    """Done / Dropped / Carried where My sections lists the action, back there; "No update" asks first."""
    runtime = Committee.objects.get(slug="runtime")
    draft = Meeting.objects.get(committee=runtime, date=date(2018, 6, 26))
    item = draft.items.get(title="Announcements")
    for text in ("Publish the v7 CLI guide", "Retire the v6 installer"):
        item.refresh_from_db()
        assert record_action(item, action=ActionLine("cli", text), by=None, expected_version=item.version)
    create_meeting(runtime, day=date(2018, 7, 10))
    page = new_context().new_page()
    sign_in(page, "cli-lead")

    page.goto("/my-sections/")
    listed = page.locator(".open-actions")
    expect(listed.get_by_role("listitem")).to_have_count(2)
    expect(page.locator(".when").first).to_contain_text("days ago")  # the 2018 meetings, from today
    assert_accessible(page, "my-sections-actions")
    save_screenshots(page, "noloss-my-sections")
    guide = listed.get_by_role("listitem").filter(has_text="Publish the v7 CLI guide")
    guide.get_by_label("Note").fill("Waits for the v7 release")
    guide.get_by_role("button", name=re.compile("^Carried")).click()

    expect(page.get_by_role("status")).to_contain_text("Carried to the next meeting")
    assert page.url.endswith("/my-sections/#my-actions")
    installer = listed.get_by_role("listitem").filter(has_text="Retire the v6 installer")
    installer.get_by_role("button", name=re.compile("^Done")).click()
    expect(page.get_by_role("status")).to_contain_text("Recorded the outcome of the action: Done.")
    expect(listed.get_by_role("listitem")).to_have_count(1)  # carried stays, done goes
    statuses = dict(ActionItem.objects.values_list("text", "status"))
    assert statuses == {"Publish the v7 CLI guide": "open", "Retire the v6 installer": "done"}

    report = draft.reports.get(team__slug="cli")
    save_report(report, body="- The v7 CLI is in beta\n", by=None)
    page.goto("/my-sections/")
    row = page.get_by_role("row").filter(has_text="CLI")
    row.get_by_role("button", name=re.compile("^No update this cycle")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("“No update this cycle”?")
    expect(page.get_by_role("main")).to_contain_text("The text stays in the section's history")
    assert_accessible(page, "no-update-confirmation")
    save_screenshots(page, "noloss-no-update-confirmation")
    page.get_by_role("link", name="No, keep the text").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My sections")
    report.refresh_from_db()
    assert report.body == "- The v7 CLI is in beta\n"
