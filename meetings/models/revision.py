"""The history of every text in the minutes: who changed what, when, from what."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ..lib.diffing import word_changes
from .people import member_name, person_name, public_name


class RevisionSource(models.TextChoices):
    WEB = "web", "Edited in PMC Minutes"
    IMPORT = "import", "Imported from a file"
    RESTORE = "restore", "Restored from an earlier revision"
    MOVE = "move", "Moved from another meeting"
    GIT = "git", "Imported from git"
    API = "api", "Edited through the API"
    LIVE = "live", "Edited live"


class RevisionQuerySet(models.QuerySet):
    def amendments(self):
        """Changes made to minutes after they were published."""
        return self.filter(after_publication=True)

    def with_current(self):
        """Each revision with `is_current`: no later revision of the same part, so its text is the part's now.

        A subquery in the same SELECT, not a query per row.
        """
        later = Revision.objects.filter(meeting=OuterRef("meeting"), target=OuterRef("target")).filter(
            Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
        )
        return self.annotate(is_current=~Exists(later))


class Revision(models.Model):
    """One saved change of a report, a chair's section, the agenda or the roadmap.

    `target` names what changed: `report:<team slug>`, `item:<position>`,
    `agenda` or `roadmap`, so the history of one part reads as a single list.
    """

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="revisions")
    report = models.ForeignKey(
        "meetings.BacklogReport", null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    target = models.CharField(max_length=250)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=RevisionSource.choices, default=RevisionSource.WEB)
    after_publication = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True, help_text="Why published minutes were amended.")
    # Set by hand for a change replayed from git: the commit's author date, not the moment of the import.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # What git said about a change replayed from a repository (services/git_history.py); blank otherwise.
    # The name and e-mail stay even when `author` matched an account: they are the commit's own words.
    commit_id = models.CharField(max_length=64, blank=True, db_index=True)
    commit_author = models.CharField(max_length=200, blank=True)
    commit_email = models.CharField(max_length=254, blank=True)
    commit_message = models.TextField(blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["meeting", "target", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.target} of {self.meeting} at {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:revision", args=[self.meeting.committee.slug, self.meeting.date, self.pk])

    @classmethod
    def record(
        cls,
        meeting,
        target: str,
        before: str,
        after: str,
        *,
        author=None,
        source=RevisionSource.WEB,
        report=None,
        reason: str = "",
        **details,
    ):
        """Record one change; called inside the transaction that makes it.

        `details` are further fields of the revision: a change replayed from git
        brings its commit and date (GitDetails.fields()).
        """
        return cls.objects.create(
            meeting=meeting,
            report=report,
            target=target,
            before=before,
            after=after,
            author=author if author is not None and author.is_authenticated else None,
            source=source,
            after_publication=meeting.is_published,
            reason=reason,
            **details,
        )

    @property
    def short_commit(self) -> str:
        return self.commit_id[:7]

    @property
    def commit_subject(self) -> str:
        """The first line of the commit's message."""
        return self.commit_message.strip().partition("\n")[0]

    @property
    def can_be_restored(self) -> bool:
        """The agenda list is restored by editing its items; every other text directly."""
        return self.target != "agenda"

    @property
    def part(self) -> str:
        """What the revision changed, in words: “the Diego report”, “Announcements”, “the roadmap”."""
        kind, _, name = self.target.partition(":")
        if kind == "report":
            return f"the {self.report.team_name if self.report else name} report"
        if kind == "item":
            return name.replace("-", " ").capitalize()
        return f"the {kind}"

    @property
    def words_changed(self) -> tuple[int, int]:
        """(words added, words removed) by this revision."""
        return word_changes(self.before, self.after)

    @property
    def member_author_name(self) -> str:
        """Who saved it, as the committee's own history shows it: the person's name, else their handle."""
        if self.author is not None and (person_name(self.author) or not self.commit_author):
            return member_name(self.author)
        return self.author_name

    @property
    def author_name(self) -> str:
        """Who saved it, as the public may read it: never a username."""
        if self.author is not None and (person_name(self.author) or not self.commit_author):
            return public_name(self.author)
        if self.source == RevisionSource.GIT:  # the commit's own name, e.g. for an account without one
            return self.commit_author or self.commit_email or "unknown"
        return "import" if self.source == RevisionSource.IMPORT else "unknown"


class GitImport(models.Model):
    """How far the history of one repository has been imported into a committee: its last commit replayed.

    A repository is known by what was given to `import_minutes --git` (an
    absolute path for a local one), so another clone or fork starts afresh.
    """

    committee = models.ForeignKey("meetings.Committee", on_delete=models.CASCADE, related_name="git_imports")
    repository = models.CharField(max_length=500)
    last_commit = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "repository"], name="one_git_import_per_repository"),
        ]

    def __str__(self) -> str:
        return f"{self.repository} into {self.committee} at {self.last_commit[:7]}"
