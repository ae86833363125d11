"""Fixtures for every test: fast password hashing, a small committee with its people, the seed meeting, the corpus.

The builders they use live in tests/support/ and are imported from there, never from this file.
"""

import itertools
from datetime import date, time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from meetings.models import Meeting, TeamStatus
from meetings.services import background
from meetings.services.scheduling import create_meeting
from tests.support.builders import import_seed, make_committee, make_team, make_user
from tests.support.corpus import require_corpus

# The fake GitHub / OpenID Connect provider and the settings that point sign-in at it.
pytest_plugins = ["tests.support.signin", "tests.support.mirror"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; the production hasher would make that take seconds each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def pdf_slots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pdf-slots")


@pytest.fixture(autouse=True)
def own_pdf_slots(settings, pdf_slots):
    """This run's PDF renders count against slots of its own: another run on the machine must not take them."""
    settings.PMC_PDF_SLOTS_DIR = str(pdf_slots)


@pytest.fixture(autouse=True)
def tasks_enqueued_as_in_autocommit(monkeypatch):
    """Outside the code's own transactions, on_commit enqueues at once, as in production.

    A test's own transaction (pytest-django wraps each test in one) never
    commits: without this, a task enqueued by a view that is not in a
    transaction would never run. Inside the code's own atomic block the real
    on_commit applies (tests/services/test_mirroring.py captures it).
    """
    real = background.on_commit

    def on_commit(func, using=None, robust=False):
        blocks = transaction.get_connection(using).atomic_blocks
        if all(getattr(block, "_from_testcase", False) for block in blocks):
            func()
        else:
            real(func, using, robust)

    monkeypatch.setattr(background, "on_commit", on_commit)


@pytest.fixture(scope="session")
def git_mirror_roots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("git-mirrors")


_mirror_roots = itertools.count()


@pytest.fixture(autouse=True)
def own_git_mirror_root(settings, git_mirror_roots):
    """Each test's git mirror keeps its working copies apart (ids repeat between tests), never in the app's folder."""
    settings.PMC_GIT_MIRROR_ROOT = git_mirror_roots / str(next(_mirror_roots))  # made by the first sync


@pytest.fixture
def corpus() -> Path:
    """The real archive (../shared/corpus); tests over all of it skip where it is absent."""
    return require_corpus()


@pytest.fixture
def people(db):
    """Everyone the permission rules tell apart, around a Runtime committee.

    Runtime has teams X (Diego) and Y (CLI); Extensions has a team led by the
    same person who leads X in Runtime.
    """
    runtime = make_committee("Runtime")
    extensions = make_committee("Extensions")
    users = {
        "member": make_user("member"),
        "lead_x": make_user("lead-x", first_name="Eric", last_name="Malm"),
        "lead_y": make_user("lead-y"),
        "lead_x_elsewhere": make_user("lead-x-elsewhere"),
        "chair": make_user("chair"),
        "other_chair": make_user("other-chair"),
        "superuser": get_user_model().objects.create_superuser("root", password="pw-root"),
    }
    runtime.chairs.add(users["chair"])
    extensions.chairs.add(users["other_chair"])
    team_x = make_team(runtime, "Diego", leads=[users["lead_x"]], position=0)
    team_y = make_team(runtime, "CLI", leads=[users["lead_y"]], lead_names="Abby Chau", position=1)
    make_team(runtime, "Old Team", status=TeamStatus.RETIRED, position=2)
    make_team(extensions, "Diego", leads=[users["lead_x_elsewhere"]])
    return {"runtime": runtime, "extensions": extensions, "team_x": team_x, "team_y": team_y, **users}


@pytest.fixture
def draft(people) -> Meeting:
    """A draft Runtime meeting created as a chair creates one."""
    return create_meeting(people["runtime"], day=date(2030, 1, 8))


@pytest.fixture
def seed_meeting(db) -> Meeting:
    """The published Runtime meeting of 2018-06-12, imported from the seed."""
    return import_seed()


@pytest.fixture
def runtime(people):
    """Runtime meets every other Tuesday at 10:30 in Los Angeles, 45 minutes on Zoom."""
    committee = people["runtime"]
    committee.timezone = "America/Los_Angeles"
    committee.weekday = 1  # Tuesday
    committee.start_time = time(10, 30)
    committee.cadence_weeks = 2
    committee.duration_minutes = 45
    committee.meeting_link = "https://zoom.example.org/j/123"
    committee.save()
    return committee
