"""The archive's search box (views/archive.py)."""

from django import forms

from ..models import Committee
from ..queries.search import ORDER_CHOICES, Hit, Order, QueryError, Results, find, parse_query, search

MAX_PAGE = 1000


class SearchForm(forms.Form):
    """What the community types into the search box; any query gets results or a message."""

    q = forms.CharField(label="Search the minutes", required=False, max_length=10_000)
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.all(), to_field_name="slug", required=False, empty_label="All committees"
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    order = forms.ChoiceField(label="Sort", choices=ORDER_CHOICES, required=False, initial=Order.RELEVANCE)
    # Deep enough for every result of the largest archive, not so deep that a typed number walks it all.
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        # Not a field of the form on the page: a new search starts on the first page.
        error_messages={
            "invalid": "That page number is not a number; the results start at page 1.",
            "min_value": "The results start at page 1.",
            "max_value": "Pages go up to %(limit_value)s; narrow the search with the filters.",
        },
    )

    FILTERS = ("committee", "date_from", "date_to")

    def clean_q(self):
        try:
            return parse_query(self.cleaned_data["q"])
        except QueryError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_order(self) -> str:
        return self.cleaned_data["order"] or Order.RELEVANCE

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the date range is before its start.")
        return data

    def hits(self) -> list[Hit]:
        """The search asked for (the form must be valid): the page's and the API's one way to run it."""
        data = self.cleaned_data
        return search(
            data["q"],
            committee=data["committee"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            order=data["order"],
        )

    def results(self) -> Results:
        """The page of results asked for, with the counts of all of them (the form must be valid)."""
        data = self.cleaned_data
        return find(
            data["q"],
            committee=data["committee"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            order=data["order"],
            page=data["page"] or 1,
        )
