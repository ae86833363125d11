"""`manage.py sync_git_mirror`: retries what a mirror is owed, says what it did, fails while a mirror fails."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from meetings.models import MirrorSync
from meetings.services.mirroring import working_copy
from meetings.services.publishing import publish_meeting
from tests.support.mirror import bare_repository, commits, use_mirror


def sync(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sync_git_mirror", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_fails_while_the_remote_is_missing_then_commits_and_pushes_once_it_exists(
    people, draft, tmp_path, local_remotes
):
    remote = tmp_path / "remote.git"
    committee = use_mirror(people["runtime"], remote)
    publish_meeting(draft, by=people["chair"])  # in the test's transaction: owed, not synced

    with pytest.raises(CommandError, match="1 mirror"):
        sync("--committee", "runtime")

    [owed] = MirrorSync.objects.all()
    assert owed.attempts == 1 and "does not appear to be a git repository" in owed.last_error
    assert not working_copy(committee).exists()  # the site's copy starts from the remote: not made yet

    bare_repository(remote)
    out, err = sync("--committee", "runtime")

    assert err == ""
    assert f"Runtime: pushed to {remote} (main)" in out
    assert [c.subject for c in commits(remote)] == ["Publish Runtime minutes of 2030-01-08"]
    assert not MirrorSync.objects.exists()

    again, _ = sync("--committee", "runtime")  # idempotent: nothing new, the same push again

    assert "committed" not in again
    assert len(commits(remote)) == 1
    assert committee.mirror_syncs.count() == 0


def test_it_prints_each_commit_and_with_all_compares_every_published_meeting(people, draft, tmp_path, local_remotes):
    remote = bare_repository(tmp_path / "remote.git")
    use_mirror(people["runtime"], remote)
    publish_meeting(draft, by=people["chair"])

    out, _ = sync()

    assert "Runtime: committed " in out and "Publish Runtime minutes of 2030-01-08" in out

    out, _ = sync("--all")

    assert "Runtime: 1 published meeting to compare" in out
    assert "Runtime: 1 file already up to date" in out
    assert len(commits(remote)) == 1


def test_a_committee_without_a_mirror_is_refused_by_name(people):
    with pytest.raises(CommandError, match="has no git mirror"):
        sync("--committee", "runtime")
    with pytest.raises(CommandError, match="No committee"):
        sync("--committee", "nope")
