"""A meeting and its minutes: agenda items, team backlog reports, roadmap entries."""

import re
from datetime import datetime, time

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from ..format.choices import Horizon, ItemKind
from ..format.headings import report_heading, report_heading_level
from ..format.placeholders import is_placeholder
from ..format.reading import group_blocks, parse_team_heading
from .committee import Committee, Team
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

    def with_announcements(self):
        """Annotate the `announcements` text an archive lists (queries.reports.count_reported counts the teams)."""
        announcements = AgendaItem.objects.filter(
            meeting=models.OuterRef("pk"), title__iexact="Announcements"
        ).order_by("position")
        return self.annotate(announcements=models.Subquery(announcements.values("body")[:1]))

    def cancelled(self):
        return self.filter(status=MeetingStatus.CANCELLED)

    def listed(self):
        """For pages that list meetings: without the imported file's text (up to 2 MB twice) they never show."""
        return self.defer("source", "source_export")

    def upcoming(self):
        """Meetings from today on that will take place (not cancelled), soonest first."""
        return self.filter(date__gte=timezone.localdate()).exclude(status=MeetingStatus.CANCELLED).order_by("date")


MeetingManager = models.Manager.from_queryset(MeetingQuerySet)


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # Minutes imported published were published before: when, only their git history tells (services/importing.py
    # _published_at). A file without it keeps the moment of its import in both fields, for amendments and caches.
    imported_at = models.DateTimeField(
        null=True, blank=True, help_text="When the minutes came in by an import; empty for minutes written here."
    )
    preamble = models.TextField(blank=True, help_text="Markdown between the title and the first section.")
    agenda_marker = models.CharField(
        max_length=2, default="*", help_text="List marker of the agenda in the Markdown: *, - or 1."
    )
    roadmap_version = models.PositiveIntegerField(default=1)
    agenda_version = models.PositiveIntegerField(default=1, help_text="Raised by every save of the agenda page.")
    starts_at = models.DateTimeField(null=True, blank=True, help_text="When it starts (stored in UTC).")
    # The imported file as it was, so that its export gives it back byte for byte (format/source.py).
    source = models.TextField(blank=True, help_text="The imported file's text exactly (BOM, line endings).")
    source_export = models.TextField(blank=True, help_text="The export right after the import: the base of edits.")
    source_path = models.CharField(
        max_length=500, blank=True, help_text="The imported file's path in its archive, e.g. Runtime/2018/x.md."
    )
    # Named by the chair for the live room: they write the chair's sections with the chair (permissions.py).
    note_takers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingManager()

    class Meta:
        ordering = ["-date"]
        get_latest_by = "date"
        constraints = [
            models.UniqueConstraint(fields=["committee", "date"], name="one_meeting_per_committee_per_date"),
        ]
        indexes = [
            models.Index(fields=["committee", "status", "-date"]),
            # The whole archive newest first (search walks it so and stops: queries/search.py).
            models.Index(fields=["status", "-date"], name="meeting_status_date_idx"),
        ]

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

    @property
    def held_at(self) -> datetime:
        """When the meeting took place: its start, else the start of its day in the committee's time zone."""
        return self.starts_at or datetime.combine(self.date, time(), tzinfo=self.committee.zone)

    @property
    def first_published_at(self) -> datetime | None:
        """When the minutes were first published, where known: None for a file imported without its history."""
        if self.imported_at is not None and self.published_at == self.imported_at:
            return None
        return self.published_at

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
    presenter = models.CharField(max_length=200, blank=True, help_text="Who presents the item, if anyone is named.")
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Time set for the item.")
    version = models.PositiveIntegerField(default=1)
    # Seen only by the committee's chairs and leads: never part of the minutes, their exports or their history.
    private_note = models.TextField(blank=True)

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


# What the minutes say for a team that said, on purpose, it has nothing new.
NO_UPDATE_TEXT = "No update this cycle."


class ReportState(models.TextChoices):
    EMPTY = "empty", "empty"
    NO_UPDATE = "no-update", "no update this cycle"
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
            .exclude(no_update=True)
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
    # The lead said there is nothing new: the body is then NO_UPDATE_TEXT (services/editing.py keeps the two together).
    no_update = models.BooleanField(default=False)
    private_note = models.TextField(blank=True)  # as AgendaItem.private_note: chairs and leads only
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
        report.heading = report.compose_heading(meeting.committee.team_layout)
        return report

    def compose_heading(self, layout: str) -> str:
        """The heading of the report as the committee's `layout` writes a team's section."""
        return report_heading(self.team_name, self.status_label, self.leads, level=report_heading_level(layout))

    @property
    def state(self) -> ReportState:
        """Empty, written, or the same text as the team's last report (needs `with_previous()`)."""
        if self.is_empty:
            return ReportState.EMPTY
        if self.no_update:
            return ReportState.NO_UPDATE
        if (getattr(self, "previous_body", None) or "").strip() == self.body.strip():
            return ReportState.UNCHANGED
        return ReportState.WRITTEN

    def previous_report(self) -> "BacklogReport | None":
        """The team's latest written report before this meeting."""
        return (
            BacklogReport.objects.filter(team_id=self.team_id, meeting__date__lt=self.meeting.date)
            .exclude(body="")
            .exclude(no_update=True)
            .select_related("meeting")
            .order_by("-meeting__date")
            .first()
        )

    @property
    def is_empty(self) -> bool:
        """Nothing written: blank, or only placeholders (“[add here]”, “TBD”, the committee's template lines)."""
        return is_placeholder(self.body, self.committee.placeholder_lines)

    @property
    def committee(self) -> Committee:
        """The report's committee, by whichever way it was read (its meeting or its team), without a query."""
        if BacklogReport.meeting.is_cached(self) and Meeting.committee.is_cached(self.meeting):
            return self.meeting.committee
        if BacklogReport.team.is_cached(self) and Team.committee.is_cached(self.team):
            return self.team.committee
        return self.meeting.committee

    @property
    def written_name(self) -> str:
        """The team's name as this meeting's heading wrote it (“Update on Diego”), else the team_name."""
        if not self.heading.startswith("#"):
            return self.team_name
        return parse_team_heading(self.heading.lstrip("#"))[0] or self.team_name

    @property
    def group_parts(self) -> list[tuple[str, str]]:
        """(group name, Markdown under it) of each heading in group_heading: groups that held only a list too."""
        return group_blocks(self.group_heading)

    @property
    def group_intro(self) -> str:
        """Text written under the group heading, before this team's own heading."""
        return self.group_heading.partition("\n")[2].strip()

    @property
    def revision_target(self) -> str:
        return f"report:{self.team.slug}"

    def record_revision(
        self, before: str, after: str, author=None, source=RevisionSource.WEB, reason: str = "", **details
    ) -> Revision:
        return Revision.record(
            self.meeting,
            self.revision_target,
            before,
            after,
            author=author,
            source=source,
            report=self,
            reason=reason,
            **details,
        )


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
