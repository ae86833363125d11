"""Forms of the committee's settings (views/committee.py): settings, default agenda, roster, invitations."""

import re
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from ..format.choices import ItemKind, TeamStatus
from ..format.reading import notes_team_name, parse_team_heading, team_key
from ..models import Committee, Invitation, Team, TeamAlias
from ..services.mirroring import MirrorError, check_branch, check_remote
from .fields import MAX_BODY_CHARS, TYPE_AHEAD, InlineMarkdownField, SingleLineField, team_groups, validate_markdown

MAX_PLACEHOLDER_LINES = 50
MAX_PLACEHOLDER_CHARS = 200


class CommitteeSettingsForm(forms.ModelForm):
    """What a committee's chairs set once: its description, cadence, call and mailing list, and its git mirror.

    Of the mirror, a chair chooses where it pushes (remote and branch), never
    where the server writes: the working copy is the site's own.
    """

    MIRROR_FIELDS = ("mirror_remote", "mirror_branch")

    cadence_weeks = forms.IntegerField(min_value=1, max_value=52, label="Every how many weeks")
    duration_minutes = forms.IntegerField(min_value=5, max_value=24 * 60, label="Duration (minutes)")
    meeting_link = forms.URLField(
        required=False, assume_scheme="https", label="Meeting link", help_text="The video call, e.g. a Zoom link."
    )

    repository_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Repository",
        help_text="The git repository of the minutes files, e.g. https://github.com/<owner>/<repo>: revisions "
        "imported from its history link to its commits.",
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
            "team_layout",
            "mirror_remote",
            "mirror_branch",
            "placeholders",
            "repository_url",
        ]
        labels = {
            "timezone": "Time zone",
            "list_address": "Mailing list",
        }
        field_classes = {
            "timezone": SingleLineField,
            "roadmap_disclaimer": InlineMarkdownField,
            "team_groups": SingleLineField,
            "mirror_remote": SingleLineField,
            "mirror_branch": SingleLineField,
        }
        help_texts = {"mirror_branch": "The branch the minutes are committed on (and pushed to)."}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "placeholders": forms.Textarea(attrs={"rows": 4}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_repository_url(self) -> str:
        """Without a trailing slash or `.git`, so that `<url>/commit/<id>` is the commit's page."""
        url = self.cleaned_data["repository_url"].strip().rstrip("/")
        return url.removesuffix(".git")

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        # Only names of the time zone database: a path or a directory ("America") is not a zone,
        # and the server's own "localtime" would move the meetings with the server.
        if name == "localtime" or name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                f"“{name}” is not a time zone of the IANA database; write it as Region/City, e.g. Europe/Berlin."
            )
        return name

    def committee_fields(self) -> list:
        """The fields of the committee and its meetings (the mirror's have a section of their own)."""
        return [field for field in self.visible_fields() if field.name not in self.MIRROR_FIELDS]

    def mirror_fields(self) -> list:
        return [self[name] for name in self.MIRROR_FIELDS]

    def clean_mirror_remote(self) -> str:
        return self._mirror_check(check_remote, self.cleaned_data["mirror_remote"].strip())

    def clean_mirror_branch(self) -> str:
        return self._mirror_check(check_branch, self.cleaned_data["mirror_branch"].strip())

    @staticmethod
    def _mirror_check(check, value: str) -> str:
        if not value:
            return value
        try:
            return check(value)
        except MirrorError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_placeholders(self) -> str:
        lines = [" ".join(line.split()) for line in self.cleaned_data["placeholders"].splitlines()]
        lines = list(dict.fromkeys(line for line in lines if line))
        if len(lines) > MAX_PLACEHOLDER_LINES:
            raise forms.ValidationError(f"List at most {MAX_PLACEHOLDER_LINES} lines; these are {len(lines)}.")
        if any(len(line) > MAX_PLACEHOLDER_CHARS for line in lines):
            raise forms.ValidationError(f"Keep each line under {MAX_PLACEHOLDER_CHARS} characters.")
        return "\n".join(lines)

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

    title = SingleLineField(
        max_length=200,
        required=False,
        help_text="Blank only for the team sections of a notes-style committee, whose ## sections stand alone.",
    )
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

    def clean(self):
        data = super().clean()
        # The team sections may go without a heading of their own (notes-style files); any other section has one.
        if not data.get("title") and data.get("kind") != ItemKind.BACKLOG:
            self.add_error("title", forms.ValidationError(self.fields["title"].error_messages["required"]))
        return data


