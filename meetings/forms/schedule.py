"""The schedule's form (views/schedule.py): meetings of the cadence to create."""

from django import forms

from .fields import MEETING_DATE_VALIDATORS


class ScheduleForm(forms.Form):
    """How many meetings of the committee's cadence to create, and optionally from which date."""

    MAX_MEETINGS = 26  # a year of a fortnightly cadence

    count = forms.IntegerField(
        min_value=1,
        max_value=MAX_MEETINGS,
        initial=4,
        label="Number of meetings",
        help_text="Dates that already have a meeting are counted and left as they are.",
    )
    first = forms.DateField(
        required=False,
        validators=MEETING_DATE_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="First date",
        help_text="Leave blank for the cadence's next date.",
    )
