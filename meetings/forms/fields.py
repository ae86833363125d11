"""Fields and limits the other forms share: Markdown textareas, several files, meeting dates."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from markdownx.widgets import MarkdownxWidget

MAX_BODY_CHARS = 200_000
MAX_UPLOAD_FILES = 100  # Django refuses more (DATA_UPLOAD_MAX_NUMBER_FILES)
# Meeting dates a form accepts: far enough from year 1 and 9999 that the
# cadence's arithmetic (dates plus weeks) can never overflow.
MEETING_DATE_VALIDATORS = [
    MinValueValidator(date(1970, 1, 1), "Meeting dates start in 1970."),
    MaxValueValidator(date(2199, 12, 31), "Meeting dates end in 2199."),
]


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
