"""Every URL pattern with odd values in its parts: a 4xx or a page, never a server error."""

import pytest
from django.core.signals import got_request_exception
from django.test import Client

from meetings.models import Revision
from meetings.services.editing import save_report
from meetings.services.invitations import invite, link_path
from tests.support.url_walk import Route, routes

LONG = "a" * 5000
# Values for each kind of URL part; most a converter turns away (a 404 from the
# resolver), the rest reach the views: overlong, out-of-range, unicode, traversal.
ODD = {
    "slug": [LONG, "-", "_", "0", "a" * 201],
    "int": ["0", "00001", "9" * 30, "9223372036854775808"],
    "isodate": ["0000-01-01", "0001-01-01", "9999-12-31", "2018-02-30", "9999-99-99"],
    "str": [LONG, "é中文😀", "..", "%00", "%2e%2e", "%2F", "%C0%AE", "%FF", "-1", "9" * 30, "x'\"<script>"],
}
ODD["path"] = ODD["re"] = ODD["uuid"] = ODD["str"]
# The admin is Django's own, tested upstream: a few values check our ModelAdmins' lookups.
ODD_IN_ADMIN = [LONG, "é中文😀", "%00", "9" * 30]
QUERY = "?q=%00%FF&page=-1&page=9999999999999999999&start=previous&team=" + LONG + "&next=//evil.example/"


@pytest.fixture
def valid(people, draft) -> dict[str, str]:
    """A value for every URL part that reaches a real object, so that one odd part at a time gets to the view."""
    item = draft.items.first()
    report = draft.reports.get(team__slug="diego")
    save_report(report, body="Some text", by=people["chair"], expected_version=report.version)
    invitation = invite(people["runtime"], "new@example.org", team=people["team_x"], by=people["chair"])
    return {
        "committee": "runtime",
        "date": "2030-01-08",
        "team": "diego",
        "item": str(item.pk),
        "revision": str(Revision.objects.latest("pk").pk),
        "pk": str(invitation.pk),
        "token": link_path(invitation).rstrip("/").rsplit("/", 1)[1],
        "app_label": "meetings",
        "object_id": "1",
    }


def fuzzed_urls(route: Route, valid: dict[str, str]):
    """The route with each part in turn replaced by each odd value, the others valid; then every part odd."""
    values = {name: valid.get(name, "x") for name in route.params}
    for name, converter in route.converters.items():
        for odd in ODD_IN_ADMIN if route.format.startswith("admin/") else ODD.get(converter, ODD["str"]):
            yield route.url({**values, name: odd})
    if len(route.params) > 1:
        yield route.url({name: ODD.get(converter, ODD["str"])[0] for name, converter in route.converters.items()})


@pytest.fixture
def server_errors():
    errors = []

    def record(sender, request, **kwargs):
        errors.append(request.path)

    got_request_exception.connect(record)
    yield errors
    got_request_exception.disconnect(record)


@pytest.mark.parametrize("who", ["anonymous", "chair", "superuser"])
def test_no_url_answers_with_a_server_error(people, valid, server_errors, who):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(people[who])
    failures, requests = [], 0
    for route in routes():
        valid_url = route.url({name: valid.get(name, "x") for name in route.params})
        urls = list(fuzzed_urls(route, valid)) if route.params else [valid_url]
        for url in urls:
            checks = [("GET", url), ("GET", url + QUERY)] if url == valid_url else [("GET", url)]
            if route.params and url != valid_url:
                checks.append(("POST", url))  # a missing or odd object: nothing to change
            for method, target in checks:
                response = client.get(target) if method == "GET" else client.post(target, {"x": "y"})
                requests += 1
                if response.status_code >= 500:
                    failures.append(f"{method} {target[:120]} → {response.status_code}")
        if route.name == "logout" and who != "anonymous":
            client.force_login(people[who])  # a GET to logout is refused (405), but stay sure
    assert failures == []
    assert server_errors == []
    assert requests > 500
