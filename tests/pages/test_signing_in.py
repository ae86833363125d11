"""Signing in: demo-style accounts, and the demo's accounts finding their sections."""

from django.contrib.auth import get_user_model

from meetings.demo import load_demo
from tests.support.accounts import LOGIN
from tests.support.pages import edit_links

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
REPORT_X = DRAFT + "reports/diego/edit/"


# --- signing in -------------------------------------------------------------------------------


def test_signing_in_with_a_demo_style_account(client, people, draft):
    user = get_user_model().objects.create_user("diego-lead", email="diego-lead@example.org")
    user.set_password("demo-password")
    user.save()
    people["team_x"].leads.add(user)

    assert client.get(LOGIN).status_code == 200
    wrong = client.post(LOGIN, {"username": "diego-lead", "password": "not-it"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(LOGIN, {"username": "diego-lead", "password": "demo-password"})
    assert (response.status_code, response["Location"]) == (302, "/my-sections/")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert REPORT_X in edit_links(client.get("/my-sections/"))


def test_the_demo_accounts_sign_in_and_find_their_sections(client, db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    list(load_demo())

    response = client.post(LOGIN, {"username": "diego-lead", "password": "demo-password"})

    assert (response.status_code, response["Location"]) == (302, "/my-sections/")
    assert edit_links(client.get("/my-sections/")) == {"/runtime/2018-06-26/reports/diego/edit/"}
    assert client.get("/runtime/2018-06-26/reports/diego/edit/").status_code == 200
    assert client.get("/runtime/2018-06-26/reports/cli/edit/").status_code == 403


# --- where signing in lands -------------------------------------------------------------------


def _sign_in_as(client, user, **extra) -> str:
    user.set_password("landing-password-7")
    user.save()
    response = client.post(LOGIN, {"username": user.get_username(), "password": "landing-password-7", **extra})
    assert response.status_code == 302, "the sign-in was refused"
    return response["Location"]


def test_a_lead_lands_on_my_sections(client, people):
    assert _sign_in_as(client, people["lead_x"]) == "/my-sections/"


def test_a_co_lead_lands_on_my_sections(client, people):
    people["team_y"].co_leads.add(people["member"])
    assert _sign_in_as(client, people["member"]) == "/my-sections/"


def test_a_chair_lands_on_their_committees_page(client, people):
    assert _sign_in_as(client, people["chair"]) == "/runtime/"
    assert _sign_in_as(client, people["other_chair"]) == "/extensions/"


def test_the_chair_of_several_committees_lands_on_my_sections(client, people):
    people["extensions"].chairs.add(people["chair"])
    assert _sign_in_as(client, people["chair"]) == "/my-sections/"


def test_someone_who_neither_leads_nor_chairs_lands_on_the_home_page(client, people):
    assert _sign_in_as(client, people["member"]) == "/"


def test_a_safe_next_still_wins_over_the_landing(client, people, draft):
    assert _sign_in_as(client, people["lead_x"], next=REPORT_X) == REPORT_X


def test_a_next_to_another_site_is_ignored_for_the_landing(client, people):
    assert _sign_in_as(client, people["chair"], next="https://evil.example/runtime/") == "/runtime/"


def test_the_sign_in_link_on_the_home_page_carries_no_next_elsewhere_it_comes_back(client, db):
    assert f'href="{LOGIN}"' in client.get("/").content.decode()
    assert f'href="{LOGIN}?next=/search/"' in client.get("/search/").content.decode()
