"""A lead the roster names by GitHub handle signs in with GitHub, in the browser, and writes the team's section.

GitHub is the fake provider (tests/support/fake_provider.py), a real OAuth 2.0
server on 127.0.0.1 standing where GitHub Enterprise would (GITHUB_URL):
the browser goes to it and back as it would to github.com, and allauth's own
GitHub code exchanges the code and reads the user from it.
"""

import re

from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from meetings.models import BacklogReport, Team

from .browsing import assert_accessible, screenshot

DRAFT = "/runtime/2018-06-26/"


def test_a_lead_named_by_handle_signs_in_with_github_and_edits_the_diego_section(new_context, github_signin):
    diego = Team.objects.get(committee__slug="runtime", slug="diego")
    diego.lead_handles = "dana-gh"
    diego.save()
    github_signin.set_github_user(
        login="Dana-GH",
        id=7001,
        name="Dana Okafor",
        emails=[{"email": "dana@example.org", "primary": True, "verified": True}],
    )
    # Under the app's real Content-Security-Policy: its form-action must let the sign-in go on to GitHub.
    page = new_context(bypass_csp=False).new_page()
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))

    page.goto("/accounts/login/")
    expect(page.get_by_label("Username")).to_be_visible()  # password sign-in stays beside it
    screenshot(page, "signin-1-login-page")
    page.get_by_role("button", name="Sign in with GitHub").click()

    # Through the provider and back: allauth made the account, the roster made it Diego's lead.
    expect(page).to_have_url(re.compile("/my-sections/$"))
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The roster names you on Diego")
    account = SocialAccount.objects.select_related("user").get(provider="github", uid="7001")
    assert diego.leads.filter(pk=account.user.pk).exists()
    screenshot(page, "signin-2-my-sections")

    row = page.get_by_role("row", name=re.compile("Diego"))
    expect(row).to_contain_text("2018-06-26")
    row.get_by_role("link", name=re.compile("^Write")).click()
    page.get_by_label("Backlog report").fill("- Signed in with GitHub and wrote this\n")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(f"{DRAFT}#diego$"))
    expect(page.locator("#diego")).to_contain_text("Signed in with GitHub and wrote this")
    report = BacklogReport.objects.get(meeting__date="2018-06-26", team=diego)
    assert report.body == "- Signed in with GitHub and wrote this\n"
    assert report.revisions.latest("pk").author == account.user
    assert refused == [], "the Content-Security-Policy refused part of the sign-in:\n" + "\n".join(refused)
    screenshot(page, "signin-3-saved")


def test_the_sign_in_page_with_its_provider_buttons_is_accessible(page, github_signin, oidc_signin):
    page.goto("/accounts/login/")

    expect(page.get_by_role("button", name="Sign in with GitHub")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with Foundation ID")).to_be_visible()
    assert_accessible(page, "sign-in with providers")
