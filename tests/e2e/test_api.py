"""The API in a browser: its docs under the site's real Content-Security-Policy, and a token made on the site
and used by a tool to write a lead's section."""

import re

from playwright.sync_api import expect

from .browsing import assert_accessible, screenshot, sign_in

DRAFT_REPORT = "/api/v1/committees/runtime/meetings/2018-06-26/reports/diego"


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


def test_a_lead_makes_a_token_and_a_tool_writes_the_section_with_it(page):
    sign_in(page, "diego-lead")
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("What uses it").fill("Diego CI")
    page.get_by_label("Write my team reports").check()
    page.get_by_role("button", name="Create the token").click()

    secret = page.locator(".token-secret").inner_text()
    assert re.fullmatch(r"pmc_[\w-]{43}", secret)
    expect(page.get_by_role("cell", name="Diego CI", exact=True)).to_be_visible()
    assert_accessible(page, "api tokens, new token")
    screenshot(page, "api-token-created")

    # The tool: no cookie, the token only, as curl would.
    tool = page.context.browser.new_context(base_url=page.url.split("/accounts")[0])
    auth = {"Authorization": f"Bearer {secret}"}
    version = tool.request.get(DRAFT_REPORT, headers=auth).json()["version"]
    saved = tool.request.put(
        DRAFT_REPORT, headers={**auth, "If-Match": f'"{version}"'}, data={"body": "- Posted from CI"}
    )
    assert saved.status == 200 and saved.json()["version"] == version + 1
    stale = tool.request.put(DRAFT_REPORT, headers={**auth, "If-Match": f'"{version}"'}, data={"body": "- Again"})
    assert stale.status == 412 and stale.json()["current"]["body"] == "- Posted from CI"
    tool.close()

    page.goto("/runtime/2018-06-26/")
    expect(page.locator("#diego").locator("xpath=..")).to_contain_text("Posted from CI")

    # Revoked on the page, the token no longer works.
    page.goto("/accounts/tokens/")
    page.get_by_role("button", name="Revoke the token “Diego CI”").click()
    expect(page.get_by_text("it no longer works")).to_be_visible()
    again = page.context.browser.new_context(base_url=page.url.split("/accounts")[0])
    assert again.request.get(DRAFT_REPORT, headers=auth).status == 401
    again.close()
