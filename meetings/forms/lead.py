"""The lead's form (views/lead.py): a team's backlog report."""

from django import forms

from .fields import AmendingForm, markdown_field


class ReportForm(AmendingForm):
    body = markdown_field(label="Backlog report")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
