"""The dead-letter page: a committee's background work that failed for good, for its chairs to see and retry."""

import pytest
from django.core import mail

from meetings.models import FailedTask
from meetings.services.notifications import send_publication_notice
from meetings.services.publishing import publish_meeting
from tests.support.html_tree import parse_html

PAGE = "/runtime/failed-tasks/"


@pytest.fixture
def dead_letter(people, draft, settings):
    settings.PMC_SITE_URL = "https://minutes.example.org"
    people["runtime"].list_address = "runtime-pmc@lists.example.org"
    people["runtime"].save()
    publish_meeting(draft, by=people["chair"])
    return FailedTask.objects.create(
        task_path=send_publication_notice.module_path,
        description=f"E-mail to runtime-pmc@lists.example.org: {draft} published",
        committee=people["runtime"],
        args=[draft.pk],
        attempts=5,
        error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


def test_the_chair_sees_what_failed_when_and_why(client, people, dead_letter):
    FailedTask.objects.create(
        task_path="x.y", description="Another committee's work", committee=people["extensions"], attempts=5, error="e"
    )
    client.force_login(people["chair"])

    page = parse_html(client.get(PAGE).content.decode())

    [row] = page.find("table", class_="failed-tasks").find("tbody").find_all("tr")
    assert row.find("th").text == dead_letter.description
    assert "after 5 attempts" in row.text
    assert row.find("time").attrs["datetime"] == dead_letter.failed_at.replace(microsecond=0).isoformat()  # HTML: no µs
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in row.find("code").text
    assert row.find("button").text == "Retry"


def test_retrying_sends_it_and_takes_it_off_the_page(client, people, dead_letter):
    client.force_login(people["chair"])

    response = client.post(f"{PAGE}{dead_letter.pk}/retry/", follow=True)

    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == ["runtime-pmc@lists.example.org"]
    assert "Nothing has failed." in response.content.decode()
    dead_letter.refresh_from_db()
    assert dead_letter.retried_by == people["chair"]


@pytest.mark.parametrize("who", ["lead_x", "member", "other_chair"])
def test_only_the_committees_chairs_see_or_retry_it(client, people, dead_letter, who):
    client.force_login(people[who])

    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}{dead_letter.pk}/retry/").status_code == 403
    dead_letter.refresh_from_db()
    assert dead_letter.retried_at is None and mail.outbox == []


def test_anonymous_visitors_are_sent_to_sign_in(client, dead_letter):
    assert client.get(PAGE).status_code == 302


def test_a_retry_is_a_post(client, people, dead_letter):
    client.force_login(people["chair"])

    assert client.get(f"{PAGE}{dead_letter.pk}/retry/").status_code == 405


def test_another_committees_task_cannot_be_retried_from_this_page(client, people, dead_letter):
    elsewhere = FailedTask.objects.create(
        task_path=dead_letter.task_path,
        description="x",
        committee=people["extensions"],
        args=[1],
        attempts=5,
        error="e",
    )
    client.force_login(people["chair"])

    assert client.post(f"{PAGE}{elsewhere.pk}/retry/").status_code == 404
