"""Invitation links e-mailed before their tokens were kept hashed (migration 0024) still open their invitation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from meetings.models import Invitation

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("meetings", "0023_action_owners_of_the_committee")]
SENT = "sent-before-the-upgrade_0123456789abcdefghijklm"  # secrets.token_urlsafe(32), as the old code made them


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def test_a_link_sent_before_the_migration_still_works_and_its_token_is_no_longer_stored(client):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("meetings")
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    committee = old.get_model("meetings", "Committee").objects.create(name="Runtime", slug="runtime")
    old.get_model("meetings", "Invitation").objects.create(
        committee=committee, email="nia@example.org", token=SENT, expires_at=timezone.now() + timedelta(days=7)
    )

    migrate(latest)

    page = client.get(f"/accounts/invitation/{SENT}/")
    assert page.status_code == 200 and "co-chair the Runtime PMC" in page.content.decode()
    assert not any(SENT in str(value) for value in Invitation.objects.values().get().values())
