"""Meetings imported before migration 0029 learn when they were imported; a file's says no publication date."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings.models import Meeting

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("meetings", "0028_live_log_of_every_server")]
IMPORTED = datetime(2026, 12, 1, 9, tzinfo=UTC)
FROM_GIT = datetime(2018, 6, 12, 23, 59, tzinfo=UTC)


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def test_imported_meetings_are_marked_and_only_git_keeps_a_publication_date():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("meetings")
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    committee = old.get_model("meetings", "Committee").objects.create(name="Runtime", slug="runtime")
    meetings = old.get_model("meetings", "Meeting").objects

    def meeting(day, **fields):
        return meetings.create(committee=committee, date=day, title=f"Meeting {day}", **fields)

    from_file = meeting(date(2018, 5, 1), status="published", published_at=IMPORTED, source_path="Runtime/a.md")
    from_git = meeting(date(2018, 6, 12), status="published", published_at=FROM_GIT, source_path="Runtime/b.md")
    old.get_model("meetings", "Revision").objects.create(meeting=from_git, target="preamble", source="git")
    written_here = meeting(date(2030, 1, 8), status="published", published_at=IMPORTED)

    migrate(latest)

    after = {row.pk: row for row in Meeting.objects.all()}
    assert (after[from_file.pk].imported_at, after[from_file.pk].first_published_at) == (IMPORTED, None)
    assert after[from_git.pk].first_published_at == FROM_GIT
    assert after[from_git.pk].imported_at == after[from_git.pk].created_at
    assert (after[written_here.pk].imported_at, after[written_here.pk].first_published_at) == (None, IMPORTED)
