"""Forms of the editing pages; they validate and explain, views never trust POST data."""

from django import forms
from markdownx.widgets import MarkdownxWidget

from .models import AgendaItem, Committee, Meeting
from .roadmap import text_to_entries

MAX_BODY_CHARS = 200_000


def markdown_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        widget=MarkdownxWidget(attrs={"rows": 16}),
        required=False,
        strip=False,
        max_length=MAX_BODY_CHARS,
        **kwargs,
    )


class MeetingCreateForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(max_length=300, required=False, help_text="Leave blank for the committee's usual title.")

    def __init__(self, *args, committee: Committee, **kwargs):
        self.committee = committee
        super().__init__(*args, **kwargs)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if Meeting.objects.for_committee(self.committee).filter(date=date).exists():
            raise forms.ValidationError(f"There is already a meeting on {date.isoformat()}; edit that one instead.")
        return date


class ReportForm(forms.Form):
    body = markdown_field(label="Backlog report")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ItemForm(forms.ModelForm):
    body = markdown_field(label="Notes")

    class Meta:
        model = AgendaItem
        fields = ["title", "agenda_label", "body"]
        labels = {"agenda_label": "Label in the agenda"}
        help_texts = {"agenda_label": "Leave blank to keep this section out of the agenda list."}


class RoadmapForm(forms.Form):
    outline = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        required=False,
        max_length=MAX_BODY_CHARS,
        help_text="One “## Horizon” heading per horizon (Recently Completed, Soon, Next, Future), "
        "then one “- entry” per line; other lines are headings such as “**cf-deployment GA:**”.",
    )

    def clean_outline(self):
        return text_to_entries(self.cleaned_data["outline"])
