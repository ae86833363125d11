"""Limits on what a request may carry: each refused with a clear message or a 4xx page, never a 500."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from meetings import urls as app_urls
from meetings.forms.fields import MAX_BODY_CHARS
from meetings.models import BacklogReport, Meeting, Team
from tests.support.url_walk import routes

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
REPORT = DRAFT + "reports/diego/edit/"
APP_NAMES = {pattern.name for pattern in app_urls.urlpatterns}
TOO_LONG = "at most"  # Django's “Ensure this value has at most N characters (it has M).”


@pytest.fixture
def chair(client, people, draft):
    client.force_login(people["chair"])
    return client


def diego_report(draft) -> BacklogReport:
    return draft.reports.get(team__slug="diego")


def test_a_report_over_the_limit_is_refused_with_a_form_error(chair, draft):
    response = chair.post(REPORT, {"body": "x" * (MAX_BODY_CHARS + 1), "version": "1"})
    assert response.status_code == 200
    assert f"at most {MAX_BODY_CHARS:,}".replace(",", "") in response.content.decode().replace(",", "")
    assert diego_report(draft).body == ""


def test_the_largest_report_fits_in_a_request_even_in_four_byte_characters(chair, draft):
    body = "😀" * MAX_BODY_CHARS  # 12 bytes each once form-encoded
    assert len(urlencode({"body": body})) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = chair.post(REPORT, {"body": body, "version": "1"})
    assert response.status_code == 302
    assert diego_report(draft).body == body


def test_a_meeting_title_over_300_characters_is_a_form_error(chair):
    response = chair.post("/runtime/meetings/new/", {"date": "2030-02-05", "title": "T" * 301})
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not Meeting.objects.filter(date="2030-02-05").exists()
    assert chair.post("/runtime/meetings/new/", {"date": "2030-02-05", "title": "T" * 300}).status_code == 302


def test_an_item_title_over_300_characters_is_a_form_error(chair, draft):
    item = draft.items.first()
    url = f"{DRAFT}items/{item.pk}/edit/"
    data = {"title": "T" * 301, "agenda_label": "", "body": "", "version": str(item.version)}
    response = chair.post(url, data)
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    item.refresh_from_db()
    assert len(item.title) < 301
    assert chair.post(url, {**data, "title": "T" * 300, "agenda_label": "L" * 301}).status_code == 200


def test_a_team_name_over_the_column_is_a_form_error(chair, people):
    response = chair.post("/runtime/roster/", {"action": "add-team", "team-name": "N" * 201, "team-status": "active"})
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not Team.objects.filter(name="N" * 201).exists()


@pytest.mark.parametrize("first", ["9999-12-25", "0001-01-01", "10000-01-01"])
def test_a_schedule_from_an_impossible_date_is_a_form_error(chair, first):
    response = chair.post("/runtime/meetings/schedule/", {"count": "26", "first": first})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_meeting_on_an_impossible_date_is_a_form_error(chair, day):
    response = chair.post("/runtime/meetings/new/", {"date": day, "title": ""})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


def test_a_request_body_over_the_limit_gets_the_400_page(chair, draft):
    oversize = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = chair.post(REPORT, {"body": oversize, "version": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bad request" in page and "too large" in page
    assert diego_report(draft).body == ""


def test_too_many_fields_get_the_400_page(chair):
    fields = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = chair.post(REPORT, fields)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_the_upload_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


PUBLIC_PAGES = ["/", ".pdf", ".md", "/history/"]
EDITOR_PAGES = ["/edit/", "/readiness/", "/attendance/", "/reports/diego/edit/", "/reports/diego/history/"]
IMPOSSIBLE_DATES = ["0000-01-01", "2018-02-30", "9999-99-99", "2018-13-01", "2018-00-10", "2019-02-29"]
EXTREME_DATES = ["9999-12-31", "0001-01-01"]


@pytest.mark.parametrize("day", IMPOSSIBLE_DATES)
@pytest.mark.parametrize("who", ["anonymous", "chair"])
def test_an_impossible_meeting_date_is_not_found(people, draft, who, day):
    client = Client(raise_request_exception=False)
    if who == "chair":
        client.force_login(people["chair"])
    for page in PUBLIC_PAGES + EDITOR_PAGES:
        assert client.get(f"/runtime/{day}{page}").status_code == 404, f"/runtime/{day}{page}"


@pytest.mark.parametrize("day", EXTREME_DATES)
def test_a_meeting_date_at_the_ends_of_the_calendar_is_not_found(client, people, draft, day):
    for page in PUBLIC_PAGES:
        assert client.get(f"/runtime/{day}{page}").status_code == 404, f"/runtime/{day}{page}"
    client.force_login(people["chair"])
    for page in PUBLIC_PAGES + EDITOR_PAGES:
        assert client.get(f"/runtime/{day}{page}").status_code == 404, f"/runtime/{day}{page}"


@pytest.mark.parametrize(
    "url",
    [
        "/runtime/2030-01-08/items/99999999999999999999999/edit/",
        "/runtime/2030-01-08/history/99999999999999999999999/",
        "/runtime/invitations/99999999999999999999999/revoke/",
        "/runtime/2030-01-08/reports/" + "a" * 5000 + "/edit/",
        "/" + "a" * 5000 + "/",
        "/accounts/invitation/" + "a" * 5000 + "/",
        "/accounts/invitation/%00/",
        "/runtime/2030-01-08/reports/%2e%2e/edit/",
    ],
)
def test_malformed_url_parts_are_not_found(people, draft, url):
    client = Client(raise_request_exception=False)
    client.force_login(people["chair"])
    response = client.get(url)
    if response.status_code == 405:  # an action: POST is its only method
        response = client.post(url)
    assert response.status_code == 404


def test_a_nul_in_a_url_part_never_reaches_a_view():
    """PostgreSQL refuses NUL in a query (a 500): every part of the app's URLs is a converter without it."""
    with pytest.raises(Resolver404):
        resolve("/accounts/invitation/abc\x00def/")
    loose = [
        route.format for route in routes() if route.name in APP_NAMES and {"str", "path"} & {*route.converters.values()}
    ]
    assert loose == []
