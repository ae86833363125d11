"""CSRF: every form refuses a POST without the token; session cookies are locked down in production."""

import pytest
from django.test import Client
from django.urls import resolve

from tests.support.production import production_settings
from tests.support.url_walk import routes

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture

# The forms a forged cross-site POST would most like to reach, with data that would succeed with a token.
FORMS = {
    "sign in": ("/accounts/login/", {"username": "chair", "password": "pw-chair"}),
    "a report": (DRAFT + "reports/diego/edit/", {"body": "forged", "version": "1"}),
    "the chair's publish": (DRAFT + "publish/", {}),
    "the markdownx preview": ("/markdownx/markdownify/", {"content": "**forged**"}),
    "the roster": ("/runtime/roster/", {"action": "add-team", "team-name": "Forged"}),
    "the committee settings": ("/runtime/settings/", {"name": "Forged"}),
}


@pytest.fixture
def csrf_client(people, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["chair"])
    return client


@pytest.mark.parametrize("form", FORMS)
def test_a_post_without_the_token_is_refused(csrf_client, form):
    url, data = FORMS[form]
    if form == "sign in":
        csrf_client.logout()
    response = csrf_client.post(url, data)
    assert response.status_code == 403
    assert b"CSRF" in response.content


@pytest.mark.parametrize("form", FORMS)
def test_the_same_post_with_the_token_is_not_refused(csrf_client, form):
    """The 403 above comes from the missing token, not from the request itself."""
    url, data = FORMS[form]
    if form == "sign in":
        csrf_client.logout()
    csrf_client.get("/accounts/login/" if form == "sign in" else DRAFT + "reports/diego/edit/")  # sets the cookie
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code != 403


def test_a_token_from_another_session_is_refused(csrf_client):
    other = Client(enforce_csrf_checks=True)
    other.get("/accounts/login/")
    forged = other.cookies["csrftoken"].value  # a valid token, but not for this browser's cookie
    response = csrf_client.post(DRAFT + "publish/", {"csrfmiddlewaretoken": forged})
    assert response.status_code == 403


def test_no_view_is_exempt_from_csrf(csrf_client):
    """Every URL of the site, the admin's included, refuses a token-less POST before its view runs.

    The JSON API is the exception on purpose: cookies never authorize a write
    there, only a personal access token in a header, which no other site can
    make a browser send (tests/api/test_writing.py, a session cookie does not write).
    """
    values = {"committee": "runtime", "date": "2030-01-08", "team": "diego", "app_label": "meetings", "url": "x"}
    checked = 0
    for route in routes():
        url = route.url({name: values.get(name, "1") for name in route.params})
        if url.startswith("/api/"):
            continue
        resolve(url)  # the URL reaches the pattern's view: a 404 from the resolver would prove nothing
        response = csrf_client.post(url, {"anything": "x"})
        assert response.status_code == 403, f"{url} ({route.name}) accepted a POST without a CSRF token"
        checked += 1
    assert checked > 50


def test_session_and_csrf_cookies_are_locked_down_in_production():
    assert production_settings(
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_SAMESITE",
    ) == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


def test_the_session_cookie_is_sent_httponly_and_lax(client, people):
    response = client.post("/accounts/login/", {"username": "chair", "password": "pw-chair"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
