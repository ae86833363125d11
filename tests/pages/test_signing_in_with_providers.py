"""Signing in with GitHub and with an OpenID Connect provider, through allauth's real code.

Each sign-in goes all the way: the sign-in button's POST, the redirect to the
provider (the fake one in tests/support/fake_provider.py, a real HTTP server
on 127.0.0.1), its redirect back with a code, and allauth exchanging the code
and reading the user over HTTP. The test client follows the redirects that
are the site's; the ones to the provider are followed with `requests`, as a
browser would.
"""

import re
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from meetings.models import BacklogReport
from meetings.services.invitations import invite, link_path
from tests.support.accounts import LOGIN
from tests.support.pages import browser_form, edit_links, form_errors
from tests.support.signin import GITHUB_LOGIN, OIDC_LOGIN, follow, sign_in_with, signed_in_user

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
REPORT_X = DRAFT + "reports/diego/edit/"
DIEGO = "/runtime/roster/diego/"


def github_emails(*addresses: tuple[str, bool]) -> list[dict]:
    return [{"email": email, "verified": verified, "primary": i == 0} for i, (email, verified) in enumerate(addresses)]


# --- GitHub: the roster's handles -------------------------------------------------------------


def test_signing_in_with_github_as_a_rostered_handle_makes_the_account_a_lead(client, people, draft, github_signin):
    team = people["team_x"]
    team.lead_handles = "eric-malm Diego-Dev"
    team.save()
    github_signin.set_github_user(
        login="diego-dev", id=4001, name="Dana Diego", emails=github_emails(("dana@example.org", True))
    )

    landing = sign_in_with(client, GITHUB_LOGIN)

    user = signed_in_user(client)
    assert user is not None and user not in (people["lead_x"], people["member"])
    assert landing.wsgi_request.path == "/my-sections/"  # a lead's landing: the roster made them one
    assert list(team.leads.order_by("pk")) == [people["lead_x"], user]
    assert (user.get_full_name(), user.email) == ("Dana Diego", "dana@example.org")
    assert REPORT_X in edit_links(landing)
    assert client.get(REPORT_X).status_code == 200
    assert client.get(DRAFT + "reports/cli/edit/").status_code == 403
    # The draft's empty section names its new lead, as an accepted invitation does.
    assert "Dana Diego" in BacklogReport.objects.get(meeting=draft, team=team).heading

    # Signing in again finds the same account, and the roster's link is not made twice.
    client.logout()
    sign_in_with(client, GITHUB_LOGIN)
    assert signed_in_user(client) == user
    assert team.leads.filter(pk=user.pk).count() == 1
    assert get_user_model().objects.filter(socialaccount__provider="github").count() == 1


def test_a_co_lead_handle_makes_a_co_lead(client, people, draft, github_signin):
    people["team_y"].co_lead_handles = "abby"
    people["team_y"].save()
    github_signin.set_github_user(login="Abby", id=4002)

    sign_in_with(client, GITHUB_LOGIN)

    user = signed_in_user(client)
    assert list(people["team_y"].co_leads.all()) == [user]
    assert not people["team_y"].leads.filter(pk=user.pk).exists()
    assert client.get(DRAFT + "reports/cli/edit/").status_code == 200


def test_a_handle_the_roster_does_not_name_gets_an_account_that_only_reads(client, people, draft, github_signin):
    people["team_x"].lead_handles = "diego-dev"
    people["team_x"].save()
    github_signin.set_github_user(login="diego", id=4003)  # a prefix of a rostered handle is another person

    landing = sign_in_with(client, GITHUB_LOGIN)

    user = signed_in_user(client)
    assert user is not None
    assert landing.wsgi_request.path == "/"
    assert not user.led_teams.exists() and not user.co_led_teams.exists()
    assert client.get(REPORT_X).status_code == 404  # the draft is hidden from whoever has no part in it


def test_a_handle_added_to_the_roster_later_links_at_the_next_sign_in(client, people, draft, github_signin):
    github_signin.set_github_user(login="late-lead", id=4004)
    sign_in_with(client, GITHUB_LOGIN)
    user = signed_in_user(client)
    assert client.get(REPORT_X).status_code == 404  # the draft is hidden from whoever has no part in it
    client.logout()

    people["team_x"].lead_handles = "late-lead"
    people["team_x"].save()
    sign_in_with(client, GITHUB_LOGIN)

    assert signed_in_user(client) == user
    assert people["team_x"].leads.filter(pk=user.pk).exists()
    assert client.get(REPORT_X).status_code == 200


