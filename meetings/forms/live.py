"""The live room's forms (views/live.py): the meeting's note-takers, and a chair's section's text without JavaScript."""

from django import forms
from django.contrib.auth import get_user_model

from ..models.people import person_name
from .fields import AmendingForm, markdown_field


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        name = person_name(obj)
        return f"{name} (@{obj.username})" if name else f"@{obj.username}"


class NoteTakersForm(forms.Form):
    """Whom the chair names to write the chair's sections with them; only the committee's people are offered."""

    note_takers = PersonChoiceField(
        queryset=get_user_model().objects.none(),  # the committee's people, given by the view
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Note-takers",
        help_text="They write the chair's sections (the Discussion, …) in the live room while the meeting is a draft.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        # Anyone else is refused here, whatever the browser sent: "Select a valid choice."
        self.fields["note_takers"].queryset = people


class ItemTextForm(AmendingForm):
    """A chair's section's text alone, as the room's note-takers write it (its heading is the chair's: ItemForm)."""

    body = markdown_field(label="Notes")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
