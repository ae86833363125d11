"""A reader of the published minutes, on a desktop and on a phone: no account needed."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from .browsing import screenshot, scroll_overflow

SEED = "/runtime/2018-06-12/"


def test_reader_browses_searches_and_downloads_the_minutes(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Committees")).to_be_visible()
    page.get_by_role("heading", name="Runtime").get_by_role("link").click()

    expect(page).to_have_url(re.compile("/runtime/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Runtime PMC minutes")
    # The archive lists the meeting (its wording may change; its address does not).
    page.get_by_role("main").locator(f"a[href='{SEED}']").first.click()

    expect(page).to_have_url(re.compile(f"{SEED}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2018-06-12")
    toc = page.get_by_role("navigation", name="Contents")
    toc.get_by_role("link", name="Diego", exact=True).click()
    expect(page).to_have_url(re.compile(f"{SEED}#diego$"))
    diego = page.locator("#diego")
    expect(diego).to_be_in_viewport()
    expect(diego).to_contain_text("Finished exploration of BBS API changes")
    screenshot(page, "reader-1-meeting-at-diego")

    diego.get_by_role("link", name="All Diego reports").click()
    expect(page).to_have_url(re.compile("/runtime/teams/diego/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Diego")
    expect(page.locator("article.timeline-report")).to_have_count(1)
    screenshot(page, "reader-2-team-timeline")

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Search").click()
    page.get_by_label("Search the minutes").fill("Envoy")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=Envoy"))
    hit = page.locator("article.search-hit").filter(has=page.get_by_role("heading", name="Garden-Windows"))
    expect(hit).to_contain_text("Envoy")
    screenshot(page, "reader-3-search")
    hit.get_by_role("link", name="Garden-Windows").click()
    expect(page).to_have_url(re.compile(f"{SEED}#garden-windows$"))
    expect(page.locator("#garden-windows")).to_be_in_viewport()
    expect(page.locator("#garden-windows")).to_contain_text("Envoy")

    pdf = _open_download(page, "PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    # Chromium shows a PDF in its viewer, whose page is what the response body then holds: fetch
    # the file itself with the same session to read it.
    body = page.request.get(pdf.url).body()
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 3, f"the minutes fit in {len(reader.pages)} page(s)?"
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Finished exploration of BBS API" in text

    markdown = _open_download(page, "Markdown")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text().startswith("# Runtime PMC Meeting 2018-06-12")
    assert "### Diego" in markdown.text()


def _open_download(page, name: str):
    """Click one of the meeting's download links; the response the browser got."""
    page.goto(SEED)
    with page.expect_response(lambda response: response.request.is_navigation_request()) as navigation:
        page.locator("p.downloads").get_by_role("link", name=name).click()
    response = navigation.value
    assert response.status == 200, f"{name}: HTTP {response.status} for {response.url}"
    return response


def test_meeting_page_fits_a_phone_and_its_navigation_works(new_context):
    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    for path in ("/", "/runtime/", SEED, "/runtime/teams/diego/", "/search/?q=Envoy"):
        page.goto(path)
        assert scroll_overflow(page) <= 0, f"{path} scrolls sideways on a phone by {scroll_overflow(page)} px"

    page.goto(SEED)
    screenshot(page, "mobile-1-meeting")
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_text("Contents").tap()  # folded on a phone
    contents.get_by_role("link", name="Routing", exact=True).tap()
    expect(page).to_have_url(re.compile("#routing$"))
    expect(page.locator("#routing")).to_be_in_viewport()
    assert scroll_overflow(page) <= 0

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Search").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the minutes")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Committees").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Committees")
    screenshot(page, "mobile-2-home")
