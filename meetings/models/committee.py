"""A Project Management Committee, its project teams and its default agenda."""

from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models, transaction
from django.urls import reverse

from ..format.choices import ItemKind, TeamLayout, TeamStatus
from ..format.placeholders import placeholder_lines
from ..format.slugs import team_slug
from ..lib import scheduling
from ..lib.control_chars import controls_in, has_controls
from .people import person_name

# Top-level URL segments that a committee slug must not shadow.
RESERVED_SLUGS = frozenset(
    {"accounts", "admin", "api", "markdownx", "my-sections", "static", "media", "search", "sitemap.xml", "robots.txt"}
)

DEFAULT_DISCLAIMER = "*Above are plans, not commitments, and may change without notice.*"


# (title, kind, agenda label) of a new committee's agenda, as the Runtime PMC's.
DEFAULT_AGENDA = [
    ("Agenda", "agenda", ""),
    ("Announcements", "notes", "Announcements"),
    ("PMC Lifecycle Activities", "notes", "PMC Lifecycle Activities"),
    ("Discussion", "notes", ""),
    ("Backlog Reviews", "backlog", "Backlog Review"),
    ("CF Feature Roadmap Review", "roadmap", "CF Feature Roadmap Review"),
]


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def validate_committee_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is reserved for the site's own pages; choose another slug.")


def committee_name_problem(name: str) -> str | None:
    """Why a name cannot be a committee's, or None: it is its folder in the export, the zip and the mirror."""
    if not name.strip():
        return "it is blank"
    if name.strip().startswith("."):
        return "a name starting with a dot is a hidden folder (.git is where the mirror keeps its repository)"
    if has_controls(name):
        return f"it holds control characters ({controls_in(name)}), which no folder of the archive may"
    return None


def validate_committee_name(value: str) -> None:
    problem = committee_name_problem(value)
    if problem:
        raise ValidationError(f"This cannot be a committee's name: {problem}.")


