"""A meeting and its minutes: agenda items, team backlog reports, roadmap entries."""

import re
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from .committee import Committee, ItemKind, Team
from .revision import Revision, RevisionSource


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=MeetingStatus.PUBLISHED)

    def drafts(self):
        return self.filter(status=MeetingStatus.DRAFT)

    def for_committee(self, committee: Committee):
        return self.filter(committee=committee)

    def with_summary(self):
        """Annotate what an archive lists: `reported` teams and the `announcements` text."""
        announcements = AgendaItem.objects.filter(
            meeting=models.OuterRef("pk"), title__iexact="Announcements"
        ).order_by("position")
        return self.annotate(
            # As the minutes count them: a section of blanks only is no report.
            reported=models.Count("reports", filter=models.Q(reports__body__regex=r"\S")),
            announcements=models.Subquery(announcements.values("body")[:1]),
        )

    def cancelled(self):
        return self.filter(status=MeetingStatus.CANCELLED)

    def upcoming(self):
        """Meetings from today on that will take place (not cancelled), soonest first."""
        return self.filter(date__gte=timezone.localdate()).exclude(status=MeetingStatus.CANCELLED).order_by("date")


class MeetingManager(models.Manager.from_queryset(MeetingQuerySet)):
    @transaction.atomic
    def create_from_roster(self, committee: Committee, date, title: str = "") -> "Meeting":
        """A new draft meeting, pre-filled as the chair expects.

        Its agenda comes from the committee's default agenda, one empty report
        per reporting team (with the team's leads as they stand today), and the
        roadmap carried over from the latest earlier meeting.
        """
        meeting = self.create(
            committee=committee,
            date=date,
            title=title or committee.meeting_title(date),
            starts_at=committee.starts_at_on(date),
        )
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    level=2,
                    title=template.title,
                    kind=template.kind,
                    body=template.body,
                    agenda_label=template.agenda_label,
                    agenda_position=position if template.agenda_label else None,
                    footnote=committee.roadmap_disclaimer if template.kind == ItemKind.ROADMAP else "",
                )
                for position, template in enumerate(committee.agenda_for_new_meeting())
            ]
        )

        teams = committee.teams.reporting().prefetch_related("leads")
        BacklogReport.objects.bulk_create(
            [BacklogReport.for_team(meeting, team, position) for position, team in enumerate(teams)]
        )

        previous = self.for_committee(committee).filter(date__lt=date).order_by("-date").first()
        if previous and meeting.items.filter(kind=ItemKind.ROADMAP).exists():
            meeting.copy_roadmap_from(previous)
        return meeting

    def schedule(self, committee: Committee, n: int, *, first=None) -> "Scheduled":
        """Create the meetings of the committee's next `n` cadence dates, each as `create_from_roster` does.

        Dates that already have a meeting (cancelled ones included) are skipped,
        so scheduling the same dates again creates nothing.
        """
        created, skipped = [], []
        for day in committee.next_meeting_dates(n, first=first):
            if self.for_committee(committee).filter(date=day).exists():
                skipped.append(day)
                continue
            try:
                created.append(self.create_from_roster(committee, day))
            except IntegrityError:
                # Created meanwhile by someone else (its own savepoint was rolled back).
                skipped.append(day)
        return Scheduled(created, skipped)


