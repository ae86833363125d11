"""Password reset: in the site's look, throttled per address and per e-mail, and silent about who has an account."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from tests.support.builders import make_user

RESET = "/accounts/password_reset/"
LIMIT = settings.PASSWORD_RESET_LIMIT


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()  # the throttle counts in the cache, which outlives a test
    yield
    cache.clear()


@pytest.fixture
def chair(db):
    return make_user("chair", email="chair@example.org")  # password "pw-chair"


def ask(client, email: str, address: str = "192.0.2.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def template_names(response) -> set[str]:
    return {template.name for template in response.templates}


@pytest.mark.parametrize(
    "url",
    [RESET, "/accounts/password_reset/done/", "/accounts/reset/MQ/bad-token/", "/accounts/reset/done/"],
)
def test_the_reset_pages_are_in_the_sites_look_not_the_admins(db, client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "base.html" in template_names(response)
    assert not any(name.startswith("admin/") for name in template_names(response))


@pytest.mark.parametrize("url", ["/accounts/password_change/", "/accounts/password_change/done/"])
def test_the_password_change_pages_are_in_the_sites_look(chair, client, url):
    client.force_login(chair)
    response = client.get(url)

    assert "base.html" in template_names(response)
    assert not any(name.startswith("admin/") for name in template_names(response))


def test_the_sign_in_page_links_to_the_reset(db, client):
    assert f'href="{RESET}"' in client.get("/accounts/login/").content.decode()


def test_one_address_asking_too_often_gets_429(chair, client):
    for number in range(LIMIT):
        assert ask(client, f"someone-{number}@example.org").status_code == 302

    response = ask(client, "chair@example.org")

    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert "base.html" in template_names(response)
    assert mail.outbox == []
    # Another address is still served.
    assert ask(client, "chair@example.org", address="198.51.100.2").status_code == 302


def test_one_e_mail_asked_for_too_often_gets_429_from_any_address(chair, client):
    for number in range(LIMIT):
        assert ask(client, "Chair@Example.org", address=f"203.0.113.{number}").status_code == 302
    assert len(mail.outbox) == LIMIT

    assert ask(client, "chair@example.org", address="198.51.100.9").status_code == 429
    assert len(mail.outbox) == LIMIT


def test_an_unknown_address_is_throttled_and_answered_exactly_like_a_known_one(chair, client):
    known, unknown = ask(client, "chair@example.org"), ask(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message.to for message in mail.outbox] == [["chair@example.org"]]
    for _ in range(LIMIT - 1):
        ask(client, "nobody@example.org", address="198.51.100.3")
    assert ask(client, "nobody@example.org", address="198.51.100.4").status_code == 429


def test_the_reset_works_end_to_end_with_a_link_to_the_site(chair, client, settings):
    settings.PMC_SITE_URL = "https://minutes.example.org"
    assert ask(client, "chair@example.org").status_code == 302

    [message] = mail.outbox
    [link] = re.findall(r"https://minutes\.example\.org(/accounts/reset/\S+/)", message.body)
    set_password = client.get(link)
    assert set_password.status_code == 302  # to the same page without the token in the address
    form_page = client.get(set_password["Location"])
    assert "base.html" in template_names(form_page)
    done = client.post(
        set_password["Location"], {"new_password1": "a-new-long-pass-phrase", "new_password2": "a-new-long-pass-phrase"}
    )
    assert done.status_code == 302
    client.logout()
    signed_in = client.post("/accounts/login/", {"username": "chair", "password": "a-new-long-pass-phrase"})
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(chair.pk)
