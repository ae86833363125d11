"""The API's browsable docs in a real browser, under the site's real Content-Security-Policy, from our own files."""

from playwright.sync_api import expect

from .browsing import screenshot


def test_the_api_docs_render_under_the_sites_csp_without_a_cdn(new_context, demo):
    page = new_context(bypass_csp=False).new_page()
    refused, elsewhere = [], []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on("request", lambda request: None if request.url.startswith(demo.url) else elsewhere.append(request.url))

    page.goto("/api/v1/docs")

    expect(page.get_by_text("PMC Minutes API")).to_be_visible()
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/committees/{committee}/meetings/latest")
    ).to_be_visible()
    page.locator(".opblock-summary-path", has_text="/api/v1/committees/{committee}/meetings/latest").click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    screenshot(page, "api-docs")
    assert refused == []
    assert elsewhere == []
