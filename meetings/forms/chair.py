"""Forms of the chair's pages (views/chair.py): a new meeting, a section, the roadmap, moving a report, importing."""

from django import forms

from ..format.outline import OutlineError, text_to_entries
from ..models import Committee, Meeting
from .fields import (
    MAX_BODY_CHARS,
    MEETING_DATE_VALIDATORS,
    MultipleFileField,
    MultipleFileInput,
    SingleLineField,
    markdown_field,
    validate_markdown,
)


class MeetingCreateForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), validators=MEETING_DATE_VALIDATORS)
    title = SingleLineField(max_length=300, required=False, help_text="Leave blank for the committee's usual title.")

    def __init__(self, *args, committee: Committee, **kwargs):
        self.committee = committee
        super().__init__(*args, **kwargs)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if Meeting.objects.for_committee(self.committee).filter(date=date).exists():
            raise forms.ValidationError(f"There is already a meeting on {date.isoformat()}; edit that one instead.")
        return date


class ItemForm(forms.Form):
    """A chair's section: its heading, its label in the agenda, its notes."""

    title = SingleLineField(max_length=300)
    agenda_label = SingleLineField(
        max_length=300,
        required=False,
        label="Label in the agenda",
        help_text="Leave blank to keep this section out of the agenda list.",
    )
    body = markdown_field(label="Notes")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RoadmapForm(forms.Form):
    outline = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        required=False,
        max_length=MAX_BODY_CHARS,
        validators=[validate_markdown],
        help_text="One “## Horizon” heading per horizon (Recently Completed, Soon, Next, Future), "
        "then one “- entry” per line (a lone “-” keeps an empty row); other lines are headings such as "
        "“**cf-deployment GA:**”.",
    )

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_outline(self):
        try:
            return text_to_entries(self.cleaned_data["outline"].replace("\r\n", "\n"))
        except OutlineError as error:
            raise forms.ValidationError(error.messages) from None


class MoveReportForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), label="Move it to the meeting of")

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        source = report.meeting
        self.fields["meeting"].queryset = (
            Meeting.objects.for_committee(source.committee).exclude(pk=source.pk).order_by("-date")
        )
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{meeting.date:%Y-%m-%d} ({meeting.get_status_display().lower()})"
        )


class ImportForm(forms.Form):
    """Minutes files a chair uploads, as they are kept in the committee's archive."""

    files = MultipleFileField(
        widget=MultipleFileInput(attrs={"accept": ".md,.markdown,text/markdown"}),
        label="Minutes files (Markdown)",
        help_text="One file per meeting, e.g. 2018-06-12-runtime.md; several at once are fine.",
    )
    draft = forms.BooleanField(required=False, label="Import new meetings as drafts (not public)")
