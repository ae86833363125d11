"""The archive's real history (history.bundle) replayed: revisions per commit, authors, the final state.

The whole bundle takes about a minute to import, so these tests run on SQLite
only (skipped on PostgreSQL: the replay itself is the same code, and
tests/services/test_git_history.py runs on both), and are skipped, saying
where the bundle was looked for, when it is absent. The bundle is imported once
for the module and rolled back after it.
"""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from meetings.format.outline import entries_to_text
from meetings.format.reading import ParseError, decode, parse_minutes, team_key
from meetings.format.writing import agenda_lines
from meetings.lib.git import git, git_text
from meetings.models import Committee, ItemKind, Meeting, Revision
from meetings.services.exporting import meeting_to_markdown, structural_markdown
from meetings.services.git_history import import_history
from meetings.services.importing import import_paths, is_blank
from tests.support.corpus import CORPUS, require_corpus
from tests.support.public_archive import rolled_back

BUNDLE = CORPUS / "history.bundle"
DIEGO_FILE = "Runtime/2018/2018-06-12-runtime.md"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    require_corpus()
    if not BUNDLE.is_file():
        pytest.skip(f"the archive's git history is not at {BUNDLE}")
    folder = tmp_path_factory.mktemp("history") / "history.git"
    git(["clone", "--quiet", "--mirror", str(BUNDLE), str(folder)])
    return folder


@pytest.fixture(scope="module")
def replayed(clone, django_db_setup, django_db_blocker):
    """The bundle imported into an empty database (rolled back after the module's tests)."""
    with django_db_blocker.unblock():
        if connection.vendor != "sqlite":
            pytest.skip("the whole history is imported on SQLite only (a minute per run); see the docstring")
        with rolled_back():
            yield import_history(str(BUNDLE))
            cache.clear()


def _exports() -> dict[tuple[str, str], tuple[str, str, str]]:
    return {
        (meeting.committee.slug, str(meeting.date)): (
            meeting.source_path,
            meeting_to_markdown(meeting),
            structural_markdown(meeting),
        )
        for meeting in Meeting.objects.select_related("committee")
    }


# --- what git itself says of each file, read without the code under test -------------------------------


def _file_history(clone: Path, path: str) -> list[tuple[str, str, str]]:
    """(commit, its first parent, the file's name there) of each commit that changed the file, oldest first.

    `git log --follow` lists the commits that are not merges, following renames (newest first: it
    cannot be combined with --reverse).
    """
    output = git_text(["log", "--follow", "--topo-order", "--format=%x01%H %P", "--name-only", "--", path], cwd=clone)
    history = []
    for entry in output.split("\x01")[1:]:
        header, *names = [line for line in entry.splitlines() if line.strip()]
        commit, *parents = header.split()
        history.append((commit, parents[0] if parents else "", names[-1]))
    return history[::-1]


def _contents(clone: Path, names: list[str]) -> dict[str, bytes | None]:
    """The content of each `<commit>:<path>` (None where the file is not there), read by one cat-file --batch."""
    output = git(["cat-file", "--batch"], cwd=clone, input="\n".join(names).encode())
    found, position = {}, 0
    for name in names:
        end = output.index(b"\n", position)
        header = output[position:end].split(b" ")
        if header[-1] == b"missing":
            found[name], position = None, end + 1
            continue
        size = int(header[2])
        found[name] = output[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return found


def _texts(data: bytes | None, name: str) -> tuple | None:
    """What revisions are kept of: each report's text by team, each section's, the agenda, the roadmap."""
    if data is None:
        return None
    try:
        parsed = parse_minutes(decode(data), name)
    except ParseError:
        return None
    if parsed.date is None or is_blank(parsed):
        return None
    reports = {team_key(report.team_name): report.body for report in parsed.reports}
    sections = {i.title.lower(): i.body for i in parsed.items if i.level and i.kind != ItemKind.AGENDA}
    return reports, sections, agenda_lines(parsed.items, parsed.agenda_marker), entries_to_text(parsed.roadmap)


# --- the tests -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_history_replays_and_every_files_latest_version_imports(replayed):
    assert replayed.commits_read == 1213
    assert replayed.unsettled == {}
    assert replayed.files >= 129
    assert Meeting.objects.count() == 128  # the 129 files but the blank template


@pytest.mark.django_db
def test_each_meeting_has_a_revision_per_commit_that_changed_its_text(replayed, clone):
    """Along a file's own history (no commit of it made on an older version than the one before), exactly.

    A commit made on a branch from an older version comes in with its merge
    instead (services/git_history.py), so those files are compared as a subset.
    """
    linear = 0
    for meeting in Meeting.objects.all():
        history = _file_history(clone, meeting.source_path)
        names = [f"{c}:{n}" for c, _, n in history] + [f"{p}:{n}" for _, p, n in history if p]
        contents = _contents(clone, names)
        changed, follows_on = set(), True
        for index, (commit, parent, name) in enumerate(history):
            before = contents.get(f"{parent}:{name}") if parent else None
            previous = contents[f"{history[index - 1][0]}:{history[index - 1][2]}"] if index else None
            follows_on &= before == previous
            if _texts(contents[f"{commit}:{name}"], name) != _texts(before, name):
                changed.add(commit)
        recorded = set(meeting.revisions.values_list("commit_id", flat=True))
        if follows_on:
            linear += 1
            assert recorded == changed, meeting.source_path
        else:
            merges = {c for c in recorded if len(git_text(["rev-list", "--parents", "-1", c], cwd=clone).split()) > 2}
            assert recorded - merges <= changed, meeting.source_path
    assert linear >= 60  # of 128: the archive's pull requests often ran alongside edits on the main branch


@pytest.mark.django_db
def test_the_minutes_of_2018_06_12_have_revisions_by_each_author_who_changed_them(replayed, clone):
    """Eight people wrote the file, each their team's section; git says only Eric Malm wrote Diego's."""
    meeting = Meeting.objects.get(source_path=DIEGO_FILE)
    revisions = Revision.objects.filter(meeting=meeting)
    diego = Revision.objects.filter(meeting=meeting, target="report:diego")
    authors = set(git_text(["log", "--format=%aN", "--", DIEGO_FILE], cwd=clone).split("\n")) - {""}

    assert {revision.commit_author for revision in revisions} == authors
    assert len(authors) >= 2
    # The template (d52ac01) was blank, so the meeting begins with Eric Malm's notes (73b38ca).
    assert [(r.commit_id[:7], r.commit_author, r.before) for r in diego] == [("73b38ca", "Eric Malm", "")]
    assert all(revision.commit_id and revision.commit_message for revision in revisions)


@pytest.mark.django_db
def test_every_meeting_ends_as_a_plain_import_of_the_corpus_makes_it(replayed):
    replayed_exports = _exports()

    Meeting.objects.all().delete()  # reports protect their teams, teams their committee
    Committee.objects.all().delete()
    import_paths([CORPUS / "Runtime", CORPUS / "Extensions"])
    plain = _exports()

    assert replayed_exports.keys() == plain.keys()
    different = [key for key in plain if replayed_exports[key] != plain[key]]
    assert different == []
    for path, markdown, _ in plain.values():
        assert markdown.encode() == (CORPUS / path).read_bytes(), path
