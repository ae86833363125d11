"""The readiness page's form (views/readiness.py): who came to the meeting."""

from django import forms

from .fields import SingleLineField


class AttendanceForm(forms.Form):
    """Who came: the roster's people ticked (each with an affiliation), and others as `Name, Affiliation` lines.

    The roster's people are its accounts and the leads the minutes name
    without an account. An account without a name gets a name field of its
    own: ticked, it is listed under the name typed there, never its username.
    """

    others = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="Other attendees",
        help_text="One per line, as the minutes list them: “Name, Company” (the company may be left out).",
    )

    NAME_LIMIT = 200  # Attendee.name and Attendee.affiliation

    def __init__(self, *args, accounts, names=(), **kwargs):
        """`accounts`: (user, name, affiliation) of everyone the chair may tick, name "" when the account has none;
        `names`: (name, affiliation) of the leads named in the minutes without an account."""
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        self.names = list(names)
        self.fields["users"] = forms.MultipleChoiceField(
            choices=[(str(user.pk), name or f"{user.get_username()} (no name yet)") for user, name, _ in accounts],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Leads and chairs",
        )
        self.fields["names"] = forms.MultipleChoiceField(
            choices=[(name, name) for name, _ in self.names],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Leads named in the minutes",
        )
        for user, name, affiliation in accounts:
            self.fields[f"affiliation_{user.pk}"] = self._affiliation(name or user.get_username(), affiliation)
            if not name:
                self.fields[f"name_{user.pk}"] = SingleLineField(
                    max_length=self.NAME_LIMIT,
                    required=False,
                    label=f"Name of {user.get_username()}, as the minutes write it",
                    widget=forms.TextInput(attrs={"placeholder": "Name, as the minutes write it"}),
                )
        for number, (name, affiliation) in enumerate(self.names):
            self.fields[f"affiliation_name_{number}"] = self._affiliation(name, affiliation)

    def _affiliation(self, label: str, initial: str) -> forms.Field:
        return SingleLineField(
            max_length=self.NAME_LIMIT,
            required=False,
            initial=initial,
            label=f"Affiliation of {label}",
            widget=forms.TextInput(attrs={"placeholder": "Affiliation"}),
        )

    def account_rows(self):
        """(checkbox, name field or None, affiliation field) per person of the roster, accounts first."""
        rows = [
            (box, self[f"name_{user.pk}"] if not name else None, self[f"affiliation_{user.pk}"])
            for box, (user, name, _) in zip(list(self["users"]), self.accounts, strict=True)
        ]
        rows += [(box, None, self[f"affiliation_name_{number}"]) for number, box in enumerate(self["names"])]
        return rows

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
        # The name typed beside a ticked account that has none; a missing one is that row's error, not the form's.
        typed = {}
        for user, name, _ in self.accounts:
            if name or str(user.pk) not in ticked:
                continue
            typed[user.pk] = (cleaned.get(f"name_{user.pk}") or "").strip()
            if not typed[user.pk] and f"name_{user.pk}" not in self.errors:
                self.add_error(
                    f"name_{user.pk}",
                    f"{user.get_username()} has no name yet, and the minutes never show a username: "
                    "type their name as the minutes write it, or untick them.",
                )
        cleaned["typed_names"] = {pk: name for pk, name in typed.items() if name}
        cleaned["accounts"] = [
            (user, cleaned.get(f"affiliation_{user.pk}", "").strip())
            for user, _, _ in self.accounts
            if str(user.pk) in ticked
        ]
        named = set(cleaned.get("names", []))
        people = [
            (name, cleaned.get(f"affiliation_name_{number}", "").strip())
            for number, (name, _) in enumerate(self.names)
            if name in named
        ]
        cleaned["others"] = people + cleaned.get("others", [])
        names = [name or typed.get(user.pk) for user, name, _ in self.accounts if str(user.pk) in ticked]
        names = [name for name in names if name]
        names += [name for name, _ in cleaned["others"]]
        seen = set()
        for name in names:
            if name.casefold() in seen:
                raise forms.ValidationError(f"{name} is listed twice; list each attendee once.")
            seen.add(name.casefold())
        return cleaned


# --- the chair's committee pages: settings, default agenda, roster, invitations ----------------------
