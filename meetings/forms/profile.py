"""The form of the profile page (views/profile.py): the name the minutes use, and an affiliation."""

from django import forms

from ..models import Profile
from .fields import SingleLineField


class ProfileForm(forms.ModelForm):
    display_name = SingleLineField(
        max_length=200,
        required=False,
        label="Your name",
        help_text="As the minutes write it (attendance, amendments). Without one, they say “a member”.",
    )
    affiliation = SingleLineField(
        max_length=200, required=False, help_text="Your company or organisation, offered in the attendance."
    )

    class Meta:
        model = Profile
        fields = ["display_name", "affiliation"]
