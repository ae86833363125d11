"""The lead's form (views/lead.py): a team's backlog report."""

from django import forms

from .fields import AmendingForm, markdown_field


class ReportForm(AmendingForm):
    body = markdown_field(label="Backlog report")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoUpdateForm(forms.Form):
    """The team has nothing new this cycle (at the version the page showed); `confirm` once asked to replace text."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    back = forms.ChoiceField(choices=[("editor", "editor"), ("sections", "sections")], required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)
