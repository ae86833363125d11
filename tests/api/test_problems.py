"""Every answer under /api/ is the API's: an error is `application/problem+json`, whatever refused the request."""

import pytest
from django.test import Client

from tests.support.api import API


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsafe_method_on_no_endpoint_is_a_404_problem_not_the_csrf_page(db, method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(f"{API}/no-such-endpoint", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    ["/committees/%0A", "/committees/runtime/meetings/null%2Cnull/reports/%0Ax", "/%0A", "/committees/a%0Ab/teams"],
)
def test_an_address_no_route_matches_is_a_404_problem_whatever_characters_it_holds(db, path):
    for client in (Client(), Client(enforce_csrf_checks=True)):
        for method in ("get", "put"):
            response = getattr(client, method)(API + path)
            assert response.status_code == 404, (method, path, response.status_code)
            assert response["Content-Type"] == "application/problem+json", (method, path)
            assert response.json()["status"] == 404


def test_a_refusal_by_the_site_before_the_api_is_a_problem_too(db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = Client(raise_request_exception=False).get(f"{API}/committees", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
