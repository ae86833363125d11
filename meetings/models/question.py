"""Questions the committee's members ask about a team's report before the meeting, and the lead's answers."""

from django.conf import settings
from django.db import models

from .people import member_name


class QuestionQuerySet(models.QuerySet):
    def unanswered(self):
        return self.filter(answer="")


class Question(models.Model):
    """A question or comment on a report of a draft meeting: for the committee's people, never the minutes.

    It reaches the minutes only when the chair copies it, with its answer, into
    the Discussion section (services/questions.py).
    """

    report = models.ForeignKey("meetings.BacklogReport", on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    copied_at = models.DateTimeField(null=True, blank=True, help_text="When the chair copied it into the Discussion.")

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"Question on {self.report}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer.strip())

    @property
    def asker_name(self) -> str:
        return member_name(self.asked_by) if self.asked_by else "someone"

    @property
    def answerer_name(self) -> str:
        return member_name(self.answered_by) if self.answered_by else ""