# --- a handle is held by the GitHub account that claimed it (its numeric id) ---------------------


@pytest.mark.parametrize("field", ["lead_handles", "co_lead_handles"])
def test_a_handle_registered_again_by_someone_else_after_a_rename_gets_no_lead_rights(
    client, people, draft, github_signin, field
):
    team = people["team_x"]
    setattr(team, field, "diego-dev")
    team.save()
    github_signin.set_github_user(login="diego-dev", id=4001, name="Dana Diego")
    sign_in_with(client, GITHUB_LOGIN)
    dana = signed_in_user(client)
    client.logout()
    # Dana renames her GitHub account; someone else registers "diego-dev" (a new GitHub id) and signs in.
    github_signin.set_github_user(login="Diego-Dev", id=9666, name="Squatter")

    browser = Client()
    landing = sign_in_with(browser, GITHUB_LOGIN)

    squatter = signed_in_user(browser)
    assert squatter not in (None, dana)
    assert not team.leads.filter(pk=squatter.pk).exists() and not team.co_leads.filter(pk=squatter.pk).exists()
    assert "another GitHub account claimed it first" in landing.content.decode()
    assert browser.get(REPORT_X).status_code == 404  # no private notes or questions of the draft either
    # The chair is told on the roster, with whose handle it is and who was refused.
    client.force_login(people["chair"])
    roster = client.get("/runtime/roster/").content.decode()
    assert "GitHub handles claimed by another account" in roster
    assert "“diego-dev” on" in roster and "GitHub user 4001" in roster and "GitHub user 9666" in roster


def test_the_github_account_that_claimed_a_handle_keeps_it_after_renaming(client, people, draft, github_signin):
    team = people["team_x"]
    team.lead_handles = "diego-dev"
    team.save()
    github_signin.set_github_user(login="diego-dev", id=4001)
    sign_in_with(client, GITHUB_LOGIN)
    dana = signed_in_user(client)
    client.logout()
    team.leads.remove(dana)  # e.g. taken off by mistake: the roster's handle still names her

    github_signin.set_github_user(login="dana-renamed", id=4001)
    sign_in_with(client, GITHUB_LOGIN)

    assert signed_in_user(client) == dana
    assert team.leads.filter(pk=dana.pk).exists()
    assert client.get(REPORT_X).status_code == 200


def test_the_chair_gives_a_claimed_handle_to_a_new_account_by_removing_it_and_adding_it_again(
    client, people, draft, github_signin
):
    team = people["team_x"]
    team.lead_handles = "diego-dev"
    team.save()
    github_signin.set_github_user(login="diego-dev", id=4001)
    sign_in_with(Client(), GITHUB_LOGIN)
    client.force_login(people["chair"])
    data = browser_form(client.get(DIEGO))
    assert client.post(DIEGO, {**data, "lead_handles": ""}).status_code == 302
    assert client.post(DIEGO, {**data, "lead_handles": "diego-dev"}).status_code == 302
    client.logout()

    github_signin.set_github_user(login="diego-dev", id=4999)
    sign_in_with(client, GITHUB_LOGIN)

    assert team.leads.filter(pk=signed_in_user(client).pk).exists()
    client.force_login(people["chair"])
    assert "GitHub handles claimed by another account" not in client.get("/runtime/roster/").content.decode()


# --- no account takeover --------------------------------------------------------------------------


@pytest.mark.parametrize("verified", [False, True])
def test_a_github_account_with_the_victims_email_does_not_get_into_the_victims_account(
    client, people, draft, github_signin, verified
):
    victim = people["lead_x"]
    victim.email = "eric@example.org"
    victim.save()
    # The attacker added the victim's address to their own GitHub account (GitHub did not verify
    # it); even a verified address never signs anyone into an account that is not connected.
    github_signin.set_github_user(login="mallory", id=6666, emails=github_emails(("Eric@example.org", verified)))

    sign_in_with(client, GITHUB_LOGIN)

    attacker = signed_in_user(client)
    assert attacker is not None and attacker != victim
    assert not SocialAccount.objects.filter(user=victim).exists()
    assert not attacker.led_teams.exists()
    assert client.get(REPORT_X).status_code == 404  # the draft is hidden from whoever has no part in it
    # An unverified address is not kept on the new account at all.
    assert attacker.email == ("eric@example.org" if verified else "")  # allauth keeps addresses in lower case


