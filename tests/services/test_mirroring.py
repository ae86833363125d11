"""The git mirror (meetings/services/mirroring.py) against a real working copy and a bare repository as its remote."""

import fcntl
import shutil
from datetime import date

import pytest
from django.db import transaction

from meetings.format.actions import ActionLine
from meetings.format.choices import ItemKind
from meetings.format.outline import text_to_entries
from meetings.lib.git import GitError, git, git_text
from meetings.models import ActionItem, Meeting, MirrorSync, Outcome, RevisionSource
from meetings.services import mirroring
from meetings.services.actions import record_action, record_outcome
from meetings.services.attendance import record_attendance
from meetings.services.editing import move_report, restore_revision, save_item, save_report, save_roadmap
from meetings.services.exporting import archive_path, meeting_to_markdown
from meetings.services.importing import get_or_create_committee, import_file
from meetings.services.mirroring import MirrorError, check_remote, sync_mirror, working_copy
from meetings.services.publishing import publish_meeting, unpublish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_user
from tests.support.mirror import TESTER, bare_repository, changed_lines, commits, file_at, numstat, use_mirror

CORPUS_FILE = "Runtime/2018/2018-06-12-runtime.md"


@pytest.fixture
def remote(tmp_path, local_remotes):
    return bare_repository(tmp_path / "remote.git")


@pytest.fixture
def mirrored(people, remote):
    """Runtime's minutes mirrored (the site's working copy not made yet), pushed to the bare `remote`."""
    people["chair"].first_name, people["chair"].last_name = "Chris", "Chair"
    people["chair"].email = "chris@example.org"
    people["chair"].save()
    return use_mirror(people["runtime"], remote)


def diego(meeting: Meeting):
    return meeting.reports.get(team__slug="diego")


