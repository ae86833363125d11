"""Publishing minutes (services/publishing.py)."""

from django.utils import timezone

from meetings.models import Meeting, MeetingStatus
from meetings.services.publishing import publish_meeting


def test_publish_and_unpublish_set_status_and_published_at(draft):
    before = timezone.now()
    publish_meeting(draft)
    stored = Meeting.objects.get(pk=draft.pk)
    assert stored.status == MeetingStatus.PUBLISHED and stored.is_published
    assert before <= stored.published_at <= timezone.now()
    assert list(Meeting.objects.published()) == [stored]

    draft.unpublish()
    stored = Meeting.objects.get(pk=draft.pk)
    assert (stored.status, stored.published_at, stored.is_published) == (MeetingStatus.DRAFT, None, False)
    assert list(Meeting.objects.drafts()) == [stored]
