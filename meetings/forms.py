"""Forms of the editing pages; they validate and explain, views never trust POST data."""

from django import forms
from markdownx.widgets import MarkdownxWidget

from .models import Committee, Meeting
from .roadmap import text_to_entries

MAX_BODY_CHARS = 200_000
MAX_UPLOAD_FILES = 100  # Django refuses more (DATA_UPLOAD_MAX_NUMBER_FILES)


class MarkdownField(forms.CharField):
    """Markdown typed in a textarea, with the line ends the minutes use.

    Browsers send a textarea's lines ending in CRLF; kept as they come, an
    unchanged text would differ from the stored one and the archive would mix
    line ends.
    """

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


def markdown_field(**kwargs) -> forms.CharField:
    return MarkdownField(
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


class ItemForm(forms.Form):
    """A chair's section: its heading, its label in the agenda, its notes."""

    title = forms.CharField(max_length=300)
    agenda_label = forms.CharField(
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
        help_text="One “## Horizon” heading per horizon (Recently Completed, Soon, Next, Future), "
        "then one “- entry” per line (a lone “-” keeps an empty row); other lines are headings such as "
        "“**cf-deployment GA:**”.",
    )

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_outline(self):
        return text_to_entries(self.cleaned_data["outline"].replace("\r\n", "\n"))


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern of Django's file-upload documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        if len(files) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(f"At most {MAX_UPLOAD_FILES} files at once; import the rest afterwards.")
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ImportForm(forms.Form):
    """Minutes files a chair uploads, as they are kept in the committee's archive."""

    files = MultipleFileField(
        widget=MultipleFileInput(attrs={"accept": ".md,.markdown,text/markdown"}),
        label="Minutes files (Markdown)",
        help_text="One file per meeting, e.g. 2018-06-12-runtime.md; several at once are fine.",
    )
    draft = forms.BooleanField(required=False, label="Import new meetings as drafts (not public)")
