"""The import proves itself (issue 15): a file whose lines the rows do not give back is refused, nothing kept;
a file imported and not edited exports byte for byte; an edit changes only its own lines of the file."""

import difflib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.demo import SEED
from meetings.models import (
    AgendaItem,
    BacklogReport,
    Committee,
    Meeting,
    Revision,
    RoadmapEntry,
    SearchDocument,
    Team,
)
from meetings.services import importing
from meetings.services.editing import save_report
from meetings.services.exporting import archive_path, meeting_to_markdown, structural_markdown
from meetings.services.importing import Outcome, import_data, import_file, import_paths

pytestmark = pytest.mark.django_db

MODELS = (Committee, Team, Meeting, AgendaItem, BacklogReport, RoadmapEntry, Revision, SearchDocument)
SEED_TEXT = SEED.read_text(encoding="utf-8")
LOST = "- Working on buildpacks association with stacks; we will be refactoring buildpacks related commands"


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def write(folder: Path, relative: str, content: bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def lossy(monkeypatch, dropped: str = LOST) -> None:
    """Make the export the self-check reads lose one line, as a parser or exporter slip would."""
    real = importing.structural_markdown

    def losing(meeting, **options):
        return "".join(line for line in real(meeting, **options).splitlines(keepends=True) if line.rstrip() != dropped)

    monkeypatch.setattr(importing, "structural_markdown", losing)


def line_number(text: str, line: str) -> int:
    return next(n for n, candidate in enumerate(text.split("\n"), start=1) if candidate.rstrip() == line)


# --- refused ----------------------------------------------------------------------------------------------------


def test_an_import_whose_export_loses_a_line_is_refused_names_the_line_and_keeps_nothing(monkeypatch):
    lossy(monkeypatch)
    before = row_counts()

    result = import_file(SEED, "runtime")

    assert result.outcome == Outcome.REFUSED
    assert result.meeting is None
    assert (
        f"line {line_number(SEED_TEXT, LOST)} of the file is missing from the import: “- Working on" in result.message
    )
    assert "nothing of it was kept" in result.message
    assert row_counts() == before


def test_a_dry_run_refuses_the_same_file_the_same_way(monkeypatch):
    lossy(monkeypatch)
    result = import_file(SEED, "runtime", dry_run=True)
    assert result.outcome == Outcome.REFUSED
    assert f"line {line_number(SEED_TEXT, LOST)} of the file is missing" in result.message
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_a_refused_newer_revision_leaves_the_meeting_as_it_was(monkeypatch, tmp_path):
    import_file(SEED, "runtime")
    before, exported = row_counts(), meeting_to_markdown(Meeting.objects.get())
    newer = write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED_TEXT.replace("v6.37.0", "v6.38.0").encode())
    lossy(monkeypatch)

    result = import_file(newer, "runtime")

    assert result.outcome == Outcome.REFUSED
    assert row_counts() == before
    assert meeting_to_markdown(Meeting.objects.get()) == exported


def test_an_added_line_is_refused_too(monkeypatch):
    real = importing.structural_markdown
    monkeypatch.setattr(importing, "structural_markdown", lambda m, **o: real(m, **o) + "\n- invented\n")
    result = import_file(SEED, "runtime")
    assert result.outcome == Outcome.REFUSED
    assert "the import adds a line after the last line of the file: “- invented”" in result.message
    assert not Meeting.objects.exists()


def test_the_command_counts_refused_files_and_fails(monkeypatch, tmp_path):
    write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    lossy(monkeypatch)
    out = StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_minutes", str(tmp_path), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("refused ") and "is missing from the import" in lines[0]
    assert lines[-1] == "imported 0, updated 0, unchanged 0, skipped 0, failed 0, refused 1"
    assert not Meeting.objects.exists()


