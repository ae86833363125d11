"""The chair's controls of the live room (views/live_run.py): the current section, attendance, and the decision and
action forms of the pages, without their version (in the room, the line goes at the end of the text as it is)."""

from django import forms

from .actions import ActionForm
from .decisions import DecisionForm


class CurrentSectionForm(forms.Form):
    section = forms.CharField(max_length=300)

    def __init__(self, *args, anchors, **kwargs):
        super().__init__(*args, **kwargs)
        self.anchors = set(anchors)

    def clean_section(self) -> str:
        anchor = self.cleaned_data["section"]
        if anchor not in self.anchors:
            raise forms.ValidationError("There is no such section in these minutes (renamed or removed?).")
        return anchor


class AttendanceToggleForm(forms.Form):
    person = forms.CharField(max_length=300)
    present = forms.TypedChoiceField(choices=[("1", "present"), ("0", "absent")], coerce=lambda value: value == "1")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.key: person for person in people}

    def clean_person(self):
        """The Person of the committee (or already recorded) with that key."""
        person = self.people.get(self.cleaned_data["person"])
        if person is None:
            raise forms.ValidationError("This person is not on the committee's roster.")
        return person


class LiveDecisionForm(DecisionForm):
    version = None


class LiveActionForm(ActionForm):
    version = None
