"""The live room's form (views/live.py): the meeting's note-takers."""

from django import forms

from ..models.people import person_name


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        name = person_name(obj)
        return f"{name} (@{obj.username})" if name else f"@{obj.username}"


class NoteTakersForm(forms.Form):
    """Whom the chair names to write the chair's sections with them; only the committee's people are offered."""

    note_takers = PersonChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Note-takers",
        help_text="They write the chair's sections (the Discussion, …) in the live room while the meeting is a draft.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        # Anyone else is refused here, whatever the browser sent: "Select a valid choice."
        self.fields["note_takers"].queryset = people
