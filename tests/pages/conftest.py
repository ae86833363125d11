"""Fixtures of the page tests: a meeting published before the `draft`, for the pages that show both."""

from datetime import date

import pytest

from meetings.models import Meeting
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting

PUBLISHED_DATE = date(2029, 12, 25)


@pytest.fixture
def published(people, draft) -> Meeting:
    """The Runtime meeting of 2029-12-25, published; its URL is /runtime/2029-12-25/."""
    meeting = create_meeting(people["runtime"], day=PUBLISHED_DATE)
    publish_meeting(meeting)
    return meeting