def test_a_save_through_the_api_says_so_in_its_commit(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        save_report(diego(draft), body="- Sent by a bot\n", by=people["chair"], source=RevisionSource.API)
    assert commits(remote)[0].subject == "Diego report amended through the API"


def test_publishing_makes_one_commit_on_the_remote_with_the_minutes_the_chair_and_what_happened(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    save_report(diego(draft), body="- Routing: done\n- Logging: started\n", by=people["lead_x"])

    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
        assert commits(remote) == [] and MirrorSync.objects.count() == 1  # git waits for the commit

    [commit] = commits(remote)
    path = "Runtime/2030/2030-01-08-runtime.md"
    assert commit.files == [path]
    assert commit.author == "Chris Chair <chris@example.org>"
    assert commit.subject == "Publish Runtime minutes of 2030-01-08"
    assert file_at(remote, path) == meeting_to_markdown(draft).encode()
    assert b"- Routing: done" in file_at(remote, path)
    assert not MirrorSync.objects.exists()


def test_an_amended_report_commits_only_its_changed_line(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    save_report(diego(draft), body="- Routing: done\n- Logging: started\n- Metrics: planned\n", by=people["lead_x"])
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    report = diego(draft)

    with django_capture_on_commit_callbacks(execute=True):
        save_report(report, body="- Routing: done\n- Logging: shipped\n- Metrics: planned\n", by=people["chair"])

    latest, _publication = commits(remote)
    assert latest.subject == "Diego report amended"
    assert latest.author == "Chris Chair <chris@example.org>"
    assert numstat(remote) == [(1, 1, "Runtime/2030/2030-01-08-runtime.md")]
    assert changed_lines(remote) == ["-- Logging: started", "+- Logging: shipped"]


def test_an_amended_report_of_an_imported_meeting_changes_only_its_line_in_the_file(
    seed_meeting, tmp_path, remote, django_capture_on_commit_callbacks
):
    chair = make_user("chair", first_name="Chris", last_name="Chair")
    committee = use_mirror(seed_meeting.committee, remote)
    mirroring.queue_published(committee)
    sync_mirror(committee)
    [added] = commits(remote)
    report = diego(seed_meeting)
    old = "- Validating compatibility of Diego components with Xenial-based stemcells"
    new = "- Validated compatibility of Diego components with Xenial-based stemcells"
    assert old in report.body

    with django_capture_on_commit_callbacks(execute=True):
        save_report(report, body=report.body.replace(old, new), by=chair)

    latest, first = commits(remote)
    assert (first.sha, latest.subject) == (added.sha, "Diego report amended")
    assert latest.author == "Chris Chair <pmc-minutes@localhost>"  # an account without e-mail: the site's
    assert numstat(remote) == [(1, 1, "Runtime/2018/2018-06-12-runtime.md")]
    assert changed_lines(remote) == ["-" + old, "+" + new]


def test_an_amended_chairs_section_is_committed_under_its_title(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    announcements = draft.items.get(title="Announcements")

    with django_capture_on_commit_callbacks(execute=True):
        save_item(
            announcements,
            body="The summit is in June.\n",
            title=announcements.title,
            agenda_label=announcements.agenda_label,
            by=people["chair"],
            expected_version=announcements.version,
        )

    assert commits(remote)[0].subject == "Announcements amended"
    assert [line for line in changed_lines(remote) if line != "+"] == ["+The summit is in June."]


def test_attendance_recorded_after_publication_is_committed(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])

    with django_capture_on_commit_callbacks(execute=True):
        record_attendance(
            draft, accounts=[], others=[("Chip Childers", "Cloud Foundry Foundation")], by=people["chair"]
        )

    assert commits(remote)[0].subject == "Attendance amended"
    assert b"Chip Childers" in file_at(remote, "Runtime/2030/2030-01-08-runtime.md")


def test_a_restore_a_roadmap_and_a_move_are_each_committed_saying_what_changed(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    report = diego(draft)
    save_roadmap(draft, entries=text_to_entries("## Soon\n- Routing v2\n"), by=people["chair"], expected_version=1)
    save_report(report, body="first text\n", by=people["lead_x"])
    save_report(report, body="second text\n", by=people["lead_x"])
    save_report(draft.reports.get(team__slug="cli"), body="CLI text\n", by=people["lead_y"])
    later = create_meeting(people["runtime"], day=draft.date.replace(day=22))
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(later, by=people["chair"])

    with django_capture_on_commit_callbacks(execute=True):
        restore_revision(report.revisions.get(after="first text\n"), by=people["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        save_roadmap(
            draft,
            entries=text_to_entries("## Soon\n- Routing v3\n"),
            by=people["chair"],
            expected_version=draft.roadmap_version,
        )
    with django_capture_on_commit_callbacks(execute=True):
        move_report(draft.reports.get(team__slug="cli"), to=later, by=people["chair"])

    found = commits(remote)
    assert [commit.subject for commit in found] == [
        "CLI report moved from the minutes of 2030-01-08",
        "CLI report moved to the minutes of 2030-01-22",
        "Roadmap amended",
        "Diego report restored to an earlier revision",
        "Publish Runtime minutes of 2030-01-22",
        "Publish Runtime minutes of 2030-01-08",
    ]
    assert found[0].files == ["Runtime/2030/2030-01-22-runtime.md"]
    assert b"first text" in file_at(remote, "Runtime/2030/2030-01-08-runtime.md")
    assert b"CLI text" in file_at(remote, "Runtime/2030/2030-01-22-runtime.md")
    assert b"CLI text" not in file_at(remote, "Runtime/2030/2030-01-08-runtime.md")
    assert changed_lines(remote, "main~2") == ["-*Soon* | - Routing v2", "+*Soon* | - Routing v3"]


def test_an_untouched_imported_meeting_mirrored_into_a_clone_of_its_archive_commits_nothing(
    db, corpus, tmp_path, remote, django_capture_on_commit_callbacks
):
    original = (corpus / CORPUS_FILE).read_bytes()
    work = tmp_path / "archive"
    git(["clone", "-q", str(remote), str(work)])
    (work / "Runtime" / "2018").mkdir(parents=True)
    shutil.copyfile(corpus / CORPUS_FILE, work / CORPUS_FILE)
    git(["add", "."], cwd=work)
    git(["commit", "-q", "-m", "The archive as it was"], cwd=work, env=TESTER)
    git(["push", "-q", "origin", "HEAD:main"], cwd=work)
    committee = use_mirror(get_or_create_committee("Runtime"), remote)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = import_file(corpus / CORPUS_FILE, "Runtime")

    assert result.meeting.is_published and callbacks  # the import was owed to the mirror ...
    [commit] = commits(remote)  # ... and made no commit: the file already held these bytes
    assert commit.subject == "The archive as it was"
    assert (working_copy(committee) / CORPUS_FILE).read_bytes() == original  # the site's copy started from it
    assert not MirrorSync.objects.exists()


def test_an_imported_meeting_is_committed_byte_for_byte_and_a_second_sync_commits_nothing(
    db, corpus, tmp_path, remote, django_capture_on_commit_callbacks
):
    committee = use_mirror(get_or_create_committee("Runtime"), remote)

    with django_capture_on_commit_callbacks(execute=True):
        result = import_file(corpus / CORPUS_FILE, "Runtime")

    [commit] = commits(remote)
    assert commit.subject == "Import Runtime minutes of 2018-06-12 from 2018-06-12-runtime.md"
    assert commit.author == "PMC Minutes <pmc-minutes@localhost>"  # the site's identity: nobody edited it
    assert commit.files == [CORPUS_FILE] == [archive_path(result.meeting).as_posix()]
    assert file_at(remote, CORPUS_FILE) == (corpus / CORPUS_FILE).read_bytes()

    assert mirroring.queue_published(committee) == 1
    again = sync_mirror(committee)

    assert (again.commits, again.unchanged, again.failed) == ([], [CORPUS_FILE], False)
    assert len(commits(remote)) == 1
    assert not MirrorSync.objects.exists()


def test_the_fallback_identity_comes_from_the_settings(
    db, corpus, tmp_path, remote, settings, django_capture_on_commit_callbacks
):
    settings.PMC_GIT_NAME, settings.PMC_GIT_EMAIL = "Minutes Bot", "bot@minutes.example.org"
    use_mirror(get_or_create_committee("Runtime"), remote)

    with django_capture_on_commit_callbacks(execute=True):
        import_file(corpus / CORPUS_FILE, "Runtime")

    assert commits(remote)[0].author == "Minutes Bot <bot@minutes.example.org>"


def test_a_remote_that_does_not_exist_keeps_the_edit_and_records_the_failure_until_a_sync_succeeds(
    people, draft, mirrored, tmp_path, django_capture_on_commit_callbacks
):
    missing = tmp_path / "not-yet.git"
    use_mirror(mirrored, missing)

    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])

    draft.refresh_from_db()
    assert draft.is_published  # the edit is saved whatever git says
    [owed] = MirrorSync.objects.all()
    assert (owed.meeting, owed.attempts, owed.message) == (draft, 1, "Publish Runtime minutes of 2030-01-08")
    assert owed.last_error.startswith("`git ls-remote")  # the site starts its copy from the remote's branch
    assert "not-yet.git' does not appear to be a git repository" in owed.last_error
    assert not working_copy(mirrored).exists()  # nothing made where it could not start from the remote

    bare_repository(missing)
    result = sync_mirror(mirrored)

    assert (result.failed, result.pushed, result.pending) == (False, True, 0)
    assert [c.subject for c in commits(missing)] == ["Publish Runtime minutes of 2030-01-08"]


def test_a_git_failure_in_the_working_copy_keeps_every_edit_and_a_retry_commits_them_together(
    people, draft, mirrored, remote, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    stale_lock = working_copy(draft.committee) / ".git" / "index.lock"  # a git that crashed leaves this behind
    stale_lock.write_text("")

    with django_capture_on_commit_callbacks(execute=True):
        save_report(diego(draft), body="Diego text\n", by=people["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        save_report(draft.reports.get(team__slug="cli"), body="CLI text\n", by=people["lead_y"])

    assert sorted(MirrorSync.objects.values_list("message", "attempts")) == [
        ("CLI report amended", 1),
        ("Diego report amended", 2),
    ]
    assert all("index.lock" in error for error in MirrorSync.objects.values_list("last_error", flat=True))
    assert len(commits(remote)) == 1

    stale_lock.unlink()
    result = sync_mirror(draft.committee)

    assert not result.failed and result.pending == 0
    latest = commits(remote)[0]
    assert latest.subject == "Diego report amended; CLI report amended"
    assert latest.author == "lead-y <pmc-minutes@localhost>"  # the latest editor; the other is a co-author
    body = git(["show", "-s", "--format=%b", latest.sha], cwd=remote).decode()
    assert "Co-authored-by: Chris Chair <chris@example.org>" in body
    assert sorted(line for line in changed_lines(remote) if line != "+") == ["+CLI text", "+Diego text"]


def someone_else_pushes(remote, tmp_path, path: str, change) -> None:
    """A commit of someone else's on the remote, made in a clone of their own: `change` edits the file's text."""
    other = tmp_path / "other"
    if not other.exists():
        git(["clone", "-q", str(remote), str(other)])
    if commits(remote):  # an empty remote has nothing to pull yet
        git(["pull", "-q", "--ff-only"], cwd=other)
    target = other / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(change(target.read_text() if target.exists() else ""))
    git(["add", path], cwd=other)
    git(["commit", "-q", "-m", f"Edit {path} by hand"], cwd=other, env=TESTER)
    git(["push", "-q", "origin", "main"], cwd=other)


def test_a_push_rejected_for_someone_elses_commit_in_the_committees_folder_goes_on_top_of_it(
    people, draft, mirrored, remote, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    someone_else_pushes(remote, tmp_path, "Runtime/README.md", lambda _text: "Someone else's commit\n")

    with django_capture_on_commit_callbacks(execute=True):
        save_report(diego(draft), body="Diego text\n", by=people["chair"])

    assert not MirrorSync.objects.exists()
    assert [c.subject for c in commits(remote)] == [
        "Diego report amended",
        "Edit Runtime/README.md by hand",
        "Publish Runtime minutes of 2030-01-08",
    ]
    assert file_at(remote, "Runtime/README.md") == b"Someone else's commit\n"
    assert file_at(remote, "Runtime/2030/2030-01-08-runtime.md") == meeting_to_markdown(draft).encode()


def test_a_push_rejected_for_a_change_of_the_same_lines_stays_owed_until_merged_by_hand(
    people, draft, mirrored, remote, tmp_path, django_capture_on_commit_callbacks
):
    path = "Runtime/2030/2030-01-08-runtime.md"
    save_report(diego(draft), body="Diego text\n", by=people["lead_x"])
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    someone_else_pushes(remote, tmp_path, path, lambda text: text.replace("Diego text", "Diego's text, by hand"))

    with django_capture_on_commit_callbacks(execute=True):
        save_report(diego(draft), body="Diego text, amended\n", by=people["chair"])

    [owed] = MirrorSync.objects.all()
    assert "change the lines the mirror changes" in owed.last_error and "sync_git_mirror" in owed.last_error
    assert commits(remote)[0].subject == f"Edit {path} by hand"
    work = working_copy(mirrored)
    assert git_text(["status", "--porcelain"], cwd=work) == ""  # not left in the middle of a rebase
    assert not (work / ".git" / "rebase-merge").exists() and not (work / ".git" / "rebase-apply").exists()

    # The chair's answer: take the app's text over the hand edit, then retry.
    git(["fetch", "-q", str(remote), "main"], cwd=work)
    git(["rebase", "-q", "-X", "theirs", "FETCH_HEAD"], cwd=work, env=TESTER)
    result = sync_mirror(draft.committee, push=True)

    assert (result.failed, result.pushed, result.pending) == (False, True, 0)
    assert commits(remote)[0].subject == "Diego report amended"
    assert b"Diego text, amended" in file_at(remote, path)


def test_a_change_rolled_back_owes_the_mirror_nothing(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish_meeting(draft, by=people["chair"])
        raise RuntimeError("the request failed after publishing")

    assert callbacks == []
    assert not MirrorSync.objects.exists()
    assert commits(remote) == []


def test_without_a_mirror_nothing_is_owed_and_nothing_waits_for_the_commit(
    people, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_meeting(draft, by=people["chair"])
        save_report(diego(draft), body="Diego text\n", by=people["chair"])

    # The PDF's pre-rendering waits for the commit; no sync of a mirror does.
    assert [callback.func.__self__.name for callback in callbacks] == ["prerender_pdf", "prerender_pdf"]
    assert not MirrorSync.objects.exists()


def test_a_draft_owes_the_mirror_nothing(people, draft, mirrored, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save_report(diego(draft), body="Draft text\n", by=people["lead_x"])

    assert callbacks == []
    assert not MirrorSync.objects.exists()
    assert not working_copy(mirrored).exists()


def test_a_change_of_minutes_unpublished_since_is_dropped_not_committed(people, draft, mirrored, remote):
    MirrorSync.objects.create(committee=mirrored, meeting=draft, message="Diego report amended")

    result = sync_mirror(mirrored)

    assert result.dropped == ["2030-01-08: no longer published"]
    assert not MirrorSync.objects.exists()
    assert commits(remote) == []


def test_unpublished_minutes_are_withdrawn_from_the_mirror_and_come_back_when_published_again(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    path = "Runtime/2030/2030-01-08-runtime.md"
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])

    with django_capture_on_commit_callbacks(execute=True):
        unpublish_meeting(draft, by=people["chair"])

    withdrawn, _published = commits(remote)
    assert (withdrawn.subject, withdrawn.files, withdrawn.author) == (
        "Withdraw Runtime minutes of 2030-01-08",
        [path],
        "Chris Chair <chris@example.org>",
    )
    with pytest.raises(GitError, match="does not exist"):
        file_at(remote, path)
    assert not MirrorSync.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    assert commits(remote)[0].subject == "Publish Runtime minutes of 2030-01-08"
    assert file_at(remote, path) == meeting_to_markdown(draft).encode()


def test_a_sync_holds_the_working_copys_lock(people, draft, mirrored):
    sync_mirror(mirrored, push=True)  # creates and initialises the working copy
    lock_file = mirroring.lock_path(mirrored)

    with mirroring._working_copy(mirrored), open(lock_file) as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)

    with open(lock_file) as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again once the sync is done


def test_a_sync_that_cannot_get_the_lock_leaves_the_change_owed_without_an_error(
    people, draft, mirrored, remote, settings
):
    sync_mirror(mirrored, push=True)
    settings.PMC_GIT_TIMEOUT_SECONDS = 0.2
    publish_meeting(draft, by=people["chair"])  # owed, not synced (the test's transaction never commits)
    lock_file = mirroring.lock_path(mirrored)

    with open(lock_file) as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        result = sync_mirror(mirrored)

    assert result.error.startswith("another sync of") and result.pending == 1
    assert MirrorSync.objects.get().last_error == ""
    assert commits(remote) == []
    assert sync_mirror(mirrored).commits  # once the lock is free


def test_the_working_copy_is_put_on_the_mirrors_branch(people, draft, mirrored, tmp_path, remote):
    use_mirror(mirrored, remote, branch="minutes")

    publish_meeting(draft, by=people["chair"])  # inside the test's transaction: owed, not synced yet
    sync_mirror(mirrored)

    assert [c.subject for c in commits(remote, "minutes")] == ["Publish Runtime minutes of 2030-01-08"]
    assert commits(remote, "main") == []


@pytest.mark.parametrize(
    ("site_url", "link"),
    [("https://minutes.example.org/", "https://minutes.example.org/runtime/2030-01-08/"), ("", None)],
)
def test_the_commit_message_links_to_the_minutes_only_from_the_sites_public_address(
    people, draft, mirrored, remote, settings, site_url, link, django_capture_on_commit_callbacks
):
    settings.PMC_SITE_URL = site_url
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])

    [commit] = commits(remote)
    message = git_text(["log", "-1", "--format=%B", commit.sha], cwd=remote)
    assert message.splitlines()[0] == "Publish Runtime minutes of 2030-01-08"
    if link:
        assert message.splitlines()[2] == link
    else:  # without PMC_SITE_URL, no bare path pretending to be a link
        assert message.strip() == "Publish Runtime minutes of 2030-01-08"


def test_an_outcome_recorded_in_published_minutes_is_committed_in_their_open_action_items(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    people["runtime"].set_default_agenda(
        [{"title": "Open action items", "kind": ItemKind.ACTIONS, "agenda_label": "", "body": ""}]
    )
    record_action(
        draft.items.get(title="Announcements"),
        action=ActionLine("cli", "Cut v7"),
        by=people["chair"],
        expected_version=1,
    )
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
        publish_meeting(later, by=people["chair"])

    with django_capture_on_commit_callbacks(execute=True):
        record_outcome(
            ActionItem.objects.get(), meeting=later, outcome=Outcome.DONE, note="Shipped", by=people["chair"]
        )

    assert commits(remote)[0].subject == "Runtime minutes of 2030-01-22: Done: Cut v7"
    assert b"- [x] @cli: Cut v7 (from 2030-01-08, Announcements) \xe2\x80\x94 done: Shipped\n" in file_at(
        remote, "Runtime/2030/2030-01-22-runtime.md"
    )


@pytest.mark.parametrize(
    "path", ["pmc_minutes/wsgi.py", ".github/workflows/x.yml", "Nobodys/2030/notes.md", "README.md"]
)
def test_a_catch_up_that_would_bring_in_a_change_outside_the_committees_folder_is_refused_saying_so(
    people, draft, mirrored, remote, tmp_path, path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    work = working_copy(mirrored)
    someone_else_pushes(remote, tmp_path, path, lambda _text: "on: push\n")
    theirs = commits(remote)[0].sha

    with django_capture_on_commit_callbacks(execute=True):
        save_report(diego(draft), body="Diego text\n", by=people["chair"])

    [owed] = MirrorSync.objects.all()
    assert path in owed.last_error and "Runtime/" in owed.last_error
    assert commits(remote)[0].sha == theirs  # nothing pushed
    assert not (work / path).exists()
    assert [c.subject for c in commits(work)] == ["Diego report amended", "Publish Runtime minutes of 2030-01-08"]
    assert git_text(["status", "--porcelain"], cwd=work) == ""


def test_one_archive_for_several_committees_takes_in_the_others_folders_and_says_so(
    people, draft, mirrored, remote, tmp_path, django_capture_on_commit_callbacks
):
    # The real archive is one repository for every committee: the Extensions mirror pushes there too.
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    someone_else_pushes(remote, tmp_path, "Extensions/2030/2030-01-09-extensions.md", lambda _text: "Minutes\n")
    save_report(diego(draft), body="Diego text\n", by=people["chair"])  # owed, synced below

    result = sync_mirror(mirrored)

    assert not result.failed
    assert result.brought_in == ["Extensions/2030/2030-01-09-extensions.md"]
    assert [c.subject for c in commits(remote)][:2] == [
        "Diego report amended",
        "Edit Extensions/2030/2030-01-09-extensions.md by hand",
    ]


def test_a_link_in_another_committees_folder_is_refused_all_the_same(
    people, draft, mirrored, remote, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    other = tmp_path / "other"
    git(["clone", "-q", str(remote), str(other)])
    (other / "Extensions").mkdir()
    (other / "Extensions" / "2030").symlink_to("/etc")
    git(["add", "."], cwd=other)
    git(["commit", "-q", "-m", "A link"], cwd=other, env=TESTER)
    git(["push", "-q", "origin", "main"], cwd=other)
    save_report(diego(draft), body="Diego text\n", by=people["chair"])

    result = sync_mirror(mirrored)

    assert "Extensions/2030" in result.error and not result.pushed
    assert commits(remote)[0].subject == "A link"


def test_a_remote_whose_history_was_forced_to_drop_the_pushed_commits_is_refused(
    people, draft, mirrored, remote, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    [published] = commits(remote)
    other = tmp_path / "other"
    git(["init", "-q", "--initial-branch=main", str(other)])
    (other / "Runtime" / "2030").mkdir(parents=True)
    (other / "Runtime" / "2030" / "2030-01-08-runtime.md").write_text("Rewritten minutes\n")
    git(["add", "."], cwd=other)
    git(["commit", "-q", "-m", "History rewritten"], cwd=other, env=TESTER)
    git(["push", "-q", "--force", str(remote), "main"], cwd=other)

    with django_capture_on_commit_callbacks(execute=True):
        save_report(diego(draft), body="Diego text\n", by=people["chair"])

    [owed] = MirrorSync.objects.all()
    assert "no longer holds" in owed.last_error
    assert [c.subject for c in commits(remote)] == ["History rewritten"]
    work = working_copy(mirrored)
    assert commits(work)[1].sha == published.sha  # what was pushed is not rewritten


def test_a_commit_message_cannot_carry_a_trailer_or_a_second_line_of_its_own(people, draft, mirrored, remote, settings):
    settings.PMC_SITE_URL = ""  # no link: the message is its subject alone
    people["chair"].first_name = "Chris\x7f\x85\u2028"
    people["chair"].save()
    publish_meeting(draft, by=people["chair"])  # owed, not synced: the test's transaction never commits
    MirrorSync.objects.update(message="Publish\nCo-authored-by: Mallory <mallory@example.org>\r\n\x1b")

    sync_mirror(mirrored)

    [commit] = commits(remote)
    message = git_text(["log", "-1", "--format=%B", commit.sha], cwd=remote)
    assert message.strip() == "Publish Co-authored-by: Mallory <mallory@example.org>"
    assert git_text(["log", "-1", "--format=%an", commit.sha], cwd=remote).strip() == "Chris Chair"


def test_the_working_copy_is_the_sites_own_named_by_the_committees_id_and_kept_through_a_rename(
    people, draft, mirrored, remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    work = working_copy(mirrored)
    assert work.parent == mirroring.Path(mirroring.settings.PMC_GIT_MIRROR_ROOT)
    assert work.name == f"committee-{mirrored.pk}"
    assert (work / ".git" / mirroring.MARKER_NAME).read_text() == f"{mirrored.pk}\n"

    mirrored.slug, mirrored.name = "renamed", ".git"  # no name leads into git's own folder
    mirrored.save()
    with django_capture_on_commit_callbacks(execute=True):
        save_report(diego(draft), body="Diego text\n", by=people["chair"])

    assert working_copy(mirrored) == work
    assert commits(remote)[0].files == ["renamed/2030/2030-01-08-renamed.md"]
    assert not (work / ".git" / "2030").exists()


def make_foreign(kind: str, work, tmp_path, other_committee_pk: int) -> None:
    """What a sync must refuse at the committee's own place: a folder the site did not make for it."""
    elsewhere = tmp_path / "elsewhere"
    git(["init", "-q", str(elsewhere)])
    if kind == "a clone put there":
        git(["init", "-q", str(work)])
    elif kind == "another committee's copy":
        git(["init", "-q", str(work)])
        (work / ".git" / mirroring.MARKER_NAME).write_text(f"{other_committee_pk}\n")
    elif kind == "a link to another folder":
        (elsewhere / ".git" / mirroring.MARKER_NAME).write_text(f"{other_committee_pk}\n")
        work.symlink_to(elsewhere)
    elif kind == "a link as its .git":
        work.mkdir()
        (work / ".git").symlink_to(elsewhere / ".git")


@pytest.mark.parametrize(
    "kind", ["a clone put there", "another committee's copy", "a link to another folder", "a link as its .git"]
)
def test_a_sync_refuses_a_working_copy_the_site_did_not_make_for_this_committee(
    people, draft, mirrored, remote, tmp_path, kind
):
    sync_mirror(mirrored, push=True)  # the root exists
    work = working_copy(mirrored)
    mirroring.shutil.rmtree(work)
    make_foreign(kind, work, tmp_path, people["extensions"].pk)
    publish_meeting(draft, by=people["chair"])  # owed, not synced: the test's transaction never commits

    result = sync_mirror(mirrored)

    assert result.failed and result.pending == 1
    assert "made" in result.error or "another committee" in result.error or "link" in result.error
    assert MirrorSync.objects.get().last_error == result.error  # shown to the chairs
    assert commits(remote) == []
    assert commits(tmp_path / "elsewhere") == [] and not (tmp_path / "elsewhere" / "Runtime").exists()
    assert not (work / "Runtime").exists()


def test_a_new_remote_starts_a_new_working_copy_that_carries_nothing_of_the_former_one(
    people, draft, mirrored, remote, tmp_path, django_capture_on_commit_callbacks
):
    # The chair's own remote first: the site's copy starts from its history, a workflow file included ...
    someone_else_pushes(remote, tmp_path, ".github/workflows/x.yml", lambda _text: "on: push\n")
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    assert commits(remote)[0].subject == "Publish Runtime minutes of 2030-01-08"
    # ... then another committee's repository, which the server may push to.
    victim = bare_repository(tmp_path / "victim.git")
    use_mirror(mirrored, victim)

    sync_mirror(mirrored, push=True)
    mirroring.queue_published(mirrored)
    sync_mirror(mirrored)

    assert {name for commit in commits(victim) for name in commit.files} == {"Runtime/2030/2030-01-08-runtime.md"}


def test_a_local_remote_is_refused_at_every_sync_once_the_operator_no_longer_allows_it(
    people, draft, mirrored, remote, settings
):
    settings.PMC_GIT_MIRROR_LOCAL_REMOTES = False
    publish_meeting(draft, by=people["chair"])

    result = sync_mirror(mirrored)

    assert result.failed and "is a folder on this server" in result.error
    assert "is a folder on this server" in MirrorSync.objects.get().last_error
    assert commits(remote) == [] and not working_copy(mirrored).exists()


@pytest.mark.parametrize(
    "url",
    [
        "git@github.com:org/minutes.git",
        "ssh://git@github.com/org/minutes.git",
        "https://github.com/org/minutes.git",
        "minutes-host:minutes.git",
    ],
)
def test_a_network_remote_is_accepted(url):
    assert check_remote(url) == url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/srv/pmc-minutes/.git", "on this server"),
        ("file:///srv/pmc-minutes", "on this server"),
        ("../pmc-minutes", "on this server"),
        ("./host:path", "on this server"),
        ("ext::sh -c touch% /tmp/x", "without spaces"),
        ("ext::sh", "runs a command"),
        ("fd::7", "helper"),
        ("testgit::/tmp/x", "helper"),
        ("ftp://host/x.git", "may not push"),
        ("ssh://-oProxyCommand=x/y", "no host"),
        ("-u:x", "without spaces"),
    ],
)
def test_a_remote_on_the_servers_disk_or_through_a_helper_is_refused_saying_why(settings, url, says):
    with pytest.raises(MirrorError, match=says):
        check_remote(url)


def test_a_local_remote_is_accepted_where_the_operator_allows_it(settings):
    settings.PMC_GIT_MIRROR_LOCAL_REMOTES = True

    assert check_remote("/srv/minutes.git") == "/srv/minutes.git"
    with pytest.raises(MirrorError, match="runs a command"):
        check_remote("ext::sh")