class Scheduled(NamedTuple):
    """What `Meeting.objects.schedule` did: the meetings it created, the dates it left alone."""

    created: list["Meeting"]
    skipped: list


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    preamble = models.TextField(blank=True, help_text="Markdown between the title and the first section.")
    agenda_marker = models.CharField(
        max_length=2, default="*", help_text="List marker of the agenda in the Markdown: *, - or 1."
    )
    roadmap_version = models.PositiveIntegerField(default=1)
    starts_at = models.DateTimeField(null=True, blank=True, help_text="When it starts (stored in UTC).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingManager()

    class Meta:
        ordering = ["-date"]
        get_latest_by = "date"
        constraints = [
            models.UniqueConstraint(fields=["committee", "date"], name="one_meeting_per_committee_per_date"),
        ]
        indexes = [models.Index(fields=["committee", "status", "-date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", args=self._url_args())

    def _url_args(self) -> list:
        return [self.committee.slug, self.date]

    def get_pdf_url(self) -> str:
        return reverse("meetings:meeting_pdf", args=self._url_args())

    def get_markdown_url(self) -> str:
        return reverse("meetings:meeting_markdown", args=self._url_args())

    def get_edit_url(self) -> str:
        return reverse("meetings:meeting_edit", args=self._url_args())

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    def publish(self) -> None:
        self.status = MeetingStatus.PUBLISHED
        self.published_at = timezone.now()
        with transaction.atomic():
            self.save(update_fields=["status", "published_at", "updated_at"])
            self.reindex()  # what the public can now search is exactly what it reads

    def reindex(self) -> None:
        """Bring the search index up to date with the meeting's text (called after every change of it)."""
        from ..search import reindex_meeting  # the index reads the models: imported when used

        reindex_meeting(self)

    def unpublish(self) -> None:
        self.status = MeetingStatus.DRAFT
        self.published_at = None
        self.save(update_fields=["status", "published_at", "updated_at"])

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def cancel(self) -> None:
        """The meeting will not take place: kept with its reports, but no longer upcoming or owed."""
        if self.is_published:
            raise ValueError("Published minutes cannot be cancelled; unpublish them first.")
        self.status = MeetingStatus.CANCELLED
        self.save(update_fields=["status", "updated_at"])

    def uncancel(self) -> None:
        """The meeting takes place after all: a draft again."""
        if not self.is_cancelled:
            raise ValueError("Only a cancelled meeting can be taken back to a draft.")
        self.status = MeetingStatus.DRAFT
        self.save(update_fields=["status", "updated_at"])

    def next_meeting(self) -> "Meeting | None":
        """The committee's next meeting still being prepared (a draft) after this one."""
        later = Meeting.objects.for_committee(self.committee).drafts().filter(date__gt=self.date)
        return later.order_by("date").first()

    def move_written_reports_to(self, meeting: "Meeting", by=None) -> tuple[list["BacklogReport"], list[str]]:
        """Move every written report to that meeting, as `BacklogReport.move_to` does one.

        Returns the reports moved and, for each report that could not move (the
        meeting already has a written report of the team), why. Each move is its own transaction.
        """
        moved, refused = [], []
        for report in self.reports.exclude(body="").select_related("team"):
            if report.is_empty:
                continue  # whitespace only: nothing written to carry over
            try:
                report.move_to(meeting, by=by)
            except ValueError as error:
                refused.append(str(error))
            else:
                moved.append(report)
        return moved, refused

    def save_roadmap(self, entries, *, by=None, expected_version: int, source=RevisionSource.WEB) -> bool:
        """Replace the roadmap unless someone saved it since `expected_version`.

        Like a report's text, the version check is in the UPDATE itself; the
        change is recorded as a revision of the roadmap's outline.
        """
        from ..roadmap import entries_to_text  # the outline is the roadmap's text form

        before = entries_to_text(self.roadmap_entries.all())
        after = entries_to_text(entries)
        if before == after:
            return True
        with transaction.atomic():
            updated = Meeting.objects.filter(pk=self.pk, roadmap_version=expected_version).update(
                roadmap_version=models.F("roadmap_version") + 1, updated_at=timezone.now()
            )
            if updated:
                self.set_roadmap(entries)
                Revision.record(self, "roadmap", before, after, author=by, source=source)
                self.reindex()
        self.refresh_from_db(fields=["roadmap_version", "updated_at"])
        return bool(updated)

    @transaction.atomic
    def set_roadmap(self, entries) -> None:
        """Replace the roadmap with these entries (objects with horizon, text,
        is_heading and team_names), linking the teams they name."""
        self.roadmap_entries.all().delete()
        created = RoadmapEntry.objects.bulk_create(
            [
                RoadmapEntry(meeting=self, horizon=e.horizon, position=i, text=e.text, is_heading=e.is_heading)
                for i, e in enumerate(entries)
            ]
        )
        teams = {team.slug: team for team in self.committee.teams.all()}
        links = [
            RoadmapEntry.teams.through(roadmapentry=entry, team=teams[slug])
            for entry, parsed in zip(created, entries, strict=True)
            for slug in dict.fromkeys(Team.slug_for(name) for name in parsed.team_names)
            if slug in teams
        ]
        RoadmapEntry.teams.through.objects.bulk_create(links)

    @transaction.atomic
    def copy_roadmap_from(self, other: "Meeting") -> None:
        """Replace this meeting's roadmap entries with copies of the other's."""
        self.roadmap_entries.all().delete()
        # New rows rather than the originals re-saved with pk=None: those keep their
        # prefetched teams, and teams.set() then takes the links as already there.
        originals = list(other.roadmap_entries.prefetch_related("teams"))
        copies = RoadmapEntry.objects.bulk_create(
            [
                RoadmapEntry(meeting=self, horizon=e.horizon, position=e.position, text=e.text, is_heading=e.is_heading)
                for e in originals
            ]
        )
        RoadmapEntry.teams.through.objects.bulk_create(
            [
                RoadmapEntry.teams.through(roadmapentry=copy, team=team)
                for copy, original in zip(copies, originals, strict=True)
                for team in original.teams.all()
            ]
        )


class AgendaItem(models.Model):
    """One section of the minutes, in order.

    An item may have no section of its own (level 0): a bullet of the agenda
    with nothing written under it. An item may also have a section but no
    bullet in the agenda (agenda_position empty), like the seed's Discussion.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField(default=2, help_text="Heading level of its section; 0 for none.")
    title = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=ItemKind.choices, default=ItemKind.NOTES)
    body = models.TextField(blank=True)
    footnote = models.TextField(blank=True, help_text="Markdown under the roadmap table: its disclaimer.")
    agenda_position = models.PositiveIntegerField(null=True, blank=True)
    agenda_label = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="unique_item_position"),
        ]

    def __str__(self) -> str:
        return self.title or self.agenda_label

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return "section-" + (re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or str(self.position))

    @property
    def revision_target(self) -> str:
        return "item:" + self.anchor.removeprefix("section-")

    @property
    def has_section(self) -> bool:
        return self.level > 0

    def set_agenda_label(self, label: str) -> None:
        """List the item in the agenda under that label (at the end if new), or unlist it."""
        self.agenda_label = label
        if not label:
            self.agenda_position = None
        elif self.agenda_position is None:
            last = self.meeting.items.aggregate(last=models.Max("agenda_position"))["last"]
            self.agenda_position = 0 if last is None else last + 1

    def save_text(
        self, body: str, *, title: str, agenda_label: str, by=None, expected_version: int, source=RevisionSource.WEB
    ) -> bool:
        """Save the section's title, agenda label and notes unless someone saved since `expected_version`.

        Returns False on such a conflict (the item is then reloaded). The notes
        and the agenda list each get a revision when they change.
        """
        if (body, title, agenda_label) == (self.body, self.title, self.agenda_label):
            return True
        from ..exporting import agenda_lines  # the agenda's text form, as the archive writes it

        siblings = list(self.meeting.items.all())
        agenda_before = "\n".join(agenda_lines(siblings, self.meeting.agenda_marker))
        target_before, body_before = self.revision_target, self.body
        self.title, self.body = title, body
        self.set_agenda_label(agenda_label)
        with transaction.atomic():
            updated = AgendaItem.objects.filter(pk=self.pk, version=expected_version).update(
                title=title,
                body=body,
                agenda_label=self.agenda_label,
                agenda_position=self.agenda_position,
                version=models.F("version") + 1,
            )
            if updated:
                if self.revision_target != target_before:
                    # A new heading is the same section: its history follows it, and stays restorable.
                    self.meeting.revisions.filter(target=target_before).update(target=self.revision_target)
                if body != body_before or self.revision_target != target_before:
                    Revision.record(self.meeting, self.revision_target, body_before, body, author=by, source=source)
                siblings = [self if item.pk == self.pk else item for item in siblings]
                agenda_after = "\n".join(agenda_lines(siblings, self.meeting.agenda_marker))
                if agenda_after != agenda_before:
                    Revision.record(self.meeting, "agenda", agenda_before, agenda_after, author=by, source=source)
                self.meeting.reindex()
        self.refresh_from_db()
        return bool(updated)


class ReportState(models.TextChoices):
    EMPTY = "empty", "empty"
    UNCHANGED = "unchanged", "unchanged from last meeting"
    WRITTEN = "written", "written"


class BacklogReportQuerySet(models.QuerySet):
    def owed_by(self, user):
        """Reports the user leads or co-leads in meetings not yet published, soonest first."""
        return (
            self.filter(models.Q(team__leads=user) | models.Q(team__co_leads=user), meeting__status=MeetingStatus.DRAFT)
            .distinct()
            .order_by("meeting__date", "position")
        )

    def with_previous(self):
        """Annotate each report with its team's latest earlier written report (`previous_body`)."""
        earlier = (
            BacklogReport.objects.filter(
                team=models.OuterRef("team"), meeting__date__lt=models.OuterRef("meeting__date")
            )
            .exclude(body="")
            .order_by("-meeting__date")
        )
        return self.annotate(
            previous_body=models.Subquery(earlier.values("body")[:1]),
            previous_date=models.Subquery(earlier.values("meeting__date")[:1]),
        )


class BacklogReport(models.Model):
    """A team's backlog review in one meeting, with the team as it stood then.

    Name, status label and leads are copied from the roster when the meeting is
    created, so a later change of lead never rewrites old minutes.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="reports")
    position = models.PositiveIntegerField()
    heading = models.CharField(max_length=500, help_text="The heading line as the minutes write it.")
    team_name = models.CharField(max_length=200)
    status_label = models.CharField(max_length=100, blank=True)
    leads = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=100, blank=True)
    group_heading = models.TextField(
        blank=True, help_text="Group heading (and its text) that opens a group of teams before this report."
    )
    body = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BacklogReportQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "team"], name="one_report_per_team_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.team_name} – {self.meeting}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.team.slug}"

    def get_edit_url(self) -> str:
        return reverse("meetings:report_edit", args=[self.meeting.committee.slug, self.meeting.date, self.team.slug])

    @classmethod
    def for_team(cls, meeting: Meeting, team: Team, position: int) -> "BacklogReport":
        """An empty report for the team, recording its name, label and leads as of now."""
        report = cls(
            meeting=meeting,
            team=team,
            position=position,
            team_name=team.name,
            status_label=team.status_label,
            leads=team.leads_display,
            group=team.group,
        )
        report.heading = report.compose_heading()
        return report

    def compose_heading(self) -> str:
        heading = f"### {self.team_name}"
        if self.status_label:
            heading += f" ({self.status_label})"
        if self.leads:
            heading += f" - {self.leads}"
        return heading

    @property
    def state(self) -> ReportState:
        """Empty, written, or the same text as the team's last report (needs `with_previous()`)."""
        if self.is_empty:
            return ReportState.EMPTY
        if (getattr(self, "previous_body", None) or "").strip() == self.body.strip():
            return ReportState.UNCHANGED
        return ReportState.WRITTEN

    def previous_report(self) -> "BacklogReport | None":
        """The team's latest written report before this meeting."""
        return (
            BacklogReport.objects.filter(team_id=self.team_id, meeting__date__lt=self.meeting.date)
            .exclude(body="")
            .select_related("meeting")
            .order_by("-meeting__date")
            .first()
        )

    @property
    def is_empty(self) -> bool:
        return not self.body.strip()

    @property
    def group_intro(self) -> str:
        """Text written under the group heading, before this team's own heading."""
        return self.group_heading.partition("\n")[2].strip()

    def save_text(self, body: str, by=None, expected_version: int | None = None, source=RevisionSource.WEB) -> bool:
        """Store a new body unless someone saved since `expected_version` was read.

        The version check is part of the UPDATE itself, so of two simultaneous
        saves from the same version exactly one applies. Returns False on such a
        conflict (the report is then reloaded with the text saved in between).
        """
        expected = self.version if expected_version is None else expected_version
        if body == self.body:
            return True  # nothing to change: no new version, and no conflict either
        editor = by if by is not None and by.is_authenticated else None
        before = self.body
        with transaction.atomic():
            if expected != self.version:
                # This copy was read at another version: the replaced text is the stored one.
                before = BacklogReport.objects.filter(pk=self.pk).values_list("body", flat=True).get()
            updated = BacklogReport.objects.filter(pk=self.pk, version=expected).update(
                body=body, version=models.F("version") + 1, updated_at=timezone.now(), updated_by=editor
            )
            if updated:
                # The version matched, so `before` is exactly the text this save replaced.
                self.record_revision(before, body, author=editor, source=source)
                self.meeting.reindex()
        self.refresh_from_db()
        return bool(updated)

    @transaction.atomic
    def move_to(self, meeting: Meeting, by=None) -> None:
        """Move the report (text and history) to another meeting of the committee.

        The meeting it leaves keeps an empty section for the team; the meeting
        it joins must not hold a written report of the team already.
        """
        source = self.meeting
        if meeting.pk == source.pk or meeting.committee_id != source.committee_id:
            raise ValueError("A report can only move to another meeting of the same committee.")
        there = meeting.reports.filter(team=self.team).first()
        if there is not None and not there.is_empty:
            raise ValueError(
                f"The {meeting.date:%Y-%m-%d} meeting already has a written {self.team_name} report; "
                "merge the two texts by hand instead."
            )
        if there is not None:
            # An emptied section may have a history: it joins this report's, not the cascade.
            there.revisions.update(report=self)
            position = there.position
            there.delete()
        else:
            position = (meeting.reports.aggregate(last=models.Max("position"))["last"] or 0) + 1
        left_behind = BacklogReport(
            meeting=source,
            team=self.team,
            position=self.position,
            heading=self.heading,
            team_name=self.team_name,
            status_label=self.status_label,
            leads=self.leads,
            group=self.group,
            group_heading=self.group_heading,
        )
        # The row moves only as it was read: a text saved in between is not overwritten by this copy's.
        moved = BacklogReport.objects.filter(pk=self.pk, version=self.version).update(
            meeting=meeting, position=position, version=models.F("version") + 1
        )
        if not moved:
            raise ValueError(f"The {self.team_name} report was saved meanwhile; look at it again before moving it.")
        self.refresh_from_db()
        left_behind.save()
        self.revisions.update(meeting=meeting)
        Revision.record(
            meeting, self.revision_target, "", self.body, author=by, source=RevisionSource.MOVE, report=self
        )
        source.reindex()
        meeting.reindex()

    @property
    def revision_target(self) -> str:
        return f"report:{self.team.slug}"

    def record_revision(self, before: str, after: str, author=None, source=RevisionSource.WEB) -> Revision:
        return Revision.record(
            self.meeting, self.revision_target, before, after, author=author, source=source, report=self
        )


class Horizon(models.TextChoices):
    """Roadmap horizons, in the order the table lists them."""

    RECENTLY_COMPLETED = "recently-completed", "Recently Completed"
    SOON = "soon", "Soon"
    NEXT = "next", "Next"
    FUTURE = "future", "Future"

    @classmethod
    def from_label(cls, label: str) -> "Horizon | None":
        wanted = " ".join(label.split()).lower()
        return next((h for h in cls if h.label.lower() == wanted), None)


class RoadmapEntry(models.Model):
    """One line of the roadmap table, in its horizon.

    A heading line (such as “**cf-deployment GA:**”) introduces the lines under
    it; an empty line is kept as the spacer row that closes a horizon.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roadmap_entries")
    horizon = models.CharField(max_length=20, choices=Horizon.choices)
    position = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    is_heading = models.BooleanField(default=False)
    teams = models.ManyToManyField(Team, blank=True, related_name="roadmap_entries")

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "roadmap entries"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="unique_roadmap_position"),
        ]

    def __str__(self) -> str:
        return self.text or "(spacer)"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#roadmap"

    @property
    def is_spacer(self) -> bool:
        return not self.text.strip()
