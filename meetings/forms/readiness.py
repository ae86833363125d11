"""The readiness page's form (views/readiness.py): who came to the meeting."""

from django import forms

from .fields import SingleLineField


class AttendanceForm(forms.Form):
    """Who came: roster accounts ticked (each with an affiliation), and other people as `Name, Affiliation` lines."""

    others = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="Other attendees",
        help_text="One per line, as the minutes list them: “Name, Company” (the company may be left out).",
    )

    NAME_LIMIT = 200  # Attendee.name and Attendee.affiliation

    def __init__(self, *args, accounts, **kwargs):
        """`accounts`: (user, label, affiliation) of everyone the chair may tick."""
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        self.fields["users"] = forms.MultipleChoiceField(
            choices=[(str(user.pk), label) for user, label, _ in accounts],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Leads and chairs",
        )
        for user, label, affiliation in accounts:
            self.fields[f"affiliation_{user.pk}"] = SingleLineField(
                max_length=self.NAME_LIMIT,
                required=False,
                initial=affiliation,
                label=f"Affiliation of {label}",
                widget=forms.TextInput(attrs={"placeholder": "Affiliation"}),
            )

    def account_rows(self):
        """(checkbox, affiliation field) per account, for the template."""
        checkboxes = list(self["users"])
        return [
            (box, self[f"affiliation_{user.pk}"]) for box, (user, _, _) in zip(checkboxes, self.accounts, strict=True)
        ]

    def clean_others(self) -> list[tuple[str, str]]:
        people = []
        for number, line in enumerate(self.cleaned_data["others"].splitlines(), start=1):
            line = line.strip().removeprefix("* ").removeprefix("- ").strip()
            if not line:
                continue
            name, _, affiliation = (part.strip() for part in line.partition(","))
            if not name:
                raise forms.ValidationError(f"Line {number} has no name before its comma.")
            if len(name) > self.NAME_LIMIT or len(affiliation) > self.NAME_LIMIT:
                raise forms.ValidationError(f"Line {number} is too long: at most {self.NAME_LIMIT} characters a part.")
            people.append((name, affiliation))
        return people

    def clean(self):
        cleaned = super().clean()
        ticked = set(cleaned.get("users", []))
        cleaned["accounts"] = [
            (user, cleaned.get(f"affiliation_{user.pk}", "").strip())
            for user, _, _ in self.accounts
            if str(user.pk) in ticked
        ]
        names = [label for user, label, _ in self.accounts if str(user.pk) in ticked]
        names += [name for name, _ in cleaned.get("others", [])]
        seen = set()
        for name in names:
            if name.casefold() in seen:
                raise forms.ValidationError(f"{name} is listed twice; list each attendee once.")
            seen.add(name.casefold())
        return cleaned


# --- the chair's committee pages: settings, default agenda, roster, invitations ----------------------
