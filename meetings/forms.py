"""Forms of the editing pages; they validate and explain, views never trust POST data."""

import re
import zoneinfo
from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from markdownx.widgets import MarkdownxWidget

from .models import Committee, Invitation, ItemKind, Meeting, Team, TeamStatus
from .rendering import MAX_MARKDOWN_CHARS, MarkdownTooComplex, check_markdown
from .roadmap import text_to_entries
from .search import QueryError, parse_query

MAX_BODY_CHARS = MAX_MARKDOWN_CHARS  # what the renderer renders
MAX_UPLOAD_FILES = 100  # Django refuses more (DATA_UPLOAD_MAX_NUMBER_FILES)
# Meeting dates a form accepts: far enough from year 1 and 9999 that the
# cadence's arithmetic (dates plus weeks) can never overflow.
MEETING_DATE_VALIDATORS = [
    MinValueValidator(date(1970, 1, 1), "Meeting dates start in 1970."),
    MaxValueValidator(date(2199, 12, 31), "Meeting dates end in 2199."),
]


# Every character str.splitlines() breaks at: in a title or a name, one breaks
# the e-mail's headers and the exported Markdown's lines.
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def validate_single_line(value: str) -> None:
    if _LINE_BREAK.search(value):
        raise forms.ValidationError("Keep this on one line: it may not contain line breaks.", code="line_break")


def validate_markdown(value: str) -> None:
    """Refuse Markdown the pages would show unrendered, with the renderer's reason."""
    if len(value) > MAX_MARKDOWN_CHARS:
        return  # the field's max_length says so
    try:
        check_markdown(value)
    except MarkdownTooComplex as refusal:
        raise forms.ValidationError(str(refusal), code="too_complex") from None


class SingleLineField(forms.CharField):
    """A title, a name or a label: one line of text."""

    default_validators = [validate_single_line]


class InlineMarkdownField(SingleLineField):
    """One line of Markdown (the roadmap's disclaimer)."""

    default_validators = [validate_single_line, validate_markdown]


class MarkdownField(forms.CharField):
    """Markdown typed in a textarea, with the line ends the minutes use.

    Browsers send a textarea's lines ending in CRLF; kept as they come, an
    unchanged text would differ from the stored one and the archive would mix
    line ends.
    """

    default_validators = [validate_markdown]

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


def markdown_field(**kwargs) -> forms.CharField:
    return MarkdownField(
        widget=MarkdownxWidget(attrs={"rows": 16}),
        required=False,
        strip=False,
        max_length=MAX_BODY_CHARS,
        **kwargs,
    )


class MeetingCreateForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), validators=MEETING_DATE_VALIDATORS)
    title = SingleLineField(max_length=300, required=False, help_text="Leave blank for the committee's usual title.")

    def __init__(self, *args, committee: Committee, **kwargs):
        self.committee = committee
        super().__init__(*args, **kwargs)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if Meeting.objects.for_committee(self.committee).filter(date=date).exists():
            raise forms.ValidationError(f"There is already a meeting on {date.isoformat()}; edit that one instead.")
        return date


class ReportForm(forms.Form):
    body = markdown_field(label="Backlog report")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ItemForm(forms.Form):
    """A chair's section: its heading, its label in the agenda, its notes."""

    title = SingleLineField(max_length=300)
    agenda_label = SingleLineField(
        max_length=300,
        required=False,
        label="Label in the agenda",
        help_text="Leave blank to keep this section out of the agenda list.",
    )
    body = markdown_field(label="Notes")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RoadmapForm(forms.Form):
    outline = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        required=False,
        max_length=MAX_BODY_CHARS,
        validators=[validate_markdown],
        help_text="One “## Horizon” heading per horizon (Recently Completed, Soon, Next, Future), "
        "then one “- entry” per line (a lone “-” keeps an empty row); other lines are headings such as "
        "“**cf-deployment GA:**”.",
    )

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_outline(self):
        return text_to_entries(self.cleaned_data["outline"].replace("\r\n", "\n"))


class MoveReportForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), label="Move it to the meeting of")

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        source = report.meeting
        self.fields["meeting"].queryset = (
            Meeting.objects.for_committee(source.committee).exclude(pk=source.pk).order_by("-date")
        )
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.date:%Y-%m-%d} ({meeting.get_status_display().lower()})"
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern of Django's file-upload documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        if len(files) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(f"At most {MAX_UPLOAD_FILES} files at once; import the rest afterwards.")
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ImportForm(forms.Form):
    """Minutes files a chair uploads, as they are kept in the committee's archive."""

    files = MultipleFileField(
        widget=MultipleFileInput(attrs={"accept": ".md,.markdown,text/markdown"}),
        label="Minutes files (Markdown)",
        help_text="One file per meeting, e.g. 2018-06-12-runtime.md; several at once are fine.",
    )
    draft = forms.BooleanField(required=False, label="Import new meetings as drafts (not public)")


class ScheduleForm(forms.Form):
    """How many meetings of the committee's cadence to create, and optionally from which date."""

    MAX_MEETINGS = 26  # a year of a fortnightly cadence

    count = forms.IntegerField(
        min_value=1,
        max_value=MAX_MEETINGS,
        initial=4,
        label="Number of meetings",
        help_text="Dates that already have a meeting are counted and left as they are.",
    )
    first = forms.DateField(
        required=False,
        validators=MEETING_DATE_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="First date",
        help_text="Leave blank for the cadence's next date.",
    )


class AttendanceForm(forms.Form):
    """Who came: roster accounts ticked (each with an affiliation), and other people as `Name, Affiliation` lines."""

    others = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="Other attendees",
        help_text="One per line, as the minutes list them: “Name, Company” (the company may be left out).",
    )

    NAME_LIMIT = 200  # Attendee.name and Attendee.affiliation

    def __init__(self, *args, accounts, **kwargs):
        """`accounts`: (user, label, affiliation) of everyone the chair may tick."""
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        self.fields["users"] = forms.MultipleChoiceField(
            choices=[(str(user.pk), label) for user, label, _ in accounts],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Leads and chairs",
        )
        for user, label, affiliation in accounts:
            self.fields[f"affiliation_{user.pk}"] = SingleLineField(
                max_length=self.NAME_LIMIT,
                required=False,
                initial=affiliation,
                label=f"Affiliation of {label}",
                widget=forms.TextInput(attrs={"placeholder": "Affiliation"}),
            )

    def account_rows(self):
        """(checkbox, affiliation field) per account, for the template."""
        checkboxes = list(self["users"])
        return [
            (box, self[f"affiliation_{user.pk}"]) for box, (user, _, _) in zip(checkboxes, self.accounts, strict=True)
        ]

    def clean_others(self) -> list[tuple[str, str]]:
        people = []
        for number, line in enumerate(self.cleaned_data["others"].splitlines(), start=1):
            line = line.strip().removeprefix("* ").removeprefix("- ").strip()
            if not line:
                continue
            name, _, affiliation = (part.strip() for part in line.partition(","))
            if not name:
                raise forms.ValidationError(f"Line {number} has no name before its comma.")
            if len(name) > self.NAME_LIMIT or len(affiliation) > self.NAME_LIMIT:
                raise forms.ValidationError(f"Line {number} is too long: at most {self.NAME_LIMIT} characters a part.")
            people.append((name, affiliation))
        return people

    def clean(self):
        cleaned = super().clean()
        ticked = set(cleaned.get("users", []))
        cleaned["accounts"] = [
            (user, cleaned.get(f"affiliation_{user.pk}", "").strip())
            for user, _, _ in self.accounts
            if str(user.pk) in ticked
        ]
        names = [label for user, label, _ in self.accounts if str(user.pk) in ticked]
        names += [name for name, _ in cleaned.get("others", [])]
        seen = set()
        for name in names:
            if name.casefold() in seen:
                raise forms.ValidationError(f"{name} is listed twice; list each attendee once.")
            seen.add(name.casefold())
        return cleaned


# --- the chair's committee pages: settings, default agenda, roster, invitations ----------------------


