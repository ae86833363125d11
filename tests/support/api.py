"""Calling the JSON API in tests: a token for one of the `people`, and requests that carry it."""

import json

from django.test import Client

from meetings.models import ApiToken, TokenScope

API = "/api/v1"


def token_for(user, scope: str = TokenScope.CHAIR) -> str:
    """A new token's secret for the user (None for anonymous: no token)."""
    if user is None or not user.is_authenticated:
        return ""
    return ApiToken.objects.issue(user, name="tests", scope=scope)[1]


def put_report(client: Client, url: str, body: str, *, secret: str = "", version=None, reason: str = "", raw=None):
    headers = {}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    data = raw if raw is not None else json.dumps({"body": body, "reason": reason})
    return client.put(url, data=data, content_type="application/json", headers=headers)


def report_url(meeting, team: str) -> str:
    return f"{API}/committees/{meeting.committee.slug}/meetings/{meeting.date}/reports/{team}"
