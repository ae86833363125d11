"""E-mail about minutes: telling a committee's mailing list that its minutes are published.

Called by the view that publishes, not by `publish_meeting`: an import or a
test that publishes must not write to a mailing list.
"""

import enum
import logging

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from ..models import Meeting
from .exporting import meeting_to_markdown, site_link

logger = logging.getLogger(__name__)


class Notice(enum.Enum):
    SENT = "sent"
    NO_LIST = "no list"  # the committee has no list_address
    FAILED = "failed"


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


def notify_published(meeting: Meeting) -> Notice:
    """Tell the committee's list about the published minutes, if it has one.

    The minutes are published whatever happens here: a failure to send is
    logged and reported, never raised.
    """
    if not meeting.committee.list_address:
        return Notice.NO_LIST
    try:
        publication_email(meeting).send()
    except Exception:  # SMTP, DNS, a broken backend: all just mean “not sent”
        logger.exception("Could not tell %s that %s is published", meeting.committee.list_address, meeting)
        return Notice.FAILED
    return Notice.SENT