class BaseAgendaTemplateFormSet(forms.BaseFormSet):
    # The agenda list, the backlog reviews, the roadmap and the open actions are each one section of the minutes.
    SINGLE_KINDS = (ItemKind.AGENDA, ItemKind.BACKLOG, ItemKind.ROADMAP, ItemKind.ACTIONS)

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


# GitHub's rule for a username: letters, digits and single hyphens inside, at most 39 characters.
GITHUB_HANDLE = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}")


class GitHubHandlesField(SingleLineField):
    """GitHub handles separated by spaces or commas (an “@” before one is dropped); kept space-separated."""

    def clean(self, value):
        handles = list(dict.fromkeys(Team.handles_in(super().clean(value) or "")))
        wrong = [handle for handle in handles if not GITHUB_HANDLE.fullmatch(handle)]
        if wrong:
            raise forms.ValidationError(
                "Not a GitHub handle: " + ", ".join(f"“{handle}”" for handle in wrong) + " (letters, digits and "
                "single hyphens, at most 39 characters)."
            )
        return " ".join(handles)


# The roster's one-line fields; `group` is a choice instead when the committee has groups.
_TEAM_FIELD_CLASSES = {
    "name": SingleLineField,
    "group": SingleLineField,
    "lead_names": SingleLineField,
    "lead_handles": GitHubHandlesField,
    "co_lead_handles": GitHubHandlesField,
}


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
        fields = ["name", "status", "group", "lead_names", "lead_handles"]
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
    """A team on the roster: its name, status, place and people, and the headings that mean it in imported files."""

    headings = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Headings that mean this team",
        help_text="One a line, as the minutes files write them (“Update on CLI”); later imports file their "
        "sections under this team. Import the files again to apply it to minutes already imported.",
    )

    add_leads = UsernamesField(
        required=False, label="Add leads by username", help_text="Any account; separate several with commas."
    )
    add_co_leads = UsernamesField(required=False, label="Add co-leads by username")

    class Meta:
        model = Team
        fields = [
            "name", "status", "group", "position", "leads", "lead_names", "lead_handles", "co_leads", "co_lead_handles"
        ]  # fmt: skip
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
        self.fields["headings"].initial = "\n".join(self.instance.aliases.values_list("heading", flat=True))

    def clean_headings(self) -> list[tuple[str, str]]:
        """(key, heading) of each line; a heading another team already has, or that is a team's name, is refused."""
        found: dict[str, str] = {}
        others = list(self.committee.teams.exclude(pk=self.instance.pk))
        for line in self.cleaned_data["headings"].splitlines():
            heading = " ".join(line.strip().lstrip("#").split())
            if not heading:
                continue
            key = team_key(notes_team_name(parse_team_heading(heading)[0]))
            if not key:
                raise forms.ValidationError(f"“{heading}” names no team.")
            other = TeamAlias.objects.filter(committee=self.committee, key=key).exclude(team=self.instance).first()
            if other:
                raise forms.ValidationError(f"“{heading}” already means {other.team}.")
            named = self.committee.teams.exclude(pk=self.instance.pk).filter(slug=Team.slug_for(heading)).first()
            if named:
                raise forms.ValidationError(f"“{heading}” is the name of the team {named}.")
            # “Update on CLI” is read as CLI: on another team's page it would take CLI's reports away.
            meant = next((team for team in others if key in (team_key(team.name), team.slug.replace("-", ""))), None)
            if meant:
                raise forms.ValidationError(f"“{heading}” is read as the team {meant}; it cannot mean another team.")
            found.setdefault(key, heading[:300])
        return list(found.items())

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
            self._save_headings(team)
        return team

    def _save_headings(self, team: Team) -> None:
        team.aliases.all().delete()
        TeamAlias.objects.bulk_create(
            [
                TeamAlias(committee=self.committee, team=team, key=key, heading=heading)
                for key, heading in self.cleaned_data["headings"]
            ]
        )


class InvitationForm(forms.Form):
    """Invite someone by e-mail to lead a team of the committee, or to chair it."""

    email = forms.EmailField(label="E-mail address")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="— no team: invite a co-chair —",
        label="To lead",
        widget=forms.Select(attrs=TYPE_AHEAD),
    )

    def __init__(self, *args, committee: Committee, **kwargs):
        self.committee = committee
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        team.queryset = committee.teams.exclude(status=TeamStatus.RETIRED)
        # Grouped by status and sorted; the field still reads the choice back through its queryset.
        team.choices = [("", team.empty_label), *team_groups(team.queryset, value=lambda team: team.pk)]

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