class CommitteeSettingsForm(forms.ModelForm):
    """What a committee's chairs set once: its description, cadence, call and mailing list."""

    cadence_weeks = forms.IntegerField(min_value=1, max_value=52, label="Every how many weeks")
    duration_minutes = forms.IntegerField(min_value=5, max_value=24 * 60, label="Duration (minutes)")
    meeting_link = forms.URLField(
        required=False, assume_scheme="https", label="Meeting link", help_text="The video call, e.g. a Zoom link."
    )

    class Meta:
        model = Committee
        fields = [
            "description",
            "timezone",
            "cadence_weeks",
            "weekday",
            "start_time",
            "duration_minutes",
            "meeting_link",
            "roadmap_disclaimer",
            "team_groups",
            "list_address",
        ]
        labels = {
            "timezone": "Time zone",
            "list_address": "Mailing list",
        }
        field_classes = {
            "timezone": SingleLineField,
            "roadmap_disclaimer": InlineMarkdownField,
            "team_groups": SingleLineField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        # Only names of the time zone database: a path or a directory ("America") is not a zone,
        # and the server's own "localtime" would move the meetings with the server.
        if name == "localtime" or name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                f"“{name}” is not a time zone of the IANA database; write it as Region/City, e.g. Europe/Berlin."
            )
        return name

    def clean_team_groups(self) -> str:
        names = [name.strip() for name in self.cleaned_data["team_groups"].split(",") if name.strip()]
        seen = set()
        for name in names:
            if name.casefold() in seen:
                raise forms.ValidationError(f"“{name}” is listed twice.")
            seen.add(name.casefold())
        return ", ".join(names)


class AgendaTemplateItemForm(forms.Form):
    """One item of the default agenda."""

    title = SingleLineField(max_length=200)
    kind = forms.ChoiceField(choices=ItemKind.choices, initial=ItemKind.NOTES)
    agenda_label = SingleLineField(max_length=200, required=False, label="Label in the agenda")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        strip=False,
        max_length=MAX_BODY_CHARS,
        validators=[validate_markdown],
        label="Starting text",
    )

    def clean_body(self) -> str:
        return self.cleaned_data["body"].replace("\r\n", "\n")


class BaseAgendaTemplateFormSet(forms.BaseFormSet):
    # The agenda list, the backlog reviews and the roadmap are each one section of the minutes.
    SINGLE_KINDS = (ItemKind.AGENDA, ItemKind.BACKLOG, ItemKind.ROADMAP)

    def clean(self):
        if any(self.errors):
            return
        kinds = [form.cleaned_data["kind"] for form in self.ordered_forms]
        for kind in self.SINGLE_KINDS:
            if kinds.count(kind) > 1:
                raise forms.ValidationError(f"Only one item may hold the {ItemKind(kind).label.lower()}.")

    def items(self) -> list[dict]:
        """The items kept, in their new order, as `Committee.set_default_agenda` takes them."""
        fields = ("title", "kind", "agenda_label", "body")
        return [{name: form.cleaned_data[name] for name in fields} for form in self.ordered_forms]


AgendaTemplateFormSet = forms.formset_factory(
    AgendaTemplateItemForm,
    formset=BaseAgendaTemplateFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    min_num=1,
    validate_min=True,
    max_num=50,
    validate_max=True,
)


class UsernamesField(forms.CharField):
    """Accounts named by username, separated by commas or spaces."""

    def clean(self, value):
        names = list(dict.fromkeys(super().clean(value).replace(",", " ").split()))
        users = {user.username.casefold(): user for user in get_user_model().objects.filter(username__in=names)}
        missing = [name for name in names if name.casefold() not in users]
        if missing:
            raise forms.ValidationError("No account named " + ", ".join(f"“{name}”" for name in missing) + ".")
        return list(users.values())


def _people_of(committee: Committee, team: Team | None = None):
    """Accounts a chair picks leads from: who leads, co-leads or chairs in the committee."""
    return (
        get_user_model()
        .objects.filter(
            Q(led_teams__committee=committee)
            | Q(co_led_teams__committee=committee)
            | Q(chaired_committees=committee)
            | Q(pk__in=team.leads.all() if team and team.pk else [])
            | Q(pk__in=team.co_leads.all() if team and team.pk else [])
        )
        .distinct()
        .order_by("username")
    )


# The roster's one-line fields; `group` is a choice instead when the committee has groups.
_TEAM_FIELD_CLASSES = {"name": SingleLineField, "group": SingleLineField, "lead_names": SingleLineField}


class TeamNameMixin:
    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = self.committee.teams.filter(slug=Team.slug_for(name)).exclude(pk=self.instance.pk).first()
        if taken is not None:
            raise forms.ValidationError(f"The committee already has a team named “{taken.name}”.")
        return name

    def _group_field(self) -> None:
        """The committee's groups to choose from (and the team's own, if it is not one of them)."""
        groups = self.committee.group_names
        if self.instance.group and self.instance.group not in groups:
            groups.append(self.instance.group)
        if groups:
            self.fields["group"] = forms.ChoiceField(
                choices=[("", "—"), *((name, name) for name in groups)],
                required=False,
                help_text="The groups are set in the committee's settings.",
            )


