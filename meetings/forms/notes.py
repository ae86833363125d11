"""The private note of a section (views/notes.py)."""

from django import forms

from .fields import validate_markdown


class PrivateNoteForm(forms.Form):
    private_note = forms.CharField(
        label="Private note",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_markdown],
        help_text="Only this committee's chairs and leads see it: never the published minutes, "
        "their downloads, feeds, search, the git mirror or e-mails.",
    )
