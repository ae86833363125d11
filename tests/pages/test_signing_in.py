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
