"""Action items: one row per `- [ ] @owner: what (due …)` line of a section (format/actions.py), with its fate.

The line in the section's text records the action where it was agreed, so the
minutes' Markdown carries it and an import gives it back; the row is kept in
step with the line (services/search_index.py syncs it on every change of the
text) and adds what the text cannot hold: who the owner is on the roster, and
the outcomes recorded in later meetings (done, dropped, carried).
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from .meeting import MeetingStatus
from .people import NAMELESS, person_name, public_name


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Outcome(models.TextChoices):
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"
    CARRIED = "carried", "Carried to the next meeting"


class ActionOutcomeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(meeting__status=MeetingStatus.PUBLISHED)


class ActionItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(meeting__status=MeetingStatus.PUBLISHED)

    def as_said(self, *, drafts: bool):
        """Each action with where it stands as the minutes its reader may read say: `said_status`,
        `said_closed_in_id` and `said_closed_on` (the closing meeting's date).

        With `drafts`, as recorded (`status`, `closed_in`). Without, as the published minutes say: done where its
        own line says [x], else as the latest outcome recorded in published minutes (carried: open), else open. A
        draft's outcome is not said yet: every public page, the API and the feed read actions through this.
        """
        if drafts:
            return self.annotate(
                said_status=F("status"), said_closed_in_id=F("closed_in_id"), said_closed_on=F("closed_in__date")
            )
        latest = ActionOutcome.objects.published().filter(action=OuterRef("pk")).order_by("-at", "-pk")

        def closing(value, output_field):
            """The latest published outcome's `value`, None when it carried the action on."""
            return Subquery(
                latest.annotate(
                    said=Case(When(outcome=Outcome.CARRIED, then=None), default=value, output_field=output_field)
                ).values("said")[:1],
                output_field=output_field,
            )

        return self.annotate(
            said_status=Case(
                When(done_in_text=True, then=Value(ActionStatus.DONE)),
                default=Coalesce(closing(F("outcome"), models.CharField()), Value(ActionStatus.OPEN)),
                output_field=models.CharField(),
            ),
            said_closed_in_id=Case(
                When(done_in_text=True, then=F("meeting_id")),
                default=closing(F("meeting_id"), models.IntegerField()),
                output_field=models.IntegerField(),
            ),
            said_closed_on=Case(
                When(done_in_text=True, then=F("meeting__date")),
                default=closing(F("meeting__date"), models.DateField()),
                output_field=models.DateField(),
            ),
        )

    def open_at(self, meeting):
        """The committee's actions agreed before the meeting and not closed before it (closed in it: still there).

        As its readers read the minutes: a published meeting's by the published ones only (`as_said`).
        """
        return (
            self.filter(committee_id=meeting.committee_id, meeting__date__lt=meeting.date)
            .as_said(drafts=not meeting.is_published)
            .filter(models.Q(said_closed_on__isnull=True) | models.Q(said_closed_on__gte=meeting.date))
        )

    def owned_by(self, user):
        """Actions owned by the user, or by a team the user leads or co-leads."""
        return self.filter(
            models.Q(owner_user=user) | models.Q(owner_team__leads=user) | models.Q(owner_team__co_leads=user)
        ).distinct()


class ActionItem(models.Model):
    committee = models.ForeignKey("meetings.Committee", on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="actions", help_text="Where it was agreed."
    )
    item = models.ForeignKey("meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.ForeignKey(
        "meetings.BacklogReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anchor = models.CharField(max_length=300, help_text="The section's anchor on the meeting page.")
    section = models.CharField(max_length=500, help_text="Its heading: the team or the section title.")
    position = models.PositiveIntegerField(help_text="Its order in the minutes.")
    text = models.TextField()
    owner = models.CharField(max_length=200, help_text="As the line writes it: a team's slug or a user name.")
    owner_team = models.ForeignKey(
        "meetings.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    due = models.DateField(null=True, blank=True)
    done_in_text = models.BooleanField(default=False, help_text="The line says [x]: done when it was recorded.")
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closed_in = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="closed_actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting__date", "position"]
        indexes = [
            models.Index(fields=["meeting", "position"]),
            models.Index(fields=["committee", "status"]),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.anchor}"

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    @property
    def owner_name(self) -> str:
        """Who owns it as readers read it: the team's name, the person's, else “a member” (never a user name)."""
        if self.owner_team is not None:
            return self.owner_team.name
        return public_name(self.owner_user) if self.owner_user is not None else NAMELESS

    @property
    def owner_is_nameless(self) -> bool:
        """Readers would read “a member”: the line names no team nor person of the roster, or one without a name."""
        return self.owner_team is None and (self.owner_user is None or not person_name(self.owner_user))

    @property
    def said_status_label(self) -> str:
        """The label of `said_status` (ActionItemQuerySet.as_said)."""
        return ActionStatus(self.said_status).label

    def age_in_days(self, today) -> int:
        return (today - self.meeting.date).days


class ActionOutcome(models.Model):
    """What became of an action in a later meeting: recorded against that meeting."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="outcomes")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="action_outcomes")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = ActionOutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.action}"


class CandidateKind(models.TextChoices):
    ACTION = "action", "Action item"
    DECISION = "decision", "Decision"


class DismissedCandidate(models.Model):
    """A line of the archive the chair looked at and left as text (format/actions.candidate_actions,
    format/decisions.candidate_decisions)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="dismissed_candidates")
    # What the line was offered as: leaving it as an action's line says nothing of it as a decision.
    kind = models.CharField(max_length=10, choices=CandidateKind.choices, default=CandidateKind.ACTION)
    anchor = models.CharField(max_length=300)
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text
