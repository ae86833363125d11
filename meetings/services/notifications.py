"""E-mail about minutes: telling a committee's mailing list that its minutes are published.

Called by the view that publishes, not by `publish_meeting`: an import or a
test that publishes must not write to a mailing list. The e-mail goes out as a
background task (services/background.py), retried when the mail server fails,
so a slow SMTP server never holds the chair's request.
"""

import enum
import logging

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from ..models import Meeting
from .background import background_task, enqueue_on_commit
from .exporting import meeting_to_markdown, site_link

logger = logging.getLogger(__name__)


class Notice(enum.Enum):
    QUEUED = "queued"  # on its way (a failure is retried, then listed among the failed tasks)
    NO_LIST = "no list"  # the committee has no list_address


def absolute_url(path: str) -> str:
    """A link to this site for an e-mail: always from PMC_SITE_URL, never from a request's Host or a default."""
    link = site_link(path)
    if link is None:
        raise ImproperlyConfigured("PMC_SITE_URL must be set for e-mails to link to the site.")
    return link


def publication_email(meeting: Meeting) -> EmailMessage:
    """The e-mail to the committee's list: the link to the minutes, and the minutes as Markdown."""
    body = render_to_string(
        "emails/published.txt",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "url": absolute_url(meeting.get_absolute_url()),
            "markdown": meeting_to_markdown(meeting),
        },
    )
    return EmailMessage(f"Minutes published: {meeting.title}", body, to=[meeting.committee.list_address])


def _describe_notice(meeting_id: int) -> tuple[str, int]:
    meeting = Meeting.objects.select_related("committee").get(pk=meeting_id)
    return f"E-mail to {meeting.committee.list_address}: {meeting} published", meeting.committee_id


@background_task(describe=_describe_notice)
def send_publication_notice(meeting_id: int) -> bool:
    """Mail the list about the published minutes; False when there is nothing to send any more."""
    meeting = Meeting.objects.select_related("committee").get(pk=meeting_id)
    if not meeting.committee.list_address or not meeting.is_published:
        return False  # the list was removed, or the minutes unpublished, since
    publication_email(meeting).send()
    return True


def notify_published(meeting: Meeting) -> Notice:
    """Tell the committee's list about the published minutes, if it has one, once the publication commits.

    The minutes are published whatever happens to the e-mail: a failure to send
    is retried by the task queue, then shown among the failed tasks.
    """
    if not meeting.committee.list_address:
        return Notice.NO_LIST
    enqueue_on_commit(send_publication_notice, meeting.pk)
    return Notice.QUEUED