def test_the_command_prints_the_self_checks_time_when_verbose(tmp_path):
    write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    out = StringIO()
    call_command("import_minutes", str(tmp_path), verbosity=2, stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("self-check: ")


def test_check_roundtrip_reports_a_refused_file_as_different(monkeypatch, tmp_path):
    write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    lossy(monkeypatch)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_roundtrip", str(tmp_path), stdout=out)
    assert "is missing from the import" in out.getvalue()


# Any one line the export loses, whichever it is, refuses the file.
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted({line.rstrip() for line in SEED_TEXT.split("\n") if line.strip()})))
def test_whichever_line_the_export_loses_the_file_is_refused(monkeypatch, line):
    with monkeypatch.context() as patch, transaction.atomic():
        lossy(patch, dropped=line)
        result = import_data(SEED.read_bytes(), SEED, "runtime")
        assert result.outcome == Outcome.REFUSED, line
        assert f"“{line.strip()[:20]}" in result.message
        assert not Meeting.objects.exists()
        transaction.set_rollback(True)


# --- byte for byte ------------------------------------------------------------------------------------------------

# CRLF, a BOM, trailing spaces, runs of blank lines, no blank under a heading, no final newline.
AWKWARD = (
    "\ufeff# Runtime PMC Meeting 2018-06-12  \r\n\r\n## Agenda\r\n* Backlog Review\r\n\r\n\r\n\r\n"
    "## Backlog Review\r\n### CLI - Abby Chau   \r\n- Published v6.37.0\t\r\n\r\n"
    "### Garden - Julz Friedman\r\n\r\n- Rootless containers  "
).encode()


def test_an_awkward_file_exports_byte_for_byte_on_the_site_and_from_export_minutes(client, tmp_path):
    source = write(tmp_path / "in", "Runtime/2018/2018-06-12-runtime.md", AWKWARD)
    result = import_paths([tmp_path / "in"])[0]
    assert result.outcome == Outcome.IMPORTED, result
    meeting = result.meeting
    assert meeting.source_path == "Runtime/2018/2018-06-12-runtime.md"

    assert client.get("/runtime/2018-06-12.md").content == AWKWARD
    call_command("export_minutes", "--out", str(tmp_path / "out"), stdout=StringIO())
    assert (tmp_path / "out" / "Runtime/2018/2018-06-12-runtime.md").read_bytes() == AWKWARD == source.read_bytes()
    assert "\r" not in structural_markdown(meeting)  # the rows hold the text, not the file's line endings


def test_an_edit_of_one_report_changes_only_that_reports_lines_of_the_file(tmp_path):
    meeting = import_file(SEED, "runtime").meeting
    diego = meeting.reports.get(team__name="Diego")
    assert save_report(diego, body=diego.body + "\n- Shipped rootless by default")

    meeting = Meeting.objects.get()
    exported = meeting_to_markdown(meeting).split("\n")
    changed = [
        line
        for line in difflib.unified_diff(SEED_TEXT.split("\n"), exported, n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["+- Shipped rootless by default"]


def test_an_edit_keeps_crlf_and_the_bom(tmp_path):
    meeting = import_file(write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", AWKWARD), "runtime").meeting
    cli = meeting.reports.get(team__name="CLI")
    assert save_report(cli, body="- Published v6.38.0")

    exported = meeting_to_markdown(Meeting.objects.get())
    assert exported.encode() == AWKWARD.replace(b"- Published v6.37.0\t\r\n", b"- Published v6.38.0\r\n")


def test_reimporting_the_same_minutes_laid_out_differently_keeps_the_new_layout(tmp_path):
    first = import_file(SEED, "runtime").meeting.updated_at
    crlf = SEED_TEXT.replace("\n", "\r\n").encode()
    result = import_file(write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", crlf), "runtime")
    assert result.outcome == Outcome.UNCHANGED
    assert meeting_to_markdown(Meeting.objects.get()).encode() == crlf
    assert Meeting.objects.get().updated_at > first  # the download changed: cached copies must not be served
    assert import_file(SEED, "runtime").outcome == Outcome.UNCHANGED
    assert meeting_to_markdown(Meeting.objects.get()) == SEED_TEXT


def test_source_path_is_the_path_from_the_committees_folder_however_the_file_is_named(tmp_path):
    path = write(tmp_path / "archive", "Extensions/2018/06-24-2018.md", b"# CF Extensions PMC Notes\n\n- hello\n")
    for named in (tmp_path / "archive", tmp_path / "archive" / "Extensions", path):
        Meeting.objects.all().delete()
        result = import_paths([named])[0]
        assert result.meeting.source_path == "Extensions/2018/06-24-2018.md", named
        assert str(archive_path(result.meeting)) == "Extensions/2018/06-24-2018.md"
