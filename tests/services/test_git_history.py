"""Replaying a git repository's history as revisions: authors, dates, renames, deletions, merges, re-runs, bad input."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from meetings.models import GitImport, Meeting, Revision, RevisionSource
from meetings.services.exporting import meeting_to_markdown, structural_markdown
from meetings.services.git_history import (
    Change,
    Commit,
    GitHistoryError,
    committee_folder,
    import_history,
    parse_log,
    parse_mailmap,
    plan_replay,
)
from meetings.services.importing import import_data
from tests.support.git_repos import Repo, minutes

FILE = "Runtime/2018/2018-06-12-runtime.md"
ANN = {"author": "Ann Author", "email": "ann@example.org", "date": "2018-06-01T10:00:00+00:00"}
BOB = {"author": "Bob Builder", "email": "bob@example.org", "date": "2018-06-05T09:30:00+02:00"}
CAROL = {"author": "Carol Coder", "email": "carol@example.org", "date": "2018-06-11T17:00:00-07:00"}


@pytest.fixture
def repo(tmp_path) -> Repo:
    return Repo(tmp_path / "repo")


def diego_revisions() -> list[Revision]:
    return list(Revision.objects.filter(target="report:diego").order_by("created_at"))


# --- reading git's output, without a database ------------------------------------------------------


def test_the_log_is_read_into_commits_with_their_changes_and_renames():
    output = (
        b"\x01" + b"a" * 40 + b"\0\0Ann\0ann@example.org\0" + b"2018-06-01T10:00:00+00:00\0First\n\nbody\n\0\0\n"
        b":000000 100644 " + b"0" * 40 + b" " + b"1" * 40 + b" A\0Runtime/x.md\0"
        b"\0\x01"
        + b"b" * 40
        + b"\0"
        + b"a" * 40
        + b"\0Bob\0bob@example.org\0"
        + b"2018-06-02T10:00:00+02:00\0Move\n\0\0\n"
        b":100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" R090\0Runtime/x.md\0Runtime/y.md\0"
    )

    first, second = parse_log(output)

    assert (first.id, first.parents, first.author_name, first.message) == ("a" * 40, (), "Ann", "First\n\nbody")
    assert first.changes == [Change("A", "Runtime/x.md", "1" * 40, "Runtime/x.md", "0" * 40)]
    assert second.parents == ("a" * 40,)
    assert second.date == datetime(2018, 6, 2, 8, 0, tzinfo=UTC)
    assert second.changes == [Change("R", "Runtime/y.md", "2" * 40, "Runtime/x.md", "1" * 40)]


def test_a_symbolic_link_named_like_minutes_is_never_read_as_minutes():
    output = (
        b"\x01" + b"a" * 40 + b"\0\0Ann\0ann@example.org\0" + b"2018-06-01T10:00:00+00:00\0Link\n\0\0\n"
        b":000000 120000 " + b"0" * 40 + b" " + b"1" * 40 + b" A\0Runtime/2018/2018-06-12-runtime.md\0"
    )

    (commit,) = parse_log(output)

    assert [(change.status, change.blob) for change in commit.changes] == [("D", "0" * 40)]
    assert [step.blob for step in plan_replay([commit], commit.id)] == []


def test_a_mailmap_line_git_would_ignore_is_named():
    assert parse_mailmap("# people\nAnn Author <ann@example.org> <ann@old.example>\n\n<a@b.org> <c@d.org>\n") == 2
    with pytest.raises(ValueError, match="line 2 is not a mapping"):
        parse_mailmap("Ann <ann@example.org>\nann@example.org = Ann\n")


def test_the_committee_of_a_file_is_its_nearest_folder_that_is_not_a_year():
    assert committee_folder("Runtime/2018/2018-06-12-runtime.md") == "Runtime"
    assert committee_folder("notes/Extensions/06-24-2018.md") == "Extensions"
    assert committee_folder("2018/06-24-2018.md") == "Minutes"


def _commit(identity: str, parents: tuple[str, ...], *changes: Change) -> Commit:
    return Commit(identity, parents, "A", "a@example.org", datetime(2018, 1, 1, tzinfo=UTC), "m", list(changes))


def test_a_branch_commit_made_on_an_older_version_comes_in_with_the_merge():
    def edit(old: str, new: str) -> Change:
        return Change("M", "R/x.md", new, "R/x.md", old)

    log = [
        _commit("root", (), Change("A", "R/x.md", "v1", "R/x.md", "0" * 40)),
        _commit("main", ("root",), edit("v1", "v2")),
        _commit("side", ("root",), edit("v1", "v3")),  # made on v1, not on v2
        _commit("merge", ("main", "side"), edit("v2", "v4")),
    ]

    steps = plan_replay(log, "merge")

    assert [(step.commit.id, step.blob) for step in steps] == [("root", "v1"), ("main", "v2"), ("merge", "v4")]


def test_a_merge_whose_branch_followed_on_records_nothing_of_its_own():
    log = [
        _commit("root", (), Change("A", "R/x.md", "v1", "R/x.md", "0" * 40)),
        _commit("main", ("root",), Change("A", "R/README.md", "r", "R/README.md", "0" * 40)),
        _commit("side", ("root",), Change("M", "R/x.md", "v2", "R/x.md", "v1")),
        _commit("merge", ("main", "side"), Change("M", "R/x.md", "v2", "R/x.md", "v1")),
    ]

    steps = plan_replay(log, "merge")

    assert [(step.commit.id, step.path, step.blob) for step in steps] == [
        ("root", "R/x.md", "v1"),
        ("side", "R/x.md", "v2"),
    ]


# --- replaying into the database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_two_authors_editing_a_report_are_two_revisions_with_their_commits(repo):
    created = repo.commit({FILE: minutes("2018-06-12")}, "Create the minutes", **ANN)
    bob = repo.commit({FILE: minutes("2018-06-12", diego="- a\n- b from Bob")}, "Diego: Bob's news\n\nDetails.", **BOB)
    carol = repo.commit({FILE: minutes("2018-06-12", diego="- c from Carol")}, "Diego: Carol's", **CAROL)

    replay = import_history(str(repo.path))

    assert replay.commits_read == 3 and replay.versions == 3
    first, second, third = diego_revisions()
    assert (first.commit_id, first.before, first.after) == (created, "", "- a")
    assert (second.commit_id, second.commit_author, second.commit_email) == (bob, "Bob Builder", "bob@example.org")
    assert second.created_at == datetime(2018, 6, 5, 7, 30, tzinfo=UTC)
    assert second.commit_message == "Diego: Bob's news\n\nDetails."
    assert (second.before, second.after) == ("- a", "- a\n- b from Bob")
    assert (third.commit_id, third.commit_author, third.after) == (carol, "Carol Coder", "- c from Carol")
    assert third.created_at == datetime(2018, 6, 12, 0, 0, tzinfo=UTC)
    assert {r.source for r in Revision.objects.all()} == {RevisionSource.GIT}
    # Only what changed: the CLI report was written once, by the first commit.
    assert [r.commit_id for r in Revision.objects.filter(target="report:cli")] == [created]


@pytest.mark.django_db
def test_the_final_state_is_the_last_version_imported_alone(repo):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    repo.commit({FILE: minutes("2018-06-12", diego="- x", announcements="Later.")}, **BOB)
    last = minutes("2018-06-12", diego="- y", cli="- z\n\n#### Sub\n\n- w")
    repo.commit({FILE: last}, **CAROL)

    import_history(str(repo.path))
    alone = import_data(last.encode(), Path(FILE), "Plain", source_path=FILE).meeting

    meeting = Meeting.objects.get(committee__slug="runtime")
    assert meeting_to_markdown(meeting) == last
    assert structural_markdown(meeting) == structural_markdown(alone)


@pytest.mark.django_db
def test_an_author_is_matched_to_an_account_by_e_mail_whatever_its_case(repo):
    bob = get_user_model().objects.create_user("bob", email="Bob@Example.ORG")
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    repo.commit({FILE: minutes("2018-06-12", diego="- mine")}, **BOB)

    replay = import_history(str(repo.path))

    revision = diego_revisions()[-1]
    assert revision.author == bob
    assert revision.author_name == "Bob Builder"  # the account has no name: the commit's, never the username
    assert (revision.commit_author, revision.commit_email) == ("Bob Builder", "bob@example.org")
    assert diego_revisions()[0].author is None and diego_revisions()[0].author_name == "Ann Author"
    assert (replay.authors_matched, replay.authors_unmatched) == (
        {"Bob Builder <bob@example.org>"},
        {"Ann Author <ann@example.org>"},
    )


@pytest.mark.django_db
def test_an_authors_file_maps_a_commit_address_to_an_account(repo, tmp_path):
    ann = get_user_model().objects.create_user("ann", email="ann@foundation.org")
    authors = tmp_path / "authors"
    authors.write_text("Ann Proper <ann@foundation.org> <ann@example.org>\n", encoding="utf-8")
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)

    import_history(str(repo.path), authors=authors)

    revision = diego_revisions()[0]
    assert revision.author == ann
    assert (revision.commit_author, revision.commit_email) == ("Ann Proper", "ann@foundation.org")


@pytest.mark.django_db
def test_a_file_renamed_to_another_date_moves_its_meeting(repo):
    repo.commit({"Runtime/2018/2018-06-13-runtime.md": minutes("2018-06-13")}, **ANN)
    repo.rename("Runtime/2018/2018-06-13-runtime.md", FILE, **BOB)
    repo.commit({FILE: minutes("2018-06-12", diego="- after the move")}, **CAROL)

    replay = import_history(str(repo.path))

    meeting = Meeting.objects.get()
    meeting_pk = meeting.pk
    assert (str(meeting.date), meeting.source_path) == ("2018-06-12", FILE)
    assert [r.after for r in diego_revisions()] == ["- a", "- after the move"]
    assert all(r.meeting_id == meeting_pk for r in diego_revisions())
    assert any("moved to 2018-06-12" in str(event) for event in replay.events)


@pytest.mark.django_db
def test_a_file_renamed_onto_a_date_that_has_a_meeting_says_so(repo):
    repo.commit({FILE: minutes("2018-06-12"), "Runtime/2018/2018-06-13-runtime.md": minutes("2018-06-13")}, **ANN)
    repo.rename("Runtime/2018/2018-06-13-runtime.md", "Runtime/2018/2018-06-12-x.md", **CAROL)

    replay = import_history(str(repo.path))

    assert [str(m.date) for m in Meeting.objects.all()] == ["2018-06-12"]
    assert Meeting.objects.get().source_path == "Runtime/2018/2018-06-12-x.md"
    said = [str(event) for event in replay.events]
    assert any("2018-06-13" in line and "removed" in line for line in said), said


@pytest.mark.django_db
def test_a_file_moved_to_another_committees_folder_moves_to_that_committee(repo):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    repo.rename(FILE, "Extensions/2018/2018-06-12-runtime.md", **BOB)

    import_history(str(repo.path))

    assert [(m.committee.slug, str(m.date)) for m in Meeting.objects.all()] == [("extensions", "2018-06-12")]


@pytest.mark.django_db
def test_a_file_deleted_in_history_leaves_no_meeting(repo):
    repo.commit({FILE: minutes("2018-06-12"), "Runtime/2018/2018-06-26-runtime.md": minutes("2018-06-26")}, **ANN)
    repo.commit({"Runtime/2018/2018-06-26-runtime.md": minutes("2018-06-26", diego="- more")}, **BOB)
    repo.commit({"Runtime/2018/2018-06-26-runtime.md": None}, "Not yet", **CAROL)

    import_history(str(repo.path))

    assert [str(m.date) for m in Meeting.objects.all()] == ["2018-06-12"]
    assert not Revision.objects.filter(meeting__date="2018-06-26").exists()


@pytest.mark.django_db
def test_a_merged_branch_is_recorded_once_with_its_author(repo):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    repo.run("checkout", "--quiet", "-b", "side")
    side = repo.commit({FILE: minutes("2018-06-12", diego="- from the branch")}, "Diego", **BOB)
    repo.run("checkout", "--quiet", "main")
    repo.commit({"Runtime/README.md": "Notes live here.\n"}, **ANN)
    repo.run("merge", "--quiet", "--no-ff", "-m", "Merge pull request #1", "side", **CAROL)
    merge = repo.head()

    import_history(str(repo.path))

    assert [(r.commit_id, r.after) for r in diego_revisions()][1:] == [(side, "- from the branch")]
    assert not Revision.objects.filter(commit_id=merge).exists()


@pytest.mark.django_db
def test_edits_on_both_sides_of_a_merge_end_as_the_merge_and_no_change_twice(repo):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    repo.run("checkout", "--quiet", "-b", "side")
    repo.commit({FILE: minutes("2018-06-12", diego="- branch")}, **BOB)
    repo.run("checkout", "--quiet", "main")
    repo.commit({FILE: minutes("2018-06-12", cli="- main")}, **ANN)
    repo.run("merge", "--quiet", "--no-ff", "-m", "Merge", "side", **CAROL)

    import_history(str(repo.path))

    meeting = Meeting.objects.get()
    assert meeting_to_markdown(meeting) == minutes("2018-06-12", diego="- branch", cli="- main")
    assert [r.after for r in diego_revisions()] == ["- a", "- branch"]
    assert [r.after for r in Revision.objects.filter(target="report:cli").order_by("created_at")] == ["- b", "- main"]


@pytest.mark.django_db
def test_running_again_records_nothing_and_continues_from_the_last_commit(repo):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    import_history(str(repo.path))
    count = Revision.objects.count()

    again = import_history(str(repo.path))
    later = repo.commit({FILE: minutes("2018-06-12", diego="- later")}, **BOB)
    third = import_history(str(repo.path))

    assert (again.commits_replayed, again.revisions) == (0, 0)
    assert (third.commits_replayed, third.revisions) == (1, 1)
    assert Revision.objects.count() == count + 1
    assert GitImport.objects.get().last_commit == later


@pytest.mark.django_db
def test_since_replays_only_the_commits_after_it(repo):
    first = repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    second = repo.commit({FILE: minutes("2018-06-12", diego="- second")}, **BOB)
    third = repo.commit({FILE: minutes("2018-06-12", diego="- third")}, **CAROL)

    replay = import_history(str(repo.path), since=second[:10])

    assert replay.commits_replayed == 1
    assert {r.commit_id for r in Revision.objects.all()} == {third}
    assert not Revision.objects.filter(commit_id__in=[first, second]).exists()
    assert meeting_to_markdown(Meeting.objects.get()) == minutes("2018-06-12", diego="- third")


@pytest.mark.django_db
def test_a_version_that_fails_is_reported_with_its_commit_and_the_run_goes_on(repo):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    broken = repo.commit({FILE: minutes("2018-06-12").encode() + b"\xff\xfe"}, "Oops", **BOB)
    repo.commit({FILE: minutes("2018-06-12", diego="- fixed")}, **CAROL)

    replay = import_history(str(repo.path))

    assert [(e.commit, e.path, e.outcome) for e in replay.problems] == [(broken, FILE, "failed")]
    assert "not valid UTF-8" in replay.problems[0].message
    assert replay.unsettled == {}
    assert [r.after for r in diego_revisions()] == ["- a", "- fixed"]


@pytest.mark.django_db
def test_a_file_created_empty_is_imported_when_written(repo):
    repo.commit({FILE: ""}, "Create", **ANN)
    repo.commit({FILE: minutes("2018-06-12")}, **BOB)

    replay = import_history(str(repo.path))

    assert replay.events == []
    assert [r.commit_author for r in diego_revisions()] == ["Bob Builder"]


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(repo):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)

    replay = import_history(str(repo.path), dry_run=True)

    assert replay.versions == 1
    assert not Meeting.objects.exists() and not GitImport.objects.exists()


# --- the command -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_progress_and_a_summary(repo):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    repo.commit({FILE: minutes("2018-06-12", diego="- b")}, **BOB)
    out = StringIO()

    call_command("import_minutes", "--git", str(repo.path), stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "commits 2/2"
    assert lines[-1].startswith("commits read 2, replayed 2; files 1, versions imported 2; revisions recorded ")
    assert "authors matched 0, unmatched 2" in lines[-1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["--git", "{tmp}/not-a-repo"], "not-a-repo cannot be read as a git repository"),
        (["--git", "{repo}", "--since", "no-such-commit"], "--since no-such-commit: no such commit in"),
        (["--git", "{repo}", "--authors", "{tmp}/authors"], "the authors file {tmp}/authors: line 1 is not a mapping"),
        (["--git", "{repo}", "--authors", "{tmp}/missing"], "the authors file {tmp}/missing cannot be read"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(repo, tmp_path, arguments, words):
    repo.commit({FILE: minutes("2018-06-12")}, **ANN)
    (tmp_path / "not-a-repo").mkdir()
    (tmp_path / "authors").write_text("just a name\n", encoding="utf-8")
    names = {"tmp": tmp_path, "repo": repo.path}

    with pytest.raises(CommandError) as raised:
        call_command("import_minutes", *[a.format(**names) for a in arguments], stdout=StringIO())

    assert words.format(**names) in str(raised.value)
    assert not Meeting.objects.exists() and not GitImport.objects.exists()


def test_the_service_refuses_an_unknown_repository_before_writing(tmp_path):
    with pytest.raises(GitHistoryError, match="cannot be read as a git repository"):
        import_history(str(tmp_path / "nowhere"))


@pytest.mark.django_db
def test_what_was_written_up_to_the_meetings_day_is_the_minutes_and_what_came_after_amends_them(repo):
    repo.commit({FILE: minutes("2018-06-12")}, "The template", **ANN)
    repo.commit(
        {FILE: minutes("2018-06-12", diego="- on the day")}, "Diego", **{**BOB, "date": "2018-06-12T16:00:00-07:00"}
    )
    repo.commit(
        {FILE: minutes("2018-06-12", diego="- a week later")}, "Fix", **{**CAROL, "date": "2018-06-19T09:00:00+00:00"}
    )

    import_history(str(repo.path))

    meeting = Meeting.objects.get(committee__slug="runtime")
    day_ends = datetime(2018, 6, 13, tzinfo=meeting.committee.zone)
    assert meeting.published_at == day_ends - timedelta(microseconds=1)
    assert meeting.first_published_at == meeting.published_at  # what the pages print, not the day of the import
    assert meeting.imported_at > meeting.published_at
    assert [(r.commit_message, r.after_publication) for r in diego_revisions()] == [
        ("The template", False),
        ("Diego", False),  # 23:00 on the day in the committee's time zone (UTC until the chair sets one)
        ("Fix", True),
    ]
    assert [r.commit_message for r in meeting.revisions.amendments()] == ["Fix"]


@pytest.mark.django_db
def test_minutes_first_committed_after_their_meeting_were_published_by_that_commit(repo):
    repo.commit(
        {FILE: minutes("2018-06-12", diego="- late notes")}, "Late", **{**ANN, "date": "2018-06-20T10:00:00+00:00"}
    )
    repo.commit(
        {FILE: minutes("2018-06-12", diego="- later still")}, "Later", **{**BOB, "date": "2018-06-21T10:00:00+00:00"}
    )

    import_history(str(repo.path))

    meeting = Meeting.objects.get(committee__slug="runtime")
    assert meeting.published_at == datetime(2018, 6, 20, 10, tzinfo=UTC)
    assert [(r.commit_message, r.after_publication) for r in diego_revisions()] == [("Late", False), ("Later", True)]
