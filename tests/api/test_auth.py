"""Tokens and rate limits on every endpoint: a wrong Authorization header is 401 everywhere, every request counts."""

import pytest
from django.test import Client

from meetings.models import ApiToken, TokenScope
from tests.support.api import API, put_report, report_url, token_for

# One address of each kind under /api/v1/: public reads, the document, its docs, a draft's report, no endpoint.
ADDRESSES = [
    f"{API}/committees",
    f"{API}/committees/runtime",
    f"{API}/committees/runtime/meetings/latest",
    f"{API}/search?q=runtime",
    f"{API}/openapi.json",
    f"{API}/docs",
    f"{API}/committees/runtime/meetings/2030-01-08/reports/diego",
    f"{API}/no-such-endpoint",
]


def wrong_headers(people) -> dict[str, str]:
    revoked = token_for(people["lead_x"], TokenScope.REPORT)
    ApiToken.objects.filter(digest=ApiToken.digest_of(revoked)).delete()
    inactive = token_for(people["lead_y"], TokenScope.REPORT)
    people["lead_y"].is_active = False
    people["lead_y"].save()
    return {
        "garbage": "Bearer garbage",
        "revoked": f"Bearer {revoked}",
        "inactive account": f"Bearer {inactive}",
        "wrong scheme": f"Basic {token_for(people['chair'])}",
        "no secret": "Bearer",
        "empty": "",
    }


def test_a_wrong_authorization_header_is_401_on_every_endpoint_public_ones_included(people, published):
    client = Client()
    for kind, header in wrong_headers(people).items():
        for url in ADDRESSES:
            response = client.get(url, headers={"Authorization": header})
            assert response.status_code == 401, (kind, url, response.status_code)
            assert response["Content-Type"] == "application/problem+json", (kind, url)
            assert "Bearer" in response["WWW-Authenticate"]
    # Without the header, the public endpoints answer as before.
    assert client.get(f"{API}/committees").status_code == 200


def test_a_wrong_token_is_refused_before_the_method_or_the_body_is_looked_at(people, draft):
    response = put_report(Client(), report_url(draft, "diego"), "x", secret="garbage", version=1)
    assert response.status_code == 401
    response = Client().delete(f"{API}/committees", headers={"Authorization": "Bearer garbage"})
    assert response.status_code == 401


def test_anonymous_reads_are_counted_per_client_address(db, settings):
    settings.PMC_API_READ_RATE_LIMIT = 3
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert [client.get(f"{API}/committees").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(f"{API}/openapi.json")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= settings.PMC_API_RATE_WINDOW_SECONDS
    # Every address under /api/ counts, an unknown one too; another client is not held back.
    assert client.get(f"{API}/nothing-here").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.8").get(f"{API}/committees").status_code == 200


def test_reads_with_a_token_are_counted_per_token_at_the_read_limit(people, draft, settings):
    settings.PMC_API_READ_RATE_LIMIT = 3
    settings.PMC_API_RATE_LIMIT = 1  # the write limit: reads do not spend it
    client = Client()
    mine = {"Authorization": f"Bearer {token_for(people['lead_x'], TokenScope.REPORT)}"}
    url = report_url(draft, "diego")
    assert [client.get(url, headers=mine).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(f"{API}/committees", headers=mine).status_code == 429
    # Another token of the same account reads on; so does the same address without a token.
    again = {"Authorization": f"Bearer {token_for(people['lead_x'], TokenScope.REPORT)}"}
    assert client.get(url, headers=again).status_code == 200
    assert client.get(f"{API}/committees").status_code == 200


def test_writes_are_counted_per_account_whatever_token_sends_them(people, draft, settings):
    settings.PMC_API_RATE_LIMIT = 2
    client = Client()
    url = report_url(draft, "diego")
    report = draft.reports.get(team__slug="diego")
    secrets = [token_for(people["lead_x"], TokenScope.REPORT) for _ in range(3)]
    answers = []
    for secret in secrets:
        report.refresh_from_db()
        answers.append(put_report(client, url, f"from {secret[:8]}", secret=secret, version=report.version))
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2]["Content-Type"] == "application/problem+json"
    assert int(answers[2]["Retry-After"]) >= 1
    # Another account's writes are its own.
    chair = token_for(people["chair"], TokenScope.CHAIR)
    report.refresh_from_db()
    assert put_report(client, url, "chair's", secret=chair, version=report.version).status_code == 200


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_every_method_counts(db, settings, method):
    settings.PMC_API_READ_RATE_LIMIT = 1
    client = Client(REMOTE_ADDR="198.51.100.9")
    getattr(client, method)(f"{API}/committees")
    assert getattr(client, method)(f"{API}/committees").status_code == 429