def test_a_github_login_equal_to_a_username_here_gets_an_account_of_its_own(client, people, draft, github_signin):
    github_signin.set_github_user(login="lead-x", id=6667)  # lead_x's username on this site

    sign_in_with(client, GITHUB_LOGIN)

    user = signed_in_user(client)
    assert user is not None and user != people["lead_x"]
    assert user.username != "lead-x"
    assert client.get(REPORT_X).status_code == 404


def test_a_deactivated_account_cannot_sign_in_with_github(client, people, github_signin):
    github_signin.set_github_user(login="gone", id=6668)
    sign_in_with(client, GITHUB_LOGIN)
    user = signed_in_user(client)
    client.logout()
    user.is_active = False
    user.save()

    refused = sign_in_with(client, GITHUB_LOGIN)

    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session


# --- CSRF and the OAuth state ----------------------------------------------------------------------


def test_a_provider_sign_in_starts_only_with_a_post_carrying_the_csrf_token(people, github_signin):
    browser = Client(enforce_csrf_checks=True)

    assert browser.post(GITHUB_LOGIN).status_code == 403  # no CSRF token: refused
    page = browser.get(GITHUB_LOGIN)  # a GET (a link on another site) only asks to confirm
    assert page.status_code == 200 and "Location" not in page
    assert 'class="button"' in page.content.decode()  # allauth's confirmation, in the site's look
    token = browser.get(LOGIN).cookies["csrftoken"].value
    started = browser.post(GITHUB_LOGIN, {"csrfmiddlewaretoken": token})
    assert started.status_code == 302
    assert started["Location"].startswith(github_signin.url + "/login/oauth/authorize?")


def test_a_callback_with_a_forged_state_signs_no_one_in(client, people, github_signin):
    github_signin.set_github_user(login="diego-dev", id=4001)
    people["team_x"].lead_handles = "diego-dev"
    people["team_x"].save()
    to_provider = client.post(GITHUB_LOGIN)["Location"]
    back = requests.get(to_provider, allow_redirects=False, timeout=10).headers["Location"]
    forged = re.sub(r"state=[^&]+", "state=forged", back)

    response = client.get(urlsplit(forged).path + "?" + urlsplit(forged).query)

    assert response.status_code == 401  # allauth refuses the callback, on a page in the site's layout
    assert "Third-Party Login Failure" in response.content.decode()
    assert "PMC Minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not people["team_x"].leads.exclude(pk=people["lead_x"].pk).exists()


# --- OpenID Connect ----------------------------------------------------------------------------------


def test_signing_in_with_an_openid_connect_provider(client, people, oidc_signin):
    oidc_signin.set_oidc_user(
        sub="ana-42",
        email="ana@foundation.example",
        email_verified=True,
        name="Ana Lopes",
        given_name="Ana",
        family_name="Lopes",
        preferred_username="ana",
    )
    page = client.get(LOGIN).content.decode()
    assert "Sign in with Foundation ID" in page

    started = client.post(OIDC_LOGIN)
    assert started["Location"].startswith(oidc_signin.oidc_issuer + "/authorize?")
    assert "code_challenge=" in started["Location"]  # PKCE: the fake provider checks the verifier
    landing = follow(client, started)

    user = signed_in_user(client)
    assert landing.wsgi_request.path == "/"
    assert (user.get_full_name(), user.email) == ("Ana Lopes", "ana@foundation.example")
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("foundation", "ana-42")

    client.logout()
    sign_in_with(client, OIDC_LOGIN)
    assert signed_in_user(client) == user


def test_an_unverified_openid_connect_email_is_not_kept(client, people, oidc_signin):
    people["chair"].email = "chair@example.org"
    people["chair"].save()
    oidc_signin.set_oidc_user(sub="eve-1", email="chair@example.org", email_verified=False, name="Eve")

    sign_in_with(client, OIDC_LOGIN)

    user = signed_in_user(client)
    assert user not in (None, people["chair"])
    assert user.email == ""
    assert client.get("/runtime/roster/").status_code == 403


# --- the sign-in page, and password sign-in switched off ------------------------------------------


