"""The demo: the meeting the product was specified from, a draft, and demo accounts.

The seed file ships inside the app so that `make run` works on any machine.
"""

import os
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.defaultfilters import pluralize

from ..models import Meeting, SearchDocument
from ..services.importing import adopt_agenda_from_latest, get_or_create_committee, import_file
from ..services.scheduling import create_meeting
from ..services.search_index import rebuild_index

SEED = Path(__file__).with_name("2018-06-12-runtime.md")
DRAFT_DATE = date(2018, 6, 26)
# username -> (team led, or None for the chair)
ACCOUNTS = {"chair": None, "diego-lead": "diego", "cli-lead": "cli"}


def load_demo() -> Iterator[str]:
    """Load the demo data; safe to run again (it never overwrites edits)."""
    committee = get_or_create_committee("Runtime")
    if not Meeting.objects.filter(committee=committee, date=date(2018, 6, 12)).exists():
        result = import_file(SEED, committee.slug)
        yield str(result)
    if not committee.agenda_template.exists():
        adopt_agenda_from_latest(committee)
    with transaction.atomic():
        if not Meeting.objects.filter(committee=committee, date=DRAFT_DATE).exists():
            draft = create_meeting(committee, day=DRAFT_DATE)
            yield f"created   draft meeting {draft} with {draft.reports.count()} team sections"
        yield from _accounts(committee)
    if not SearchDocument.objects.exists():
        # A database from before the search index: index what it holds.
        count = rebuild_index()
        yield f"indexed   {count} meeting{pluralize(count)} for search"


def _accounts(committee) -> Iterator[str]:
    users = get_user_model()
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
    for username, team_slug in ACCOUNTS.items():
        user, created = users.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        if created:
            user.set_password(password)
            user.save()
            yield f"created   account {username!r} with password {password!r}"
        if team_slug is None:
            committee.chairs.add(user)
        else:
            committee.teams.get(slug=team_slug).leads.add(user)
