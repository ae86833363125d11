"""The chair's schedule page: the next meetings from the cadence, through the form, and their times on the pages."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting
from meetings.services.scheduling import schedule_meetings
from tests.support.accounts import login_redirect, sign_in
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form

SCHEDULE = "/runtime/meetings/schedule/"


def test_the_chair_schedules_meetings_through_the_form(client, runtime, people):
    client.force_login(people["chair"])
    page = client.get(SCHEDULE)
    assert page.status_code == 200
    assert browser_form(page) == {
        "csrfmiddlewaretoken": browser_form(page)["csrfmiddlewaretoken"],
        "count": "4",
        "first": "",
    }
    assert len(parse_html(page.content.decode()).find("ul", class_="schedule-preview").find_all("li")) == 4

    response = client.post(SCHEDULE, {"count": "3", "first": "2030-10-22"}, follow=True)

    assert response.redirect_chain == [("/runtime/", 302)]
    assert [m.date for m in Meeting.objects.filter(committee=runtime).order_by("date")] == [
        date(2030, 10, 22),
        date(2030, 11, 5),
        date(2030, 11, 19),
    ]
    text = response.content.decode()
    assert "Created 3 meetings, pre-filled: 2030-10-22, 2030-11-05, 2030-11-19." in text
    # The chair's list shows each meeting's local time, with the zone.
    assert "10:30 America/Los_Angeles" in text

    again = client.post(SCHEDULE, {"count": "3", "first": "2030-10-22"}, follow=True)
    assert "Left 3 dates alone, already with a meeting: 2030-10-22, 2030-11-05, 2030-11-19." in (again.content.decode())
    assert Meeting.objects.filter(committee=runtime).count() == 3


@pytest.mark.parametrize("count", ["0", "27", "many"])
def test_a_bad_number_of_meetings_is_a_form_error(client, runtime, people, count):
    client.force_login(people["chair"])
    response = client.post(SCHEDULE, {"count": count})
    assert response.status_code == 200
    assert parse_html(response.content.decode()).find(class_="errorlist") is not None
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead_x", 403), ("member", 403), ("other_chair", 403), ("chair", 200), ("superuser", 200)],
)
def test_only_the_committees_chairs_may_schedule(client, runtime, people, who, status):
    sign_in(client, people, who)
    assert client.get(SCHEDULE).status_code == status
    posted = client.post(SCHEDULE, {"count": "2", "first": "2030-01-08"})
    assert posted.status_code == (302 if status == 200 else status)
    assert Meeting.objects.exists() == (status == 200)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, runtime):
    response = client.get(SCHEDULE)
    assert (response.status_code, response["Location"]) == (302, login_redirect(SCHEDULE))
    assert client.post(SCHEDULE, {"count": "2"}).status_code == 302
    assert not Meeting.objects.exists()


def test_the_meeting_page_shows_the_time_in_the_committees_zone(client, runtime, people):
    schedule_meetings(runtime, count=2, first=date(2030, 10, 29))
    client.force_login(people["chair"])

    for url in ("/runtime/2030-11-12/", "/runtime/2030-11-12/edit/"):
        start = parse_html(client.get(url).content.decode()).find("time", class_="starts-at")
        assert start is not None, url
        assert (start.text, start.attrs["datetime"]) == ("10:30 America/Los_Angeles", "2030-11-12T18:30:00+00:00")


def test_the_public_archive_lists_upcoming_meetings_with_their_time(client, runtime):
    schedule_meetings(runtime, count=2, first=timezone.localdate() + timedelta(days=1))

    page = parse_html(client.get("/runtime/").content.decode())

    upcoming = page.find("ul", class_="upcoming").find_all("li")
    assert len(upcoming) == 2
    assert all("America/Los_Angeles" in item.text for item in upcoming)
    assert page.find("a", href="/runtime/meetings.ics") is not None