def test_the_sign_in_page_offers_each_provider_switched_on(client, db, github_signin, oidc_signin):
    response = client.get(LOGIN)
    page = response.content.decode()

    assert "Sign in with GitHub" in page and "Sign in with Foundation ID" in page
    assert 'name="password"' in page  # password sign-in stays by default
    # The buttons' forms may lead on to the providers: browsers check form-action on the redirect too.
    form_action = re.search(r"form-action ([^;]+)", response["Content-Security-Policy"]).group(1).split()
    assert github_signin.url in form_action and "'self'" in form_action


def test_no_provider_buttons_when_none_is_switched_on(client, db):
    page = client.get(LOGIN).content.decode()
    assert "Sign in with" not in page
    assert 'name="password"' in page
    # A provider's URLs say it is not there, rather than fail.
    assert client.post(GITHUB_LOGIN).status_code == 404
    assert client.get(GITHUB_LOGIN + "callback/?code=x&state=y").status_code == 404
    assert client.post(OIDC_LOGIN).status_code == 404


def test_password_sign_in_can_be_switched_off(client, people, settings, github_signin):
    settings.PMC_PASSWORD_SIGNIN = False
    people["lead_x"].set_password("right-password-7")
    people["lead_x"].save()

    page = client.get(LOGIN).content.decode()
    refused = client.post(LOGIN, {"username": "lead-x", "password": "right-password-7"})

    assert 'name="password"' not in page and "Sign in with GitHub" in page
    assert refused.status_code == 403 and "switched off" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.post("/accounts/password_reset/", {"email": "x@example.org"}).status_code == 404


# --- invitations -----------------------------------------------------------------------------------


def test_an_invitation_is_accepted_by_signing_in_with_github(client, people, draft, github_signin):
    invitation = invite(people["runtime"], "newlead@example.org", team=people["team_y"])
    link = link_path(invitation)
    page = client.get(link).content.decode()
    assert "Sign in with GitHub" in page and f'name="next" value="{link}"' in page
    github_signin.set_github_user(login="new-lead", id=5001)

    back = sign_in_with(client, GITHUB_LOGIN, next=link)

    assert back.wsgi_request.path == link  # back on the invitation, signed in
    user = signed_in_user(client)
    accepted = client.post(link)
    assert accepted.status_code == 302
    invitation.refresh_from_db()
    assert invitation.used_by == user
    assert people["team_y"].leads.filter(pk=user.pk).exists()


def test_the_invitation_offers_no_password_sign_up_when_password_sign_in_is_off(
    client, people, settings, github_signin
):
    settings.PMC_PASSWORD_SIGNIN = False
    invitation = invite(people["runtime"], "newlead@example.org", team=people["team_y"])
    users = get_user_model().objects.count()

    page = client.get(link_path(invitation)).content.decode()
    client.post(
        link_path(invitation),
        {"username": "x", "password1": "a-Long-pw-77", "password2": "a-Long-pw-77"},
    )

    assert 'name="password1"' not in page and "Sign in with GitHub" in page
    assert get_user_model().objects.count() == users


# --- the roster's handles ---------------------------------------------------------------------------


def test_the_chair_sets_the_leads_github_handles_on_the_roster(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get(DIEGO))

    response = client.post(DIEGO, {**data, "lead_handles": "@Eric-Malm, dana", "co_lead_handles": "abby"})

    assert response.status_code == 302, form_errors(response)
    people["team_x"].refresh_from_db()
    assert (people["team_x"].lead_handles, people["team_x"].co_lead_handles) == ("Eric-Malm dana", "abby")
    assert "GitHub: Eric-Malm dana" in client.get("/runtime/roster/").content.decode()


@pytest.mark.parametrize("handles", ["not_a_handle", "-dash", "a--b", "x" * 40, "https://github.com/eric"])
def test_a_github_handle_github_would_not_allow_is_refused(client, people, handles):
    client.force_login(people["chair"])
    data = browser_form(client.get(DIEGO))

    response = client.post(DIEGO, {**data, "lead_handles": handles})

    assert response.status_code == 200
    assert "Not a GitHub handle" in response.content.decode()


def test_a_new_team_takes_its_leads_github_handles(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get("/runtime/roster/"), action="add-team")

    response = client.post(
        "/runtime/roster/", {**data, "team-name": "BOSH", "team-status": "active", "team-lead_handles": "bosh-lead"}
    )

    assert response.status_code == 302, form_errors(response)
    assert people["runtime"].teams.get(slug="bosh").lead_handles == "bosh-lead"
