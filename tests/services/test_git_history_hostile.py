"""A hostile repository replayed by `import_minutes --git`: unreadable authors, control characters, hidden folders.

Each repository is built with commit objects `git commit` would refuse to write; the command runs as an
operator runs it, and neither what it prints nor what it stores may carry a control character of the data.
"""

import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from meetings.lib.control_chars import escape_controls as escaped
from meetings.models import Committee, GitImport, Meeting, Revision
from meetings.services.exporting import meeting_to_markdown
from tests.support.git_repos import HostileRepo, MissingBlob, minutes

FILE = "Runtime/2018/2018-06-12-runtime.md"
OTHER = "Runtime/2018/2018-06-26-runtime.md"
# Everything a terminal or a file name must never get from data: C0 and C1 controls, DEL, bidi overrides.
HOSTILE = "\x1b[31m\x1b]0;owned\x07\r\n\t\x7f\x9b\u202e"


def control_characters(text: str) -> set[str]:
    return {char for char in text if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp"}}


def printed_controls(output: str) -> set[str]:
    """The control characters of the command's output but the newline ending each of its lines."""
    return control_characters(output.replace("\n", ""))


@pytest.fixture
def repo(tmp_path) -> HostileRepo:
    return HostileRepo(tmp_path / "repo")


def run(repo: HostileRepo, *arguments: str) -> tuple[str, str, CommandError | None]:
    """What the command printed (out, err) and the CommandError it ended with, if any."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_minutes", "--git", str(repo.path), *arguments, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def stored_names() -> list[str]:
    """Every name the run stored: committees, the files meetings came from, the commit authors."""
    names = [*Committee.objects.values_list("name", flat=True), *Committee.objects.values_list("slug", flat=True)]
    names += Meeting.objects.values_list("source_path", flat=True)
    for author, email in Revision.objects.values_list("commit_author", "commit_email"):
        names += [author, email]
    return names


@pytest.mark.django_db
@pytest.mark.parametrize(
    "author",
    [
        b"author Broken <broken@example.org 1528000000 +0000",  # no closing bracket: no name, e-mail or date
        b"author",  # nothing at all
        b"author Ann Author <ann@example.org> yesterday +0000",  # no date
        b"author Ann Author <ann@example.org> 1528000000 +9999",  # a zone that is no zone
    ],
)
def test_a_commit_whose_author_git_cannot_read_is_named_and_the_rest_of_the_history_imported(repo, author):
    repo.commit_object({FILE: minutes("2018-06-12")})
    broken = repo.commit_object({FILE: minutes("2018-06-12", diego="- broken")}, author=author)
    repo.commit_object({FILE: minutes("2018-06-12", diego="- fixed")})

    out, _, error = run(repo)

    assert error is None, error
    warning = next(line for line in out.splitlines() if broken[:7] in line)
    assert "author" in warning and "cannot be read" in warning
    # The unreadable commit's change is kept, in its place: nothing of the history is lost.
    revisions = list(Revision.objects.filter(target="report:diego").order_by("created_at", "pk"))
    assert [r.after for r in revisions] == ["- a", "- broken", "- fixed"]
    assert meeting_to_markdown(Meeting.objects.get()) == minutes("2018-06-12", diego="- fixed")
    assert GitImport.objects.get().last_commit == repo.head()


@pytest.mark.django_db
def test_control_characters_in_authors_and_messages_reach_neither_the_terminal_nor_the_database(repo):
    repo.commit_object({FILE: minutes("2018-06-12")})
    hostile = repo.commit_object(
        {FILE: minutes("2018-06-12", diego="- hostile")},
        author=f"author Eve{HOSTILE}\xff <eve{HOSTILE}@example.org> 1528000000 +0000".encode("utf-8", "surrogateescape")
        .replace(b"\r", b"")
        .replace(b"\n", b""),  # a line break would end the author line itself
        message=f"Fix{HOSTILE}\n\nA body line\nand another\n".encode() + b"\xff\n",
    )

    out, err, error = run(repo, "--verbosity", "2")

    assert error is None, error
    assert printed_controls(out + err) == set()
    assert any(hostile[:7] in line and "control characters" in line for line in out.splitlines())
    assert all(control_characters(name) == set() for name in stored_names())
    revision = Revision.objects.get(commit_id=hostile)
    assert revision.commit_author.startswith("Eve") and revision.commit_email.endswith("@example.org")
    # A message keeps its lines and tabs; only the other controls within them are replaced.
    assert control_characters(revision.commit_message) <= {"\n", "\t"}
    assert "A body line\nand another" in revision.commit_message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "Runtime/2018/2018-06-12-\x1b[2J\x1b]0;owned\x07runtime.md",
        "Runtime/2018/2018-06-12-run\ntime.md",
        "Runtime/2018/2018-06-12-run\rtime\t.md",
        "Runtime/2018/2018-06-12-\u202eruntime.md",
        "Runtime/2018/2018-06-12-\x7f\x9b31mruntime.md",
        "Run\x1b[31mtime/2018/2018-06-12-runtime.md",
    ],
)
def test_a_file_whose_path_holds_control_characters_is_refused_by_name_and_the_rest_imported(repo, path):
    repo.commit_object({OTHER: minutes("2018-06-26"), path: minutes("2018-06-12")})

    out, err, error = run(repo)

    assert error is not None  # its minutes are not imported: the run says so and fails
    assert printed_controls(out + err) == control_characters(str(error)) == set()
    # Named, on one line, each control character written out: the operator sees what to rename.
    assert any(escaped(path) in line and "control characters" in line for line in out.splitlines())
    assert escaped(path) in str(error)
    assert [m.source_path for m in Meeting.objects.all()] == [OTHER]
    assert all(control_characters(name) == set() for name in stored_names())


@pytest.mark.django_db
@pytest.mark.parametrize("folder", [".git", ".github", "..", "...", ".hidden"])
def test_a_hidden_folder_never_becomes_a_committee(repo, folder):
    repo.commit_object({FILE: minutes("2018-06-12"), f"{folder}/2018/2018-06-19-x.md": minutes("2018-06-19")})

    out, _, error = run(repo)

    assert error is None, error
    assert list(Committee.objects.values_list("name", flat=True)) == ["Runtime"]
    assert [m.source_path for m in Meeting.objects.all()] == [FILE]
    assert f"{folder}/2018/2018-06-19-x.md" in out and "hidden" in out


@pytest.mark.django_db
def test_a_hidden_folder_named_with_committee_is_not_read_either(repo):
    repo.commit_object({".github/2018-06-19-runtime.md": minutes("2018-06-19"), FILE: minutes("2018-06-12")})

    out, _, error = run(repo, "--committee", "Runtime")

    assert error is None, error
    assert ".github/2018-06-19-runtime.md" in out
    assert [m.source_path for m in Meeting.objects.all()] == [FILE]


def _corrupt(repo: HostileRepo, tree: bytes) -> None:
    """A commit on main whose tree is `tree` as it is: an object git cannot read, or an entry it cannot parse."""
    body = b"tree " + tree + b"\nparent " + repo.head().encode() + b"\n"
    body += b"author Ann <ann@example.org> 1528000000 +0000\ncommitter Ann <ann@example.org> 1528000000 +0000\n\nx\n"
    repo.move_main(repo.write_object("commit", body))


@pytest.mark.django_db
@pytest.mark.parametrize("corruption", ["a tree that is not there", "a tree entry git cannot parse"])
def test_a_history_git_itself_cannot_read_is_a_clear_error_and_nothing_is_written(repo, corruption):
    repo.commit_object({FILE: minutes("2018-06-12")})
    if corruption == "a tree that is not there":
        _corrupt(repo, b"1" * 40)
    else:
        blob = repo.write_object("blob", minutes("2018-06-26").encode())
        _corrupt(repo, repo.write_object("tree", b"1x0644 x.md\0" + bytes.fromhex(blob)).encode())

    out, err, error = run(repo)

    assert error is not None and "git cannot read its history" in str(error) and "nothing was written" in str(error)
    assert printed_controls(out + err) == control_characters(str(error)) == set()
    assert not Meeting.objects.exists() and not Committee.objects.exists() and not GitImport.objects.exists()


@pytest.mark.django_db
def test_a_version_whose_content_is_missing_from_the_repository_is_named_and_the_rest_imported(repo):
    repo.commit_object({FILE: minutes("2018-06-12")})
    missing = repo.commit_object({FILE: MissingBlob()})
    repo.commit_object({FILE: minutes("2018-06-12", diego="- fixed")})

    out, _, error = run(repo)

    assert error is None, error
    assert any(missing[:7] in line and "missing from the repository" in line for line in out.splitlines())
    assert meeting_to_markdown(Meeting.objects.get()) == minutes("2018-06-12", diego="- fixed")
