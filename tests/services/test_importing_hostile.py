"""An archive folder whose names are hostile: hidden folders (.git, .github), control characters in names.

The command runs as an operator runs it; what it prints and what it stores never carry a control character
of the data, no committee is ever made from a hidden folder, and every file not imported is named.
"""

import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from meetings.format.reading import ParseError
from meetings.lib.control_chars import escape_controls
from meetings.models import Committee, Meeting
from meetings.services.importing import Outcome, get_or_create_committee, import_uploads
from tests.support.builders import make_committee
from tests.support.git_repos import minutes

GOOD = "Runtime/2018/2018-06-12-runtime.md"


def control_characters(text: str) -> set[str]:
    return {char for char in text if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp"}}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def run(*arguments) -> tuple[str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_minutes", *map(str, arguments), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue() + err.getvalue(), error
    return out.getvalue() + err.getvalue(), None


def stored_names() -> list[str]:
    names = [*Committee.objects.values_list("name", flat=True), *Committee.objects.values_list("slug", flat=True)]
    return names + list(Meeting.objects.values_list("source_path", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("folder", [".git", ".github", ".hidden", "..."])
def test_a_hidden_folder_of_the_archive_never_becomes_a_committee(tmp_path, folder):
    hidden = f"{folder}/2018/2018-06-19-x.md"
    archive = write(tmp_path / "archive", {GOOD: minutes("2018-06-12"), hidden: minutes("2018-06-19")})

    out, error = run(archive)

    assert error is None, error
    assert list(Committee.objects.values_list("name", flat=True)) == ["Runtime"]
    assert [m.source_path for m in Meeting.objects.all()] == [GOOD]
    assert any(f"{folder}/2018/2018-06-19-x.md" in line and "hidden" in line for line in out.splitlines())


@pytest.mark.django_db
@pytest.mark.parametrize("folder", [".git", ".github", ".hidden"])
def test_a_hidden_folder_named_itself_is_refused_as_a_committee_unless_one_is_given(tmp_path, folder):
    hidden = write(tmp_path / folder, {"2018/2018-06-19-x.md": minutes("2018-06-19")})

    out, error = run(hidden)

    assert error is not None
    assert f"“{folder}” cannot be a committee's name" in out and "--committee" in out
    assert not Committee.objects.exists() and not Meeting.objects.exists()

    _, error = run(hidden, "--committee", "Runtime")

    assert error is None, error
    assert [(m.committee.name, m.date.isoformat()) for m in Meeting.objects.all()] == [("Runtime", "2018-06-19")]


@pytest.mark.django_db
@pytest.mark.parametrize("name", [".git", ".github", "Run\x1b[31mtime", "Run\ntime", "\u202eemitnuR"])
def test_no_committee_is_ever_made_from_a_hidden_or_control_name(name):
    with pytest.raises(ParseError, match="cannot be a committee's name"):
        get_or_create_committee(name)

    assert not Committee.objects.exists()


@pytest.mark.django_db
def test_a_dot_name_never_reaches_the_committee_its_slug_would_name():
    make_committee("Git")

    with pytest.raises(ParseError, match="cannot be a committee's name"):
        get_or_create_committee(".git")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "Runtime/2018/2018-06-19-\x1b[2J\x1b]0;owned\x07runtime.md",
        "Runtime/2018/2018-06-19-run\ntime.md",
        "Runtime/2018/2018-06-19-run\rtime\t.md",
        "Runtime/2018/2018-06-19-\u202eruntime.md",
        "Runtime/2018/2018-06-19-\x7f\x9bruntime.md",
        "Run\x1b[31mtime/2018/2018-06-19-runtime.md",
        "Runtime/20\x1b18/2018-06-19-runtime.md",
    ],
)
def test_a_file_whose_name_holds_control_characters_is_refused_by_name_and_the_rest_imported(tmp_path, path):
    archive = write(tmp_path / "archive", {GOOD: minutes("2018-06-12"), path: minutes("2018-06-19")})

    out, error = run(archive)

    assert error is not None  # the run says a file was not imported
    assert control_characters(out.replace("\n", "") + str(error)) == set()
    assert any("control characters" in line and escape_controls(Path(path).name) in line for line in out.splitlines())
    assert [m.source_path for m in Meeting.objects.all()] == [GOOD]
    assert all(control_characters(name) == set() for name in stored_names())


@pytest.mark.django_db
def test_an_upload_whose_name_holds_control_characters_is_refused_by_name():
    committee = make_committee("Runtime")
    upload = SimpleUploadedFile("2018-06-12-\x1b[31mruntime.md", minutes("2018-06-12").encode())

    [result] = import_uploads([upload], committee)

    assert result.outcome == Outcome.FAILED and "control characters (\\x1b)" in result.message
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_check_roundtrip_prints_no_control_character_of_the_archive(tmp_path):
    hostile = "Runtime/2018/2018-06-19-\x1b]0;owned\x07runtime.md"
    text = minutes("2018-06-12", diego="- a line that \x1b[2Jclears the screen\r")
    archive = write(tmp_path / "archive", {GOOD: text, hostile: minutes("2018-06-19")})
    out = StringIO()

    try:
        call_command("check_roundtrip", str(archive), stdout=out)
    except CommandError as error:
        assert control_characters(str(error)) == set()

    assert control_characters(out.getvalue().replace("\n", "")) == set()
    assert escape_controls(Path(hostile).name) in out.getvalue()
