"""Forms of the chair's pages (views/chair.py): a new meeting, a section, the roadmap, moving a report, importing."""

from django import forms

from ..format.choices import ItemKind
from ..format.outline import OutlineError, text_to_entries
from ..models import Committee, Meeting
from ..services.editing import AgendaRow
from .fields import (
    MAX_BODY_CHARS,
    MEETING_DATE_VALIDATORS,
    AmendingForm,
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


class ItemForm(AmendingForm):
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


class RoadmapForm(AmendingForm):
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


class AgendaRowForm(forms.Form):
    """One section of the meeting on the agenda page; an empty row adds one."""

    item = forms.IntegerField(widget=forms.HiddenInput, required=False)
    order = forms.IntegerField(min_value=0, max_value=10_000, required=False, label="Order")
    title = SingleLineField(max_length=300, required=False, label="Heading")
    agenda_label = SingleLineField(max_length=300, required=False, label="Label in the agenda")
    presenter = SingleLineField(max_length=200, required=False, label="Presenter")
    duration_minutes = forms.IntegerField(min_value=1, max_value=600, required=False, label="Minutes")
    remove = forms.BooleanField(required=False, label="Remove")

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = item  # the AgendaItem this row shows; None for a new one (`item` is its hidden field)
        if item is not None and item.kind != ItemKind.NOTES:
            del self.fields["remove"]  # the agenda, team and roadmap sections hold the minutes' structure

    @property
    def section_name(self) -> str:
        """What the row is called in the labels of its fields."""
        if self.section is None:
            return "the new section"
        return self.section.title or self.section.agenda_label or "the team sections"

    @property
    def can_remove(self) -> bool:
        return "remove" in self.fields

    def clean(self):
        cleaned = super().clean()
        if (
            self.section is None
            and not cleaned.get("title")
            and (cleaned.get("agenda_label") or cleaned.get("presenter"))
        ):
            raise forms.ValidationError("A new section needs a heading.")
        return cleaned


class BaseAgendaFormSet(forms.BaseFormSet):
    def __init__(self, *args, items, **kwargs):
        self.items = list(items)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"item": self.items[index] if index is not None and index < len(self.items) else None}

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if form.section is not None and form.cleaned_data.get("item") != form.section.pk:
                raise forms.ValidationError("The page is out of date: load it again.")
            title = form.cleaned_data.get("title", "")
            if form.section is not None and form.section.title and not title and not form.cleaned_data.get("remove"):
                raise forms.ValidationError(f"“{form.section.title}” needs a heading (or tick Remove).")
            if title and not form.cleaned_data.get("remove"):
                if title.casefold() in seen:
                    raise forms.ValidationError(f"Two sections are headed “{title}”; give each its own heading.")
                seen.add(title.casefold())

    def removed_with_text(self) -> list:
        """The items ticked for removal that have notes: the chair is asked before they go."""
        return [
            form.section
            for form in self.forms
            if form.section is not None and form.cleaned_data.get("remove") and form.section.body.strip()
        ]

    def rows(self) -> list[AgendaRow]:
        """The rows in their new order (ties keep the page's order), for `save_agenda`."""
        last = 10_001  # a new row without an order number goes at the end
        forms_in_order = sorted(
            enumerate(self.forms),
            key=lambda pair: (
                pair[1].cleaned_data.get("order") if pair[1].cleaned_data.get("order") is not None else last,
                pair[0],
            ),
        )
        return [
            AgendaRow(
                item_id=form.section.pk if form.section is not None else None,
                title=form.cleaned_data.get("title", ""),
                agenda_label=form.cleaned_data.get("agenda_label", ""),
                presenter=form.cleaned_data.get("presenter", ""),
                duration_minutes=form.cleaned_data.get("duration_minutes"),
                remove=bool(form.cleaned_data.get("remove")),
            )
            for _, form in forms_in_order
        ]


AgendaFormSet = forms.formset_factory(AgendaRowForm, formset=BaseAgendaFormSet, extra=2, max_num=200)


class AgendaForm(AmendingForm):
    """The agenda page's own fields: the version read, and the chair's go-ahead to remove sections with notes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm_remove = forms.BooleanField(
        required=False, label="Yes, remove these sections and their notes (the history keeps the notes)"
    )


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
