"""Publishing tells the committee's mailing list, with the link and the Markdown; a failed e-mail never undoes it."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from meetings.models import FailedTask, MeetingStatus
from meetings.services.editing import save_report
from meetings.services.exporting import meeting_to_markdown
from meetings.services.publishing import publish_meeting
from tests.support.html_tree import parse_html

PUBLISH = "/runtime/2030-01-08/publish/"
LIST = "runtime-pmc@lists.example.org"


def messages_of(response) -> list[str]:
    return [li.text for li in parse_html(response.content.decode()).find_all("li", class_="message")]


@pytest.fixture
def with_list(people, draft, settings):
    settings.PMC_SITE_URL = "https://minutes.example.org"
    people["runtime"].list_address = LIST
    people["runtime"].save()
    save_report(draft.reports.get(team=people["team_x"]), body="- Shipped cell rebalancing\n", by=people["lead_x"])
    return draft


def publish(client, people, **data):
    client.force_login(people["chair"])
    return client.post(PUBLISH, {"action": "publish", **data}, follow=True)


def test_publishing_mails_the_list_the_link_and_the_markdown(client, people, with_list):
    response = publish(client, people)

    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == [LIST]
    assert message.subject == f"Minutes published: {with_list.title}"
    assert "https://minutes.example.org/runtime/2030-01-08/" in message.body
    with_list.refresh_from_db()
    assert meeting_to_markdown(with_list) in message.body
    assert "- Shipped cell rebalancing" in message.body
    assert f"The minutes are being sent to {LIST}." in messages_of(response)


def test_without_a_list_nothing_is_mailed(client, people, draft):
    response = publish(client, people)

    draft.refresh_from_db()
    assert draft.status == MeetingStatus.PUBLISHED
    assert mail.outbox == []
    assert not any("being sent" in message for message in messages_of(response))


def test_a_failed_email_does_not_fail_the_publish_and_waits_for_a_retry(client, people, with_list, monkeypatch, caplog):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({LIST: (550, b"no such list")})

    with monkeypatch.context() as patched, caplog.at_level(logging.ERROR, logger="meetings.services.background"):
        patched.setattr(EmailBackend, "send_messages", refuse)
        response = publish(client, people)

    assert response.status_code == 200
    with_list.refresh_from_db()
    assert with_list.status == MeetingStatus.PUBLISHED
    [failed] = FailedTask.objects.all()
    assert failed.committee == people["runtime"]
    assert failed.description == f"E-mail to {LIST}: {with_list} published"
    assert "SMTPRecipientsRefused" in failed.error
    assert any("send_publication_notice" in record.getMessage() for record in caplog.records)

    # The list's server is back: the chair retries from the failed tasks page.
    client.post(f"/runtime/failed-tasks/{failed.pk}/retry/")
    [message] = mail.outbox
    assert message.to == [LIST]


def test_only_the_publication_is_announced(client, people, with_list):
    publish(client, people)
    publish(client, people)  # already published: not announced again
    client.post(PUBLISH, {"action": "unpublish"})
    assert len(mail.outbox) == 1

    publish(client, people)  # published anew, after changes perhaps: announced
    assert len(mail.outbox) == 2


def test_publishing_from_code_sends_nothing(people, with_list):
    """No save() side effect: imports and scripts that publish do not write to the list."""
    publish_meeting(with_list)
    assert mail.outbox == []


def test_a_lead_cannot_publish_or_mail_the_list(client, people, with_list):
    client.force_login(people["lead_x"])
    assert client.post(PUBLISH, {"action": "publish"}).status_code == 403
    assert mail.outbox == []
