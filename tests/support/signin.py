"""Fixtures of the sign-in tests: the fake provider's process, the site's GitHub and OIDC pointed at it, and
a sign-in through them followed all the way (`sign_in_with`).

allauth reads GITHUB_URL (GitHub Enterprise's address) once, when its GitHub
views are imported; `github_signin` sets it and points those views' URLs where
allauth itself would for that address: <GITHUB_URL>/login/oauth/... and
<GITHUB_URL>/api/v3/...
"""

import copy
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
from django.contrib.auth import get_user_model

from .fake_provider import FakeProvider

GITHUB_LOGIN = "/accounts/github/login/"
OIDC_LOGIN = "/accounts/oidc/foundation/login/"


@pytest.fixture(scope="session")
def fake_provider():
    provider = FakeProvider.start()
    yield provider
    provider.stop()


def _providers(settings) -> dict:
    return copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)  # the test's own copy: settings restores the original


@pytest.fixture
def github_signin(settings, monkeypatch, fake_provider) -> FakeProvider:
    """Sign-in with GitHub on, GitHub being the fake provider (as a GitHub Enterprise)."""
    providers = _providers(settings)
    providers["github"]["APPS"] = [{"client_id": "github-client", "secret": "github-secret"}]
    providers["github"]["GITHUB_URL"] = fake_provider.url
    settings.SOCIALACCOUNT_PROVIDERS = providers
    web_url = fake_provider.url
    api_url = f"{web_url}/api/v3"  # allauth's own rule for a GITHUB_URL (github/views.py)
    monkeypatch.setattr(GitHubOAuth2Adapter, "web_url", web_url)
    monkeypatch.setattr(GitHubOAuth2Adapter, "api_url", api_url)
    monkeypatch.setattr(GitHubOAuth2Adapter, "access_token_url", f"{web_url}/login/oauth/access_token")
    monkeypatch.setattr(GitHubOAuth2Adapter, "authorize_url", f"{web_url}/login/oauth/authorize")
    monkeypatch.setattr(GitHubOAuth2Adapter, "profile_url", f"{api_url}/user")
    monkeypatch.setattr(GitHubOAuth2Adapter, "emails_url", f"{api_url}/user/emails")
    return fake_provider


@pytest.fixture
def oidc_signin(settings, fake_provider) -> FakeProvider:
    """Sign-in with an OpenID Connect provider named “Foundation ID” on, the fake provider being its issuer."""
    providers = _providers(settings)
    providers["openid_connect"]["APPS"] = [
        {
            "provider_id": "foundation",
            "name": "Foundation ID",
            "client_id": "oidc-client",
            "secret": "oidc-secret",
            "settings": {"server_url": fake_provider.oidc_issuer},
        }
    ]
    settings.SOCIALACCOUNT_PROVIDERS = providers
    return fake_provider


def follow(client, response, *, limit: int = 10):
    """Follow redirects as a browser does: the site's with the test client, the provider's over HTTP."""
    for _ in range(limit):
        if response.status_code not in (301, 302, 303):
            return response
        url = response["Location"]
        parts = urlsplit(url)
        if parts.netloc in ("", "testserver"):
            response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        else:
            assert parts.hostname == "127.0.0.1", f"a redirect off this machine: {url}"
            answer = requests.get(url, allow_redirects=False, timeout=10)
            assert answer.status_code == 302, answer.text
            response = _Redirect(answer.headers["Location"])
    raise AssertionError("too many redirects")


class _Redirect:
    status_code = 302

    def __init__(self, location: str):
        self.location = location

    def __getitem__(self, name: str) -> str:
        return self.location


def sign_in_with(client, login_url: str, **data):
    """Press a provider's sign-in button (a POST with the CSRF token) and follow to where it lands."""
    return follow(client, client.post(login_url, data))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None
