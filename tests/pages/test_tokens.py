"""The API tokens page: create one (its secret shown once, only its digest kept), list and revoke one's own."""

import pytest

from meetings.models import ApiToken, TokenLimitReached, TokenScope
from tests.support.accounts import login_redirect, sign_in

URL = "/accounts/tokens/"


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    assert client.get(URL)["Location"] == login_redirect(URL)


def test_the_profile_page_links_to_it(client, people):
    sign_in(client, people, "lead_x")
    assert URL in client.get("/accounts/profile/").content.decode()


def test_creating_a_token_shows_its_secret_once_and_keeps_only_its_digest(client, people):
    sign_in(client, people, "lead_x")
    response = client.post(URL, {"name": "Diego CI", "scope": TokenScope.REPORT})
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret.startswith("pmc_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=people["lead_x"])
    assert token.digest == ApiToken.digest_of(secret) and secret not in (token.digest, token.hint)
    assert "no-store" in response["Cache-Control"]
    again = client.get(URL).content.decode()
    assert "Diego CI" in again and secret not in again


def test_a_lead_who_chairs_nothing_may_not_pick_the_chair_scope(client, people):
    sign_in(client, people, "lead_x")
    response = client.post(URL, {"name": "x", "scope": TokenScope.CHAIR})
    assert response.status_code == 200
    assert "scope" in response.context["form"].errors
    assert not ApiToken.objects.exists()
    sign_in(client, people, "chair")
    assert client.post(URL, {"name": "x", "scope": TokenScope.CHAIR}).status_code == 201


@pytest.mark.parametrize("name", ["", "two\nlines", "x" * 101])
def test_a_bad_name_is_refused_with_a_message(client, people, name):
    sign_in(client, people, "lead_x")
    response = client.post(URL, {"name": name, "scope": TokenScope.REPORT})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_revoking_deletes_ones_own_token_only(client, people):
    mine, _ = ApiToken.objects.issue(people["lead_x"], name="mine", scope=TokenScope.REPORT)
    theirs, _ = ApiToken.objects.issue(people["lead_y"], name="theirs", scope=TokenScope.REPORT)
    sign_in(client, people, "lead_x")
    assert client.post(f"{URL}{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"{URL}{mine.pk}/revoke/").status_code == 405
    assert client.post(f"{URL}{mine.pk}/revoke/")["Location"] == URL
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["theirs"]


def test_an_account_holds_at_most_the_live_tokens_the_site_allows(client, people, settings):
    settings.PMC_API_TOKENS_PER_ACCOUNT = 2
    sign_in(client, people, "lead_x")
    assert [client.post(URL, {"name": f"bot {n}", "scope": TokenScope.REPORT}).status_code for n in (1, 2)] == [201] * 2
    page = client.get(URL).content.decode()
    assert "2 tokens, the most one account may hold" in page
    assert "Create the token" not in page  # no form that could only be refused

    refused = client.post(URL, {"name": "bot 3", "scope": TokenScope.REPORT})
    assert refused.status_code == 200
    assert refused.context["secret"] is None
    assert "the most one account may hold" in refused.content.decode()
    assert ApiToken.objects.filter(user=people["lead_x"]).count() == 2
    # Another account is not held back, and revoking one makes room again.
    assert ApiToken.objects.issue(people["lead_y"], name="theirs", scope=TokenScope.REPORT)
    client.post(f"{URL}{ApiToken.objects.filter(user=people['lead_x']).first().pk}/revoke/")
    assert client.post(URL, {"name": "bot 3", "scope": TokenScope.REPORT}).status_code == 201


def test_the_limit_holds_below_the_page_too(people, settings):
    settings.PMC_API_TOKENS_PER_ACCOUNT = 1
    ApiToken.objects.issue(people["lead_x"], name="one", scope=TokenScope.REPORT)
    with pytest.raises(TokenLimitReached):
        ApiToken.objects.issue(people["lead_x"], name="two", scope=TokenScope.REPORT)
    assert ApiToken.objects.filter(user=people["lead_x"]).count() == 1
