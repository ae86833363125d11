"""Fields and limits the other forms share: Markdown textareas, several files, meeting dates; the site's form
renderer, whose bound fields refuse text that cannot be stored."""

import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from markdownx.widgets import MarkdownxWidget

from ..format.choices import TeamStatus
from ..lib.rendering import MAX_MARKDOWN_CHARS, MarkdownTooComplex, check_markdown
from ..lib.text import UNSTORABLE, storable

MAX_BODY_CHARS = MAX_MARKDOWN_CHARS  # what the renderer renders
MAX_UPLOAD_FILES = 100  # Django refuses more (DATA_UPLOAD_MAX_NUMBER_FILES)
# Meeting dates a form accepts: far enough from year 1 and 9999 that the
# cadence's arithmetic (dates plus weeks) can never overflow.
MEETING_DATE_VALIDATORS = [
    MinValueValidator(date(1970, 1, 1), "Meeting dates start in 1970."),
    MaxValueValidator(date(2199, 12, 31), "Meeting dates end in 2199."),
]


# A team picker's groups, in this order: the teams a chair most often means first, the retired last.
TEAM_GROUPS = [TeamStatus.ACTIVE, TeamStatus.INCUBATING, TeamStatus.PROPOSED, TeamStatus.RETIRED]
# Pickers marked so get a filter box (static/js/type-ahead.js) once they offer this many options.
TYPE_AHEAD = {"data-type-ahead": ""}


def team_groups(teams, *, value=lambda team: team.slug) -> list[tuple[str, list[tuple[str, str]]]]:
    """The teams as a select's <optgroup>s by status (Active, Incubating, Proposed, Retired), by name within each.

    The roster's import order means nothing to someone looking for a team; a group without teams is left out.
    """
    groups = []
    for status in TEAM_GROUPS:
        members = sorted((team for team in teams if team.status == status), key=lambda team: team.name.casefold())
        if members:
            groups.append((status.label, [(str(value(team)), team.name) for team in members]))
    return groups


# Every character str.splitlines() breaks at: in a title or a name, one breaks
# the e-mail's headers and the exported Markdown's lines.
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def validate_single_line(value: str) -> None:
    if _LINE_BREAK.search(value):
        raise forms.ValidationError("Keep this on one line: it may not contain line breaks.", code="line_break")


def validate_markdown(value: str) -> None:
    """Refuse Markdown the pages would show unrendered, with the renderer's reason."""
    if len(value) > MAX_MARKDOWN_CHARS:
        return  # the field's max_length says so
    try:
        check_markdown(value)
    except MarkdownTooComplex as refusal:
        raise forms.ValidationError(str(refusal), code="too_complex") from None


def _storable_copy(data):
    """The submitted value (a string, or a list of them) with lone surrogates shown as U+FFFD."""
    if isinstance(data, str):
        return storable(data)
    if isinstance(data, list | tuple):
        return type(data)(storable(item) if isinstance(item, str) else item for item in data)
    return data


class StorableBoundField(BoundField):
    """Every field of every form on the site (FORM_RENDERER): text no database or page can hold is a field error.

    A lone UTF-16 surrogate reaches a form when a request declares a charset
    that decodes to one (UTF-7's `+2AA-`). Refused where the form reads the
    field's data to clean it, before any field, validator, model or view
    meets it, whatever the field's kind; shown back as U+FFFD, since the page
    itself could not be encoded with it.
    """

    @property
    def data(self):
        data = super().data
        if _storable_copy(data) != data:
            raise forms.ValidationError(UNSTORABLE, code="unstorable")
        return data

    def value(self):
        data = self.initial
        if self.form.is_bound:
            data = self.field.bound_data(_storable_copy(super().data), data)
        return self.field.prepare_value(data)

    def _has_changed(self) -> bool:
        try:
            return super()._has_changed()
        except forms.ValidationError:  # no initial value holds a surrogate
            return True


class SiteFormRenderer(DjangoTemplates):
    """Django's own renderer, with bound fields that refuse unstorable text (settings.FORM_RENDERER)."""

    bound_field_class = StorableBoundField


class SingleLineField(forms.CharField):
    """A title, a name or a label: one line of text."""

    default_validators = [validate_single_line]


class InlineMarkdownField(SingleLineField):
    """One line of Markdown (the roadmap's disclaimer)."""

    default_validators = [validate_single_line, validate_markdown]


class MarkdownField(forms.CharField):
    """Markdown typed in a textarea, with the line ends the minutes use.

    Browsers send a textarea's lines ending in CRLF; kept as they come, an
    unchanged text would differ from the stored one and the archive would mix
    line ends.
    """

    default_validators = [validate_markdown]

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


def markdown_field(**kwargs) -> forms.CharField:
    # The upload limits, for the editor to refuse a picture before it is sent (the server checks again).
    limits = {
        "data-upload-types": ",".join(settings.MARKDOWNX_UPLOAD_CONTENT_TYPES),
        "data-upload-max-bytes": settings.MARKDOWNX_UPLOAD_MAX_SIZE,
    }
    return MarkdownField(
        widget=MarkdownxWidget(attrs={"rows": 16, **limits}),
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


class AmendingForm(forms.Form):
    """An edit form that, on published minutes (`amending`), asks why: the reason the amendments list shows."""

    REASON_LIMIT = 300  # Revision.reason

    def __init__(self, *args, amending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.amending = amending
        if amending:
            self.fields["reason"] = SingleLineField(
                max_length=self.REASON_LIMIT,
                label="Reason for the amendment",
                help_text="Published minutes are being changed: say why in a few words. "
                "The public list of amendments shows it, with your name.",
            )

    def reason(self) -> str:
        return self.cleaned_data.get("reason", "").strip() if self.amending else ""
