"""Property: whatever bytes and If-Match a client sends to a report, the answer is a 2xx or a 4xx problem.

Derandomized, as tests/security/test_fuzz.py; the report's text only ever
changes by a 200.
"""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.models import BacklogReport, TokenScope
from tests.support.api import report_url, token_for

BUDGET = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["body", "reason", "x"]), children)
    ),
    max_leaves=8,
)
BODIES = st.one_of(
    JSON_VALUES.map(json.dumps),
    st.binary(max_size=200),
    st.text(max_size=200),
    st.builds(
        lambda body, reason: json.dumps({"body": body, "reason": reason}), st.text(max_size=50), st.text(max_size=20)
    ),
)
IF_MATCH = st.one_of(
    st.none(), st.just('"1"'), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)
)


@pytest.fixture
def secret(people) -> str:
    """One token for every example: an account holds a bounded number (PMC_API_TOKENS_PER_ACCOUNT)."""
    return token_for(people["lead_x"], TokenScope.REPORT)


@BUDGET
@given(body=BODIES, if_match=IF_MATCH, content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_any_request_gets_an_answer_or_a_problem_never_a_500(secret, draft, body, if_match, content_type):
    headers = {"Authorization": f"Bearer {secret}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    before = BacklogReport.objects.get(meeting=draft, team__slug="diego")
    response = Client(raise_request_exception=False).put(
        report_url(draft, "diego"), data=body, content_type=content_type, headers=headers
    )
    assert response.status_code in (200, 400, 412, 422, 428), response.content[:300]
    after = BacklogReport.objects.get(pk=before.pk)
    if response.status_code == 200:
        assert response.json()["version"] == after.version
    else:
        assert response["Content-Type"] == "application/problem+json"
        assert (after.body, after.version) == (before.body, before.version)
