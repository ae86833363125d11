"""Sign-in throttling: repeated failures lock a username out from an address, without telling who exists."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from meetings.throttling import client_ip
from tests.support.builders import make_user

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LIMIT = settings.AXES_FAILURE_LIMIT
LOCKOUT_MESSAGE = "Too many failed sign-ins; try again in 15 minutes"
ERRORS = re.compile(r'<div class="form-errors" role="alert">(.*?)</div>', re.S)


@pytest.fixture
def chair(db):
    return make_user("chair")  # password "pw-chair"


def post_credentials(client, username: str, password: str, url: str = LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client, username: str, times: int, **extra):
    for _ in range(times):
        response = post_credentials(client, username, "not-the-password", **extra)
        assert response.status_code in {200, 429}


def test_the_lockout_is_configured_as_documented():
    assert LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_after_the_limit_even_the_right_password_gets_the_lockout_page(client, chair):
    fail(client, "chair", LIMIT)
    response = post_credentials(client, "chair", "pw-chair")
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_failure_that_reaches_the_limit_already_shows_the_lockout(client, chair):
    fail(client, "chair", LIMIT - 1)
    response = post_credentials(client, "chair", "still-wrong")
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()


def test_below_the_limit_the_right_password_still_signs_in(client, chair):
    fail(client, "chair", LIMIT - 1)
    response = post_credentials(client, "chair", "pw-chair")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(chair.pk)


def test_a_success_resets_the_count(client, chair):
    fail(client, "chair", LIMIT - 1)
    assert post_credentials(client, "chair", "pw-chair").status_code == 302
    client.logout()
    fail(client, "chair", LIMIT - 1)
    response = post_credentials(client, "chair", "pw-chair")
    assert response.status_code == 302, "the failures before the success should no longer count"


def test_unknown_user_and_wrong_password_get_the_same_message(client, chair):
    wrong_password = post_credentials(client, "chair", "not-the-password")
    unknown_user = post_credentials(client, "nobody-by-this-name", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    errors = ERRORS.findall(wrong_password.content.decode())
    assert errors, "the sign-in page should explain the failure"
    assert errors == ERRORS.findall(unknown_user.content.decode())
    assert "Please enter a correct username and password" in errors[0]


def test_an_unknown_user_is_locked_out_exactly_like_a_known_one(client, chair):
    fail(client, "chair", LIMIT)
    fail(client, "nobody-by-this-name", LIMIT)
    known = post_credentials(client, "chair", "pw-chair")
    unknown = post_credentials(client, "nobody-by-this-name", "pw-chair")
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


def test_the_lockout_is_per_username_and_address(client, chair):
    make_user("lead")
    fail(client, "chair", LIMIT, REMOTE_ADDR="203.0.113.7")
    assert post_credentials(client, "chair", "pw-chair", REMOTE_ADDR="203.0.113.7").status_code == 429
    # The same chair from another address, and another user from the same address, are not locked out.
    assert post_credentials(client, "lead", "pw-lead", REMOTE_ADDR="203.0.113.7").status_code == 302
    client.logout()
    assert post_credentials(client, "chair", "pw-chair", REMOTE_ADDR="198.51.100.2").status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, db):
    get_user_model().objects.create_superuser("root", password="pw-root")
    for _ in range(LIMIT):
        post_credentials(client, "root", "not-the-password", url=ADMIN_LOGIN)
    response = post_credentials(client, "root", "pw-root", url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded_for", "counted"),
    [
        (False, "198.51.100.2", "192.0.2.1"),  # no proxy: a client's X-Forwarded-For is ignored
        (True, "203.0.113.9, 198.51.100.2", "198.51.100.2"),  # behind the proxy: the entry the proxy added
        (True, "", "192.0.2.1"),
    ],
)
def test_failures_count_against_the_real_client_address(rf, settings, behind_proxy, forwarded_for, counted):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None
    request = rf.post(LOGIN, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == counted


def test_a_forged_forwarded_for_does_not_dodge_the_lockout(client, settings, chair):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for n in range(LIMIT):
        # Each attempt claims another address first; the proxy appends the real one last.
        post_credentials(client, "chair", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.2")
    response = post_credentials(client, "chair", "pw-chair", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.2")
    assert response.status_code == 429


def test_the_test_client_signs_in_when_given_a_request(client, chair):
    # Throttling needs the request's address, so client.login() needs a request too
    # (force_login, which most tests use, does not authenticate and needs nothing).
    with pytest.raises(ValueError, match="requires a request"):
        client.login(username="chair", password="pw-chair")
    assert client.login(username="chair", password="pw-chair", request=HttpRequest())