class TeamCreateForm(TeamNameMixin, forms.ModelForm):
    """A new team on the roster."""

    class Meta:
        model = Team
        fields = ["name", "status", "group", "lead_names"]
        labels = {"lead_names": "Leads, as the minutes name them"}
        field_classes = _TEAM_FIELD_CLASSES

    def __init__(self, *args, committee: Committee, **kwargs):
        self.committee = committee
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = TeamStatus.PROPOSED
        self._group_field()

    def save(self, commit=True):
        team = super().save(commit=False)
        team.committee = self.committee
        team.slug = Team.slug_for(team.name)
        team.position = self.committee.next_team_position()
        if commit:
            team.save()
        return team


class TeamForm(TeamNameMixin, forms.ModelForm):
    """A team on the roster: its name, status, place and people."""

    add_leads = UsernamesField(
        required=False, label="Add leads by username", help_text="Any account; separate several with commas."
    )
    add_co_leads = UsernamesField(required=False, label="Add co-leads by username")

    class Meta:
        model = Team
        fields = ["name", "status", "group", "position", "leads", "lead_names", "co_leads"]
        field_classes = _TEAM_FIELD_CLASSES
        labels = {
            "position": "Order on the roster",
            "lead_names": "Leads, as the minutes name them",
            "co_leads": "Co-leads",
        }
        help_texts = {
            "name": "Minutes already written keep the name they were written under.",
            "lead_names": "Blank: the leads' names from their accounts.",
        }
        widgets = {"leads": forms.CheckboxSelectMultiple, "co_leads": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = self.instance.committee
        current = self.instance.status
        self.fields["status"].choices = [
            (value, label) for value, label in TeamStatus.choices if self.instance.may_become(value)
        ]
        self.fields["status"].help_text = "From “" + TeamStatus(current).label + "” a team can become only these."
        people = _people_of(self.committee, self.instance)
        self.fields["leads"].queryset = people
        self.fields["co_leads"].queryset = people
        for name in ("leads", "co_leads"):
            self.fields[name].label_from_instance = lambda user: (
                f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
            )
        self._group_field()

    def clean(self):
        data = super().clean()
        data["leads"] = [*data.get("leads", []), *data.get("add_leads", [])]
        data["co_leads"] = [*data.get("co_leads", []), *data.get("add_co_leads", [])]
        return data

    def save(self, commit=True):
        team = super().save(commit=False)
        # A renamed team keeps its slug: its anchors in old minutes (#diego) and its timeline's
        # address are public links. The importer knows it by its new name and by its slug.
        team.slug = team.slug or Team.slug_for(team.name)
        if commit:
            team.save()
            self._save_m2m()
        return team


class InvitationForm(forms.Form):
    """Invite someone by e-mail to lead a team of the committee, or to chair it."""

    email = forms.EmailField(label="E-mail address")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="— no team: invite a co-chair —",
        label="To lead",
    )

    def __init__(self, *args, committee: Committee, **kwargs):
        self.committee = committee
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = committee.teams.exclude(status=TeamStatus.RETIRED)

    def clean(self):
        data = super().clean()
        email, team = data.get("email"), data.get("team")
        if email:
            pending = Invitation.objects.filter(
                committee=self.committee, team=team, email__iexact=email, used_at__isnull=True
            ).filter(expires_at__gt=timezone.now())
            if pending.exists():
                raise forms.ValidationError(
                    f"{email} already has a pending invitation for this; revoke it to send a new one."
                )
        return data


class InvitationSignUpForm(UserCreationForm):
    """A new account for the person invited; the password passes the site's password validation."""

    def __init__(self, *args, invitation: Invitation, **kwargs):
        # The instance carries the e-mail, so the validators refuse a password too like it.
        kwargs.setdefault("instance", get_user_model()(email=invitation.email))
        super().__init__(*args, **kwargs)


class SearchForm(forms.Form):
    """What the community types into the search box; any query gets results or a message."""

    q = forms.CharField(label="Search the minutes", required=False, max_length=10_000)
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.all(), to_field_name="slug", required=False, empty_label="All committees"
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_q(self):
        try:
            return parse_query(self.cleaned_data["q"])
        except QueryError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the date range is before its start.")
        return data
