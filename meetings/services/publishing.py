"""Publishing minutes: the meeting's status, the search index that must show exactly what the public reads,
and the committee's git mirror."""

from django.db import transaction
from django.utils import timezone

from ..models import ActionItem, Meeting, MeetingStatus
from .mirroring import mirror_later, mirror_withdrawal
from .search_index import reindex_meeting


def publish_meeting(meeting: Meeting, *, by=None) -> None:
    """Publish the minutes (again, when already published: a new publication time)."""
    meeting.status = MeetingStatus.PUBLISHED
    meeting.published_at = timezone.now()
    with transaction.atomic():
        meeting.save(update_fields=["status", "published_at", "updated_at"])
        reindex_meeting(meeting)  # what the public can now search is exactly what it reads
        _touch_outcomes_of(meeting)
        mirror_later(meeting, author=by, message=f"Publish {meeting.committee.name} minutes of {meeting.date}")


def unpublish_meeting(meeting: Meeting, *, by=None) -> None:
    """Make published minutes a draft again: off the public pages, and out of the committee's git mirror."""
    with transaction.atomic():
        meeting.unpublish()
        _touch_outcomes_of(meeting)
        mirror_withdrawal(meeting, author=by)


def _touch_outcomes_of(meeting: Meeting) -> None:
    # The public reads the outcomes of published minutes only (ActionItemQuerySet.as_said): those recorded here
    # change what other minutes' cached pages and API answers say, whose versions read the actions' updated_at.
    ActionItem.objects.filter(outcomes__meeting=meeting).update(updated_at=timezone.now())
