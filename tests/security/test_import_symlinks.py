"""import_minutes imports the files it was given, never what a symbolic link points at."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.demo import SEED
from meetings.models import Committee, Meeting
from meetings.services import importing
from meetings.services.importing import Outcome, import_file, import_paths, minutes_files

pytestmark = pytest.mark.django_db

SECRETS = "DATABASE_URL=postgres://pmc:hunter2@db/pmc\nSECRET_KEY=not-for-the-minutes\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def link(path: Path, target: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


def run_command(*args: str) -> tuple[str, bool]:
    """The command's output, and whether it failed."""
    out = StringIO()
    try:
        call_command("import_minutes", *args, stdout=out)
    except CommandError:
        return out.getvalue(), True
    return out.getvalue(), False


def test_a_link_to_a_file_outside_the_folder_is_refused_and_nothing_published(tmp_path):
    secrets = write(tmp_path / "deploy" / "production.env", SECRETS)
    archive = tmp_path / "Runtime"
    write(archive / "2018" / "2018-06-12-runtime.md", SEED.read_bytes())
    linked = link(archive / "2019" / "2019-01-22-runtime.md", secrets)

    output, failed = run_command(str(archive))

    assert failed
    assert f"failed    {linked}: a symbolic link" in output
    assert "import the file it points to directly if you trust it" in output
    assert output.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, skipped 0, failed 1, refused 0"
    assert [str(day) for day in Meeting.objects.values_list("date", flat=True)] == ["2018-06-12"]
    assert not Committee.objects.filter(slug="deploy").exists()


def test_a_link_given_on_the_command_line_is_refused(tmp_path):
    secrets = write(tmp_path / "etc" / "passwd", "root:x:0:0:root:/root:/bin/bash\n")
    linked = link(tmp_path / "2019-01-22-runtime.md", secrets)

    output, failed = run_command(str(linked))

    assert failed
    assert f"{linked}: a symbolic link" in output
    assert not Meeting.objects.exists() and not Committee.objects.exists()


def test_a_linked_folder_is_refused_and_none_of_its_files_imported(tmp_path):
    outside = tmp_path / "elsewhere"
    write(outside / "2018-06-12-runtime.md", SEED.read_bytes())
    archive = tmp_path / "Runtime"
    linked = link(archive / "2018", outside)

    results = import_paths([archive])

    assert [(result.path, result.outcome) for result in results] == [(linked, Outcome.FAILED)]
    assert "a symbolic link to a folder" in results[0].message
    assert not Meeting.objects.exists()


def test_a_link_inside_the_folder_to_a_file_inside_is_refused_too(tmp_path):
    archive = tmp_path / "Runtime"
    original = write(archive / "2018" / "2018-06-12-runtime.md", SEED.read_bytes())
    linked = link(archive / "2018" / "2018-06-26-runtime.md", original)

    results = {result.path: result for result in import_paths([archive])}

    assert results[original].outcome == Outcome.IMPORTED
    assert results[linked].outcome == Outcome.FAILED
    assert "links are refused, even to files inside the folder" in results[linked].message
    assert not Meeting.objects.filter(date="2018-06-26").exists()


def test_import_file_refuses_a_link_whoever_calls_it(tmp_path):
    linked = link(tmp_path / "2018-06-12-runtime.md", SEED)
    result = import_file(linked, "runtime")
    assert result.outcome == Outcome.FAILED and "a symbolic link" in result.message
    assert not Meeting.objects.exists()


def test_what_is_not_a_regular_file_is_refused_without_waiting_on_it(tmp_path):
    fifo = tmp_path / "Runtime" / "2018-06-12-runtime.md"
    fifo.parent.mkdir()
    os.mkfifo(fifo)  # reading it would wait forever for a writer
    [result] = import_paths([tmp_path / "Runtime"])
    assert result.outcome == Outcome.FAILED
    assert "not a regular file" in result.message


def test_the_committee_comes_from_the_path_as_given_not_from_a_link_target(tmp_path, monkeypatch):
    write(tmp_path / "real" / "Extensions" / "2018" / "2018-06-12-runtime.md", SEED.read_bytes())
    link(tmp_path / "Runtime", tmp_path / "real" / "Extensions")
    given = tmp_path / "Runtime" / "2018" / "2018-06-12-runtime.md"  # a plain file, under a linked folder

    assert minutes_files([given]) == [(given, "Runtime")]
    monkeypatch.chdir(tmp_path / "real" / "Extensions" / "2018")
    assert minutes_files([Path("2018-06-12-runtime.md")]) == [(Path("2018-06-12-runtime.md"), "Extensions")]
    assert minutes_files([Path("../2018/2018-06-12-runtime.md")])[0][1] == "Extensions"


def test_a_folder_swapped_for_a_link_after_the_walk_is_not_followed(tmp_path, monkeypatch):
    archive = tmp_path / "Runtime"
    write(archive / "2018" / "2018-06-12-runtime.md", SEED.read_bytes())
    write(tmp_path / "elsewhere" / "2018-06-12-runtime.md", SECRETS)
    walk = importing._walk

    def walk_then_swap(paths):
        found = walk(paths)
        (archive / "2018").rename(tmp_path / "moved")
        link(archive / "2018", tmp_path / "elsewhere")
        return found

    monkeypatch.setattr(importing, "_walk", walk_then_swap)
    [result] = import_paths([archive])
    assert result.outcome == Outcome.FAILED
    assert f"outside {archive}, through a symbolic link" in result.message
    assert not Meeting.objects.exists()


def test_check_roundtrip_does_not_read_through_a_link(tmp_path, monkeypatch):
    secret = tmp_path / "prod.env"
    secret.write_text("# Runtime PMC Meeting 2019-01-22\n\nSECRET_KEY=not-to-be-read\n")
    folder = tmp_path / "Runtime" / "2019"
    folder.mkdir(parents=True)
    (folder / "2019-01-22-runtime.md").symlink_to(secret)
    opened = []
    real_read_bytes, real_os_open = Path.read_bytes, os.open
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self.resolve()) or real_read_bytes(self))
    monkeypatch.setattr(
        os, "open", lambda path, *a, **k: opened.append(Path(path).resolve()) or real_os_open(path, *a, **k)
    )
    out = StringIO()
    call_command("check_roundtrip", str(tmp_path / "Runtime"), stdout=out)
    assert secret not in opened
    assert "skipped" in out.getvalue() and "symbolic link" in out.getvalue()
