"""Builders shared by the tests: accounts, committees and teams in one line each, the seed meeting imported."""

from datetime import date

from django.contrib.auth import get_user_model

from meetings.demo import SEED
from meetings.models import Committee, Meeting, Team
from meetings.services.importing import import_file

SEED_DATE = date(2018, 6, 12)


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(username=username, password="pw-" + username, **extra)


def make_committee(name: str = "Runtime", **extra) -> Committee:
    return Committee.objects.create(name=name, slug=name.lower(), **extra)


def make_team(committee: Committee, name: str, *, leads=(), lead_names: str = "", **extra) -> Team:
    team = Team.objects.create(committee=committee, name=name, lead_names=lead_names, **extra)
    team.leads.set(leads)
    return team


def import_seed(committee: str = "runtime") -> Meeting:
    result = import_file(SEED, committee)
    assert result.meeting is not None, result.message
    return result.meeting
