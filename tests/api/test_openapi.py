"""The OpenAPI document: valid OpenAPI 3, and every endpoint it documents answers with a status it documents."""

import json

import pytest
from django.test import Client
from openapi_spec_validator import validate

from meetings.models import TokenScope
from meetings.queries.search import MAX_QUERY_CHARS
from tests.support.api import API, token_for
from tests.support.builders import make_user


@pytest.fixture
def schema(db) -> dict:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi(schema):
    validate(schema)
    assert schema["info"]["version"] == "1"


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def fill(path: str, values: dict) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, path
    return path


def call(client, method: str, url: str, operation: dict, secret: str, version: int):
    query = {p["name"]: "diego" for p in operation.get("parameters", []) if p["in"] == "query" and p.get("required")}
    headers = {"Authorization": f"Bearer {secret}"}
    if method == "put":
        headers["If-Match"] = f'"{version}"'
        return client.put(
            url,
            data=json.dumps({"body": "- walked", "reason": "walk"}),
            content_type="application/json",
            headers=headers,
        )
    return client.get(url, query, headers=headers)


def test_every_documented_endpoint_answers_with_a_documented_status(schema, seed_meeting):
    """Walked with ids that exist (and then with ones that do not): each answer is one the document lists."""
    chair = make_user("chair")
    seed_meeting.committee.chairs.add(chair)
    secret = token_for(chair, TokenScope.CHAIR)
    report = seed_meeting.reports.get(team__slug="diego")
    found = {"committee": "runtime", "date": str(seed_meeting.date), "team": "diego"}
    missing = {"committee": "nope", "date": "1999-01-01", "team": "nope"}
    client = Client()
    walked = []
    for path, method, operation in operations(schema):
        documented = {int(status) for status in operation["responses"]}
        for values, expected in ((found, 200), (missing, 404)):
            report.refresh_from_db()
            response = call(client, method, fill(path, values), operation, secret, report.version)
            status = response.status_code
            assert status in documented, (method, path, status, response.content[:300])
            if path not in (f"{API}/search", f"{API}/committees"):
                assert status == expected, (method, path, status, response.content[:300])
            # Of the type documented for that status.
            assert response["Content-Type"] in operation["responses"][str(status)]["content"], (path, status)
            walked.append((method, path))
    assert ("put", f"{API}/committees/{{committee}}/meetings/{{date}}/reports/{{team}}") in walked
    assert len(walked) >= 2 * 10


def test_the_docs_page_loads_nothing_from_elsewhere_under_the_sites_csp(db):
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # The one exemption: its stylesheet's arrows are data: images; elsewhere images stay 'self' and https.
    assert "img-src 'self' https: data:" in policy
    assert "data:" not in Client().get(f"{API}/committees")["Content-Security-Policy"]
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    # No script written in the page (the settings are JSON data, which a CSP lets scripts read), no CDN.
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
    assert html.count("<script") == 3 and '<script type="application/json"' in html


def test_the_search_limits_are_in_the_schema(schema, db):
    """A client reads the search's limits in the document; a query the schema allows is not refused as too long."""
    parameters = {p["name"]: p["schema"] for p in schema["paths"][f"{API}/search"]["get"]["parameters"]}
    assert parameters["q"]["maxLength"] == MAX_QUERY_CHARS
    assert parameters["q"]["minLength"] == 1
    assert set(schema["components"]["schemas"]["Order"]["enum"]) == {"relevance", "date"}
    client = Client()
    assert client.get(f"{API}/search", {"q": "w" * MAX_QUERY_CHARS}).status_code == 200
    longer = client.get(f"{API}/search", {"q": "w" * (MAX_QUERY_CHARS + 1)})
    assert longer.status_code == 422  # refused by the schema it documents
    assert longer["Content-Type"] == "application/problem+json"
