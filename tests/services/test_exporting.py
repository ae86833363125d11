"""Where the archive layout (meetings/services/exporting.py) puts a committee's files.

A committee's name or a meeting's file name, however it got into the database (an older import, the shell,
a migration), never makes a hidden folder (.git, where the mirror's repository lives) or a file name with a
control character: the slug and the date stand in for it.
"""

import io
import unicodedata
import zipfile
from datetime import date

import pytest

from meetings.models import Committee, Meeting, MeetingStatus
from meetings.services.exporting import archive_folder, archive_path, export_meetings

DAY = date(2018, 6, 12)
NAMES = [".git", ".github", ".hidden", "Run\x1b[31mtime", "Run\ntime", "Run\rtime", "\u202eemitnuR", "Run\x9btime"]
FILES = ["2018-06-12\x1b[2J.md", "2018-06-12-\nrun.md", "2018-06-12-\u202edm.md", ".2018-06-12.md"]


def control_characters(text: str) -> set[str]:
    return {char for char in text if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp"}}


def meeting_of(name: str, file: str = "") -> Meeting:
    # Made as a row, past every check: what export must survive is whatever the database holds.
    committee = Committee.objects.create(name=name, slug="runtime")
    return Meeting.objects.create(
        committee=committee, date=DAY, title="Minutes", status=MeetingStatus.PUBLISHED, source_path=file
    )


def safe(path: str) -> bool:
    return not control_characters(path) and not any(part.startswith(".") for part in path.split("/"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_a_committee_name_that_is_not_a_safe_folder_is_written_as_its_slug(name):
    assert archive_path(meeting_of(name)).as_posix() == "runtime/2018/2018-06-12-runtime.md"


@pytest.mark.django_db
@pytest.mark.parametrize("file", FILES)
def test_a_file_name_that_is_not_safe_is_written_as_the_meetings_date(file):
    meeting = meeting_of("Runtime", f"Runtime/2018/{file}")

    assert archive_path(meeting).as_posix() == "Runtime/2018/2018-06-12-runtime.md"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "file"), list(zip(NAMES, FILES * 3, strict=False)))
def test_export_and_the_zip_write_only_safe_names(name, file, tmp_path, client):
    meeting_of(name, f"x/2018/{file}")

    export_meetings(Meeting.objects.all(), out_dir=tmp_path)
    written = [path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*")]
    archive = zipfile.ZipFile(io.BytesIO(client.get("/runtime/archive.zip").content))

    assert written and all(map(safe, written))
    assert archive.namelist() and all(map(safe, archive.namelist()))


# A hidden folder (".NET") is never read back as a committee by an import, so it is never written either.
@pytest.mark.parametrize("name", [".NET", ".git", ".GIT", ".git.", ".git ", ".g\u200cit", "git~1", "a/b", "..", ""])
def test_a_name_that_would_lead_into_gits_folder_or_elsewhere_gives_the_slug(name):
    assert archive_folder(Committee(name=name, slug="runtime")) == "runtime"


@pytest.mark.parametrize("name", ["Runtime", "Git", "BOSH Director"])
def test_a_plain_name_is_the_folder(name):
    assert archive_folder(Committee(name=name, slug="x")) == name