class Committee(models.Model):
    name = models.CharField(max_length=100, unique=True, validators=[validate_committee_name])
    slug = models.SlugField(max_length=100, unique=True, validators=[validate_committee_slug])
    description = models.TextField(blank=True)
    chairs = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="chaired_committees")
    title_pattern = models.CharField(
        max_length=200,
        default="{name} PMC Meeting {date}",
        help_text="Title of a new meeting; {name} is the committee's name and {date} the ISO date.",
    )
    roadmap_disclaimer = models.CharField(max_length=300, blank=True, default=DEFAULT_DISCLAIMER)
    # The cadence: every `cadence_weeks` weeks on `weekday` at `start_time` in `timezone`.
    timezone = models.CharField(
        max_length=64, default="UTC", help_text="IANA time zone of the meetings, e.g. America/Los_Angeles."
    )
    cadence_weeks = models.PositiveSmallIntegerField(default=2, help_text="Weeks between two meetings.")
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=WEEKDAYS, help_text="Day of the week the committee meets."
    )
    start_time = models.TimeField(null=True, blank=True, help_text="Local time the meeting starts.")
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    meeting_link = models.URLField(blank=True, help_text="The video call, e.g. a Zoom link.")
    team_groups = models.CharField(
        max_length=300, blank=True, help_text="Groups teams are listed under, in order, comma-separated."
    )
    list_address = models.EmailField(blank=True, help_text="Mailing list told when minutes are published.")
    team_layout = models.CharField(
        "Team sections in the minutes files",
        max_length=10,
        choices=TeamLayout.choices,
        blank=True,
        help_text="Where imported files write each team's section. Blank: detected in each file; import again "
        "after a change.",
    )
    # The git mirror of the published minutes (services/mirroring.py): where it pushes to. The working
    # copy is the site's own (PMC_GIT_MIRROR_ROOT), never a path a chair names.
    mirror_remote = models.CharField(
        "Push to",
        max_length=500,
        blank=True,
        help_text="Remote URL the published minutes are committed and pushed to, e.g. "
        "git@github.com:org/minutes.git. Blank: no mirror.",
    )
    mirror_branch = models.CharField("Branch", max_length=100, default="main")

    placeholders = models.TextField(
        "Placeholder lines",
        blank=True,
        help_text="Lines of the committee's template that are not a report, one a line (e.g. “- Updates:”). "
        "A section holding only these, blank lines, “[add here]”, “TBD” or “N/A” counts as not reported.",
    )
    repository_url = models.URLField(
        "Repository",
        blank=True,
        help_text="The git repository of the minutes files, e.g. https://github.com/<owner>/<repo>: revisions "
        "imported from its history link to <repository>/commit/<id>.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The slug names the committee's URLs, its archive folder where the name cannot and the zip it downloads:
        # checked on every save, not only by forms, so that no code path stores `.git` or `../x`.
        validate_slug(self.slug)
        validate_committee_slug(self.slug)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meetings:committee", args=[self.slug])

    @cached_property
    def placeholder_lines(self) -> frozenset[str]:
        """The `placeholders` setting, ready for format.placeholders.is_placeholder."""
        return placeholder_lines(self.placeholders)

    def meeting_title(self, date) -> str:
        return self.title_pattern.format(name=self.name, date=date.isoformat())

    def agenda_for_new_meeting(self) -> list["AgendaTemplateItem"]:
        """The committee's default agenda, or the standard one if it has none."""
        items = list(self.agenda_template.all())
        if items:
            return items
        return [
            AgendaTemplateItem(committee=self, position=i, title=title, kind=kind, agenda_label=label)
            for i, (title, kind, label) in enumerate(DEFAULT_AGENDA)
        ]

    def find_team(self, name: str) -> "Team | None":
        """The team of this committee with that name, however it was spelled."""
        return self.teams.filter(slug=Team.slug_for(name)).first()

    @property
    def has_mirror(self) -> bool:
        """Whether its published minutes are mirrored: a remote to push to is what sets one up."""
        return bool(self.mirror_remote)

    @property
    def zone(self) -> ZoneInfo:
        """The committee's time zone (UTC if its name is unknown)."""
        return scheduling.zone(self.timezone)

    def starts_at_on(self, day: date) -> datetime | None:
        """When a meeting on that day starts, in UTC, from the cadence's local start time (None without one)."""
        if self.start_time is None:
            return None
        return scheduling.starts_at(day, self.start_time, self.timezone)

    def next_meeting_dates(self, n: int, *, after: date | None = None, first: date | None = None) -> list[date]:
        """The next `n` dates of the committee's cadence, whether or not a meeting exists on them.

        From `first` when given; otherwise the first is the cadence's next date
        after the latest meeting held on or before `after` (the committee's
        today by default), or its next weekday after `after` when none was.
        """
        if first is not None:
            return scheduling.dates_from(first, n, every_weeks=self.cadence_weeks)
        if after is None:
            after = datetime.now(self.zone).date()
        latest = self.meetings.filter(date__lte=after).order_by("-date").values_list("date", flat=True).first()
        return scheduling.cadence_dates(
            n, every_weeks=self.cadence_weeks, weekday=self.weekday, after=after, latest=latest
        )

    @property
    def group_names(self) -> list[str]:
        """The groups teams are listed under, in order (from `team_groups`)."""
        return [name.strip() for name in self.team_groups.split(",") if name.strip()]

    def next_team_position(self) -> int:
        """The position of a team added at the end of the roster."""
        last = self.teams.aggregate(last=models.Max("position"))["last"]
        return 0 if last is None else last + 1

    @transaction.atomic
    def set_default_agenda(self, items: list[dict]) -> None:
        """Replace the default agenda with these items (title, kind, agenda_label, body), in this order.

        Meetings already created keep their agenda: each has its own copy.
        """
        self.agenda_template.all().delete()
        AgendaTemplateItem.objects.bulk_create(
            [AgendaTemplateItem(committee=self, position=position, **item) for position, item in enumerate(items)]
        )


class AgendaTemplateItem(models.Model):
    """One item of the agenda every new meeting of a committee starts with."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="agenda_template")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=ItemKind.choices, default=ItemKind.NOTES)
    agenda_label = models.CharField(
        max_length=200, blank=True, help_text="Text of its bullet in the agenda; blank if it is not listed there."
    )
    body = models.TextField(blank=True, help_text="Markdown a new meeting starts with in this item.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "position"], name="unique_template_position"),
        ]

    def __str__(self) -> str:
        return f"{self.committee}: {self.title}"


# Where a team may go from each status: a proposal is taken into incubation (or
# straight to active) or turned down; an incubating team graduates or stops; an
# active team retires; a retired team may come back.
STATUS_TRANSITIONS = {
    TeamStatus.PROPOSED: (TeamStatus.INCUBATING, TeamStatus.ACTIVE, TeamStatus.RETIRED),
    TeamStatus.INCUBATING: (TeamStatus.ACTIVE, TeamStatus.RETIRED),
    TeamStatus.ACTIVE: (TeamStatus.RETIRED,),
    TeamStatus.RETIRED: (TeamStatus.ACTIVE, TeamStatus.INCUBATING),
}
REPORTING_STATUSES = (TeamStatus.ACTIVE, TeamStatus.INCUBATING)


class TeamQuerySet(models.QuerySet):
    def reporting(self):
        """Teams that owe a backlog report in a new meeting."""
        return self.filter(status__in=[TeamStatus.ACTIVE, TeamStatus.INCUBATING])


class Team(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    status = models.CharField(max_length=12, choices=TeamStatus.choices, default=TeamStatus.ACTIVE)
    group = models.CharField(
        max_length=100, blank=True, help_text="Group heading the team is listed under, e.g. “Incubating”."
    )
    position = models.PositiveIntegerField(default=0)
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="led_teams")
    co_leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_led_teams",
        help_text="People who may also edit the team's reports, without being named as its leads.",
    )
    lead_names = models.CharField(
        max_length=300, blank=True, help_text="Leads as the minutes name them, e.g. “Shannon Coen / Shubha Tupil”."
    )
    # GitHub handles, space-separated: signing in with GitHub as one of them makes the account a lead
    # (or co-lead) of the team (services/signin.py), so a lead known by handle needs no invitation.
    lead_handles = models.CharField(
        "Leads' GitHub handles",
        max_length=300,
        blank=True,
        help_text="Signing in with GitHub as one of these makes the account a lead; separate several with spaces.",
    )
    co_lead_handles = models.CharField(
        "Co-leads' GitHub handles",
        max_length=300,
        blank=True,
        help_text="Signing in with GitHub as one of these makes the account a co-lead.",
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "slug"], name="unique_team_slug_per_committee"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.slug_for(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The team's timeline: every report it gave the committee."""
        return reverse("meetings:team", args=[self.committee.slug, self.slug])

    @staticmethod
    def slug_for(name: str) -> str:
        """The identity of a team name: case, spacing and punctuation do not make a new team (see team_slug)."""
        return team_slug(name)

    @property
    def leads_display(self) -> str:
        """The leads as the minutes should name them: by their names, never by username (nameless ones left out)."""
        if self.lead_names:
            return self.lead_names
        return " / ".join(name for name in (person_name(user) for user in self.leads.all()) if name)

    @staticmethod
    def handles_in(text: str) -> list[str]:
        """The GitHub handles of a handles field, without a leading “@”."""
        return [handle.lstrip("@") for handle in text.replace(",", " ").split() if handle.lstrip("@")]

    @property
    def status_label(self) -> str:
        """The label written after the team's name in a report heading."""
        return "" if self.status == TeamStatus.ACTIVE else self.get_status_display().lower()

    @property
    def is_reporting(self) -> bool:
        """Whether the team owes a backlog report in each meeting."""
        return self.status in REPORTING_STATUSES

    def may_become(self, status: str) -> bool:
        """Whether the roster may move the team from its current status to `status`."""
        return status == self.status or status in STATUS_TRANSITIONS[TeamStatus(self.status)]


class TeamAlias(models.Model):
    """A heading that means an existing team (“Update on CLI” is the CLI team): imports remember it."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="team_aliases")
    key = models.CharField(max_length=200, help_text="team_key of the heading's team name.")
    heading = models.CharField(max_length=300, help_text="The heading as the chair wrote it.")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        ordering = ["heading"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "key"], name="one_team_per_heading_per_committee"),
        ]

    def __str__(self) -> str:
        return f"{self.heading} → {self.team}"
