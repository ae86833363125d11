"""What the committee's decisions page and feed read."""

from ..models import Committee, Decision


def committee_decisions(committee: Committee, *, words: str = ""):
    """The decisions of the committee's published minutes, newest meeting first, those holding every word."""
    decisions = Decision.objects.published().filter(meeting__committee=committee).select_related("meeting__committee")
    if words:
        decisions = decisions.matching(words)
    return decisions.order_by("-meeting__date", "position")
