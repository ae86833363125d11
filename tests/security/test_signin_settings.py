"""Sign-in providers are configured from the environment, with allauth's safe defaults spelled out."""

import json

from tests.support.production import run

NAMES = [
    "PMC_SIGNIN_PROVIDERS",
    "PMC_PASSWORD_SIGNIN",
    "SOCIALACCOUNT_PROVIDERS",
    "SOCIALACCOUNT_EMAIL_AUTHENTICATION",
    "SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT",
    "SOCIALACCOUNT_LOGIN_ON_GET",
    "AUTHENTICATION_BACKENDS",
]


def settings_with(**env: str) -> dict:
    """The settings of a fresh production process with this environment, and where allauth's GitHub goes."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter as G; "
        f"values = {{name: getattr(settings, name) for name in {NAMES!r}}}; "
        "values['github_urls'] = [G.authorize_url, G.access_token_url, G.profile_url, G.emails_url]; "
        "print(json.dumps(values, default=sorted))"
    )
    result = run("-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_provider_is_on_without_its_client_id_and_password_sign_in_stays():
    values = settings_with()

    assert values["PMC_SIGNIN_PROVIDERS"] == []
    assert values["SOCIALACCOUNT_PROVIDERS"]["github"]["APPS"] == []
    assert values["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"] == []
    assert values["PMC_PASSWORD_SIGNIN"] is True
    assert values["github_urls"][0] == "https://github.com/login/oauth/authorize"


def test_github_enterprise_and_an_oidc_provider_from_the_environment():
    values = settings_with(
        GITHUB_CLIENT_ID="gh-id",
        GITHUB_SECRET="gh-secret",
        GITHUB_URL="https://github.example.org/",
        OIDC_CLIENT_ID="oidc-id",
        OIDC_SECRET="oidc-secret",
        OIDC_SERVER_URL="https://id.example.org/realms/foundation",
        OIDC_NAME="Foundation ID",
        PASSWORD_SIGNIN="false",
    )

    providers = values["SOCIALACCOUNT_PROVIDERS"]
    assert values["PMC_SIGNIN_PROVIDERS"] == ["github", "oidc"]
    assert providers["github"]["APPS"] == [{"client_id": "gh-id", "secret": "gh-secret"}]
    assert providers["openid_connect"]["APPS"] == [
        {
            "provider_id": "oidc",
            "name": "Foundation ID",
            "client_id": "oidc-id",
            "secret": "oidc-secret",
            "settings": {"server_url": "https://id.example.org/realms/foundation"},
        }
    ]
    # allauth's own GitHub Enterprise rule: the web flow on GITHUB_URL, the API under /api/v3.
    assert values["github_urls"] == [
        "https://github.example.org/login/oauth/authorize",
        "https://github.example.org/login/oauth/access_token",
        "https://github.example.org/api/v3/user",
        "https://github.example.org/api/v3/user/emails",
    ]
    assert values["PMC_PASSWORD_SIGNIN"] is False


def test_signin_providers_chooses_among_the_configured_ones():
    values = settings_with(GITHUB_CLIENT_ID="gh-id", OIDC_CLIENT_ID="oidc-id", SIGNIN_PROVIDERS="github")

    assert values["PMC_SIGNIN_PROVIDERS"] == ["github"]
    assert values["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"] == []


def test_no_account_takeover_by_email_and_throttling_first():
    values = settings_with(GITHUB_CLIENT_ID="gh-id")

    assert values["SOCIALACCOUNT_EMAIL_AUTHENTICATION"] is False
    assert values["SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT"] is False
    assert values["SOCIALACCOUNT_LOGIN_ON_GET"] is False
    assert values["AUTHENTICATION_BACKENDS"] == [
        "meetings.auth_backends.PasswordSignInSwitch",  # PASSWORD_SIGNIN=false: no password is checked at all
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ]


def test_check_deploy_is_clean_with_the_providers_on():
    result = run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        GITHUB_CLIENT_ID="gh-id", GITHUB_SECRET="s", OIDC_CLIENT_ID="o", OIDC_SECRET="s",
        OIDC_SERVER_URL="https://id.example.org",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_oidc_provider_id_that_cannot_be_a_url_is_refused_at_start():
    result = run("-c", "import django; django.setup()", OIDC_CLIENT_ID="x", OIDC_PROVIDER_ID="id/with slash")

    assert result.returncode != 0
    assert "OIDC_PROVIDER_ID must be a URL slug" in result.stderr
