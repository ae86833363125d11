"""A committee's git mirror in a test: a bare repository under tmp_path as its remote, the site's working copy
(mirroring.working_copy, under this test's own PMC_GIT_MIRROR_ROOT), and what they hold read back with git."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from meetings.lib.git import GitError, git, git_text
from meetings.models import Committee

# A commit of the tests' own (the archive before the mirror, someone else's push) needs an identity.
TESTER = {
    "GIT_AUTHOR_NAME": "Tester",
    "GIT_AUTHOR_EMAIL": "tester@example.org",
    "GIT_COMMITTER_NAME": "Tester",
    "GIT_COMMITTER_EMAIL": "tester@example.org",
}


@dataclass
class Commit:
    sha: str
    author: str  # "Name <e-mail>"
    subject: str
    files: list[str]


def bare_repository(path: Path) -> Path:
    path.mkdir(parents=True)
    git(["init", "-q", "--bare", "--initial-branch=main"], cwd=path)
    return path


def use_mirror(committee: Committee, remote: Path | str = "", branch: str = "main") -> Committee:
    """The committee mirrored to `remote` (a bare repository here: the test asks for `local_remotes`)."""
    committee.mirror_remote = str(remote)
    committee.mirror_branch = branch
    committee.save(update_fields=["mirror_remote", "mirror_branch"])
    return committee


@pytest.fixture
def local_remotes(settings):
    """Remotes on the server's own disk allowed, as the tests' bare repositories are; refused by default."""
    settings.PMC_GIT_MIRROR_LOCAL_REMOTES = True


def commits(repository: Path, branch: str = "main") -> list[Commit]:
    """The commits of the branch, newest first; [] when the branch does not exist (nothing pushed)."""
    try:
        shas = git_text(["rev-list", branch], cwd=repository).split()
    except GitError:  # an unborn branch: git says so by failing
        return []
    found = []
    for sha in shas:
        author, subject = (
            git_text(["show", "-s", "--format=%an <%ae>%x1f%s", sha], cwd=repository).strip().split("\x1f")
        )
        files = git_text(["show", "--format=", "--name-only", sha], cwd=repository).split("\n")
        found.append(Commit(sha, author, subject, [name for name in files if name]))
    return found


def file_at(repository: Path, path: str, revision: str = "main") -> bytes:
    """The bytes of a file in a commit, exactly as stored."""
    return git(["cat-file", "blob", f"{revision}:{path}"], cwd=repository)


def changed_lines(repository: Path, revision: str = "main") -> list[str]:
    """The removed (-) and added (+) lines of a commit, the diff's headers left out."""
    diff = git_text(["show", "--format=", "--unified=0", revision], cwd=repository)
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def numstat(repository: Path, revision: str = "main") -> list[tuple[int, int, str]]:
    """(lines added, lines removed, path) of each file the commit touched."""
    out = git_text(["show", "--format=", "--numstat", revision], cwd=repository)
    rows = []
    for line in out.splitlines():
        added, removed, path = line.split("\t")
        rows.append((int(added), int(removed), path))
    return rows
