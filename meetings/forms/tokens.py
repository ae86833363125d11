"""The form of the API tokens page (views/tokens.py): what a new token is for, and what it may write."""

from django import forms

from ..models import TokenScope
from .fields import SingleLineField


class TokenForm(forms.Form):
    name = SingleLineField(max_length=100, label="What uses it", help_text="E.g. “Diego's CI”: to recognise it later.")
    scope = forms.ChoiceField(
        label="It may",
        choices=TokenScope.choices,
        initial=TokenScope.REPORT,
        widget=forms.RadioSelect,
        help_text="Never more than your account may do on the site's pages.",
    )

    def __init__(self, *args, may_chair: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_chair:
            # A chair token would give nothing more to someone who chairs nothing.
            self.fields["scope"].choices = [(TokenScope.REPORT.value, TokenScope.REPORT.label)]
