"""Recording a decision (views/decisions.py), and the decisions page's filter."""

from django import forms

from ..format.decisions import MAX_LINK_CHARS, DecisionLine, Vote, decision_line, read_decision
from .fields import AmendingForm, validate_single_line

MAX_DECISION_CHARS = 2_000
MAX_VOTES = 100_000


class DecisionForm(AmendingForm):
    """A decision for a section; on published minutes (`amending`), with the amendment's reason."""

    text = forms.CharField(
        label="Decision",
        max_length=MAX_DECISION_CHARS,
        validators=[validate_single_line],
        help_text="One line of Markdown, e.g. “Adopt the Xenial stemcell for all teams”.",
    )
    votes_for = forms.IntegerField(label="For", required=False, min_value=0, max_value=MAX_VOTES)
    votes_against = forms.IntegerField(label="Against", required=False, min_value=0, max_value=MAX_VOTES)
    votes_abstain = forms.IntegerField(label="Abstain", required=False, min_value=0, max_value=MAX_VOTES)
    link = forms.URLField(
        label="Link",
        required=False,
        max_length=MAX_LINK_CHARS,
        assume_scheme="https",
        help_text="Optional: the proposal, the thread or the vote.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_link(self):
        link = self.cleaned_data["link"]
        if link and any(char in link for char in " ()"):
            raise forms.ValidationError("The minutes cannot write a link with spaces or parentheses; shorten it.")
        return link

    def clean(self):
        data = super().clean()
        counts = [data.get(name) for name in ("votes_for", "votes_against", "votes_abstain")]
        if any(count is not None for count in counts) and any(count is None for count in counts):
            raise forms.ValidationError("Give all three counts of the vote (0 where nobody), or none.")
        if "text" in data and not self.errors:
            vote = Vote(*counts) if counts[0] is not None else None
            decision = DecisionLine(text=data["text"].strip(), vote=vote, link=data.get("link") or "")
            # What the minutes will read back: a text that would read as a vote or a link would change meaning.
            from_line = read_decision(decision_line(decision))
            if from_line != decision:
                raise forms.ValidationError(
                    "The minutes would read this decision differently; remove a vote or link written in its text."
                )
            data["decision"] = decision
        return data


class DecisionCandidateForm(DecisionForm):
    """Accepting a line of the archive as a decision: which line (as the page showed it), and the decision."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=400)
    seen = forms.CharField(widget=forms.HiddenInput, max_length=MAX_DECISION_CHARS * 2, strip=False)


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label="Decisions that mention", required=False, max_length=200)
