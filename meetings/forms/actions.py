"""Recording an action item and its outcome (views/actions.py), and the actions page's filter."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from ..format.actions import ActionLine, action_line, read_action
from ..models import Outcome, person_name
from .fields import TYPE_AHEAD, AmendingForm, team_groups, validate_single_line

MAX_ACTION_CHARS = 1_000
MAX_NOTE_CHARS = 2_000


def owner_choices(committee, *, public: bool = False) -> list[tuple[str, list[tuple[str, str]]]]:
    """The teams of the roster by status, then the people who chair or lead there, as the line names them.

    Two queries; the teams' groups are labelled “Active teams”, “Retired teams”... For the committee's own forms a
    person reads “Eric Malm (@lead-x)”, the handle the line will write; for the `public`, by name only, and people
    without a name are not offered (each would read “a member”).
    """
    return [*_team_choices(committee), ("People", _people_choices(committee, public=public))]


def _team_choices(committee) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(f"{label} teams", teams) for label, teams in team_groups(committee.teams.all())]


def _people_choices(committee, *, public: bool = False) -> list[tuple[str, str]]:
    people = (
        get_user_model()
        .objects.filter(
            Q(chaired_committees=committee) | Q(led_teams__committee=committee) | Q(co_led_teams__committee=committee)
        )
        .select_related("profile")
        .distinct()
    )
    if public:
        named = [(user.username, name) for user in people if (name := person_name(user))]
    else:
        named = [(user.username, f"{person_name(user) or user.username} (@{user.username})") for user in people]
    return sorted(named, key=lambda choice: choice[1].lower())


class ActionForm(AmendingForm):
    """An action for a section; on published minutes (`amending`), with the amendment's reason."""

    text = forms.CharField(
        label="What",
        max_length=MAX_ACTION_CHARS,
        validators=[validate_single_line],
        help_text="One line of Markdown, e.g. “Write the RFC for the v7 CLI”.",
    )
    owner = forms.ChoiceField(
        label="Who", help_text="A team of the roster or a person.", widget=forms.Select(attrs=TYPE_AHEAD)
    )
    due = forms.DateField(
        label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, committee=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        owners = owner_choices(committee) if owners is None else owners  # `owners` read once for many forms
        self.fields["owner"].choices = [("", "Choose a team or a person"), *owners]

    def clean(self):
        data = super().clean()
        if "text" in data and "owner" in data and not self.errors:
            action = ActionLine(owner=data["owner"], text=data["text"].strip(), due=data.get("due"))
            # What the minutes will read back: a text ending like "(due 2030-01-01)" would change meaning.
            if read_action(action_line(action)) != action:
                raise forms.ValidationError(
                    "The minutes would read this action differently; give the due date in its own field."
                )
            data["action"] = action
        return data


class CandidateForm(ActionForm):
    """Accepting a line of the archive as an action: which line (as the page showed it), and the action."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=400)
    seen = forms.CharField(widget=forms.HiddenInput, max_length=MAX_ACTION_CHARS * 2, strip=False)


class OutcomeForm(forms.Form):
    # No default: a form that starts at "Done" closes an action nobody meant to close.
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose an outcome"), *Outcome.choices],
        error_messages={"required": "Choose what became of the action: done, dropped or carried."},
    )
    note = forms.CharField(
        label="Note", required=False, max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionFilterForm(forms.Form):
    team = forms.ChoiceField(label="Team", required=False, widget=forms.Select(attrs=TYPE_AHEAD))
    person = forms.ChoiceField(label="Person", required=False)

    def __init__(self, *args, committee, public: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Any team"), *team_groups(committee.teams.all())]
        self.fields["person"].choices = [("", "Anyone"), *_people_choices(committee, public=public)]
