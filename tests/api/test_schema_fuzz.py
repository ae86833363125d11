"""The API keeps the promises of its own OpenAPI document: schemathesis, in-process through WSGI, a short bounded run.

Each documented operation gets a few derandomized examples (no network, no
database of its own: the test's, with the pages' published meeting). Every
answer must be a status the document lists, of the type it lists
(`application/problem+json` for errors), in the shape it lists; a request the
schema allows must not be refused as malformed.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from pmc_minutes.wsgi import application
from tests.support.api import API

# Loaded from the site as a client loads it; the request needs no database.
schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", application)


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """As Django's test client does: the end of a request must not close the test's connection (and so its
    transaction, on PostgreSQL)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def minutes(db, published):
    """Something to find: the ids a fuzzer guesses are mostly unknown, a 404 the document lists."""
    return published


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_answer_is_one_the_document_promises(case):
    response = case.call()
    excluded = []
    if case.operation.path == "/api/v1/search" and response.status_code == 400:
        # The search's rules that no schema can state (a word to look for, the dates' order), which its
        # description lists: still a documented problem, checked as every other answer.
        excluded.append(positive_data_acceptance)
    case.validate_response(response, excluded_checks=excluded)
