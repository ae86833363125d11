"""Background work that failed for good: the dead letters a chair or an admin looks at and retries."""

from django.conf import settings
from django.db import models


class FailedTaskQuerySet(models.QuerySet):
    def waiting(self):
        """Not retried yet: what the dead-letter page lists."""
        return self.filter(retried_at__isnull=True)


class FailedTask(models.Model):
    """A background task that failed on each of its attempts (services/background.py).

    Written by whatever backend ran it (the worker, or the request itself in
    development), so the page works the same with either. Its arguments are
    kept as JSON, exactly as enqueued, so that retrying enqueues the same call.
    """

    task_path = models.CharField(max_length=200, help_text="The task's dotted path, e.g. meetings.services....")
    description = models.CharField(max_length=300, help_text="What the task was doing, in words.")
    committee = models.ForeignKey(
        "meetings.Committee", null=True, blank=True, on_delete=models.CASCADE, related_name="failed_tasks",
        help_text="The committee the work was for; empty for site-wide work (admins only).",
    )  # fmt: skip
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    attempts = models.PositiveIntegerField()
    error = models.TextField(help_text="The last attempt's exception, one line.")
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(auto_now_add=True)
    retried_at = models.DateTimeField(null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FailedTaskQuerySet.as_manager()

    class Meta:
        ordering = ["-failed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.description} (failed {self.attempts}×)"
