"""The git mirror of a committee's published minutes: each publication and amendment committed, then pushed.

A change of published minutes calls `mirror_later` inside its own
transaction: that writes a MirrorSync row (the change is owed to the mirror)
and enqueues the background task `sync_committee_mirror` once the transaction
has committed. Git never runs inside the transaction (nor, with a worker, in
the request), so a slow or failing git can neither lose an edit nor hold rows
locked; a failure stays recorded on the rows, shown to the chairs, the task is
retried with backoff (services/background.py), and `manage.py sync_git_mirror`
(or the committee's next change) tries again.

A sync writes each owed meeting's Markdown (`exporting.meeting_to_markdown`)
at its place in the archive (`exporting.archive_path`) and commits it when
git sees a difference: an imported meeting nobody edited is byte for byte
the file it came from, so mirroring it into a clone of the archive commits
nothing, and an amendment's commit changes only the amended lines. Syncs of
one working copy take turns on a lock file in its .git folder.
"""

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models

from ..lib.git import GitError, git, git_text
from ..models import Committee, Meeting, MirrorSync
from .background import background_task, enqueue_on_commit, published_minutes_changed
from .exporting import archive_path, meeting_to_markdown, site_link

logger = logging.getLogger(__name__)

LOCK_NAME = "pmc-minutes-mirror.lock"
# What was last pushed, so that a sync with nothing to commit pushes only when a push is owed.
PUSHED_REF = "refs/pmc-minutes/pushed"
# Never run the working copy's hooks, never sign, never read a path as a pattern, never run a
# command as a transport (ext::): the mirror writes what it was asked to, and a hook in a folder
# a chair named is nobody's code review. In the environment, so that git's errors name the command.
_ENV = {
    "GIT_LITERAL_PATHSPECS": "1",
    "GIT_CONFIG_COUNT": "3",
    "GIT_CONFIG_KEY_0": "core.hooksPath",
    "GIT_CONFIG_VALUE_0": os.devnull,
    "GIT_CONFIG_KEY_1": "commit.gpgSign",
    "GIT_CONFIG_VALUE_1": "false",
    "GIT_CONFIG_KEY_2": "protocol.ext.allow",
    "GIT_CONFIG_VALUE_2": "never",
}


class MirrorError(Exception):
    """The working copy cannot be used (not a git working copy, outside the allowed folder, a link…)."""


@dataclass
class SyncResult:
    """What one sync of a committee's mirror did."""

    committee: Committee
    commits: list[str] = field(default_factory=list)  # "1a2b3c4 Diego report amended"
    unchanged: list[str] = field(default_factory=list)  # paths whose file already held the minutes
    dropped: list[str] = field(default_factory=list)  # changes no longer owed, and why
    pushed: bool = False
    error: str = ""
    pending: int = 0  # changes still owed after the sync

    @property
    def failed(self) -> bool:
        return bool(self.error)


def mirror_later(meeting: Meeting, *, author=None, message: str) -> None:
    """Owe the mirror this change of published minutes; synced once the current transaction commits.

    Call it inside the transaction that saves the change. A draft, or a
    committee without a mirror, owes nothing.
    """
    committee = meeting.committee
    if not meeting.is_published:
        return
    published_minutes_changed.send(sender=Meeting, meeting=meeting)
    if not committee.mirror_path:
        return
    _owe(meeting, author, message)


def mirror_withdrawal(meeting: Meeting, *, author=None) -> None:
    """Owe the mirror the removal of minutes unpublished (a draft again: not for the public archive)."""
    if not meeting.committee.mirror_path or meeting.is_published:
        return
    _owe(meeting, author, f"Withdraw {meeting.committee.name} minutes of {meeting.date}")


def _owe(meeting: Meeting, author, message: str) -> None:
    author = author if author is not None and author.is_authenticated else None
    MirrorSync.objects.create(committee=meeting.committee, meeting=meeting, author=author, message=message[:500])
    enqueue_on_commit(sync_committee_mirror, meeting.committee.pk)


def queue_published(committee: Committee) -> int:
    """Owe the mirror every published meeting of the committee (the files that differ get a commit); how many."""
    meetings = Meeting.objects.for_committee(committee).published().order_by("date")
    MirrorSync.objects.bulk_create(
        [
            MirrorSync(committee=committee, meeting=meeting, message=f"Add {committee.name} minutes of {meeting.date}")
            for meeting in meetings
        ]
    )
    return len(meetings)


class MirrorFailed(Exception):
    """A sync left changes owed: raised so that the task queue tries again later."""


def _describe_sync(committee_id: int) -> tuple[str, int]:
    committee = Committee.objects.get(pk=committee_id)
    return f"Commit the changed minutes to the git mirror of {committee.name}", committee.pk


@background_task(describe=_describe_sync)
def sync_committee_mirror(committee_id: int) -> int:
    """Background task: sync the committee's mirror; the commits made. Raises while changes stay owed."""
    committee = Committee.objects.filter(pk=committee_id).first()
    if committee is None:
        return 0
    result = sync_mirror(committee)
    if result.failed:
        logger.warning("git mirror of %s failed, %d change(s) pending: %s", committee, result.pending, result.error)
        raise MirrorFailed(result.error)
    return len(result.commits)


def sync_mirror(committee: Committee, *, push: bool = False) -> SyncResult:
    """Commit every change the committee's mirror is owed, then push when a remote is set.

    Never raises for git or the file system: the error is recorded on the
    changes still owed and returned. With `push`, push even when there is
    nothing to commit (a retry, or a remote just set).
    """
    result = SyncResult(committee)
    owed = MirrorSync.objects.filter(committee=committee)
    if not committee.mirror_path:
        dropped = owed.count()
        if dropped:
            owed.delete()
            result.dropped.append(f"{dropped} change(s): the committee has no git mirror any more")
        return result
    if not push and not owed.exists():
        return result
    tried: list[int] = []
    try:
        with _working_copy(committee) as work:
            _sync_locked(committee, work, result, tried, push=push)
    except (GitError, MirrorError, OSError) as error:
        result.error = str(error)
        MirrorSync.objects.filter(pk__in=tried).update(last_error=result.error[:5000])
    result.pending = owed.count()
    return result


def _sync_locked(committee: Committee, work: Path, result: SyncResult, tried: list[int], *, push: bool) -> None:
    # Read under the lock: a sync that waited finds what the previous one left.
    changes = list(MirrorSync.objects.filter(committee=committee).select_related("meeting__committee", "author"))
    tried.extend(change.pk for change in changes)
    MirrorSync.objects.filter(pk__in=tried).update(attempts=models.F("attempts") + 1)
    _check_out(work, committee.mirror_branch)
    by_meeting: dict[int, list[MirrorSync]] = {}
    for change in changes:
        by_meeting.setdefault(change.meeting_id, []).append(change)
    for group in by_meeting.values():
        meeting = group[0].meeting
        if not meeting.is_published:
            # Unpublished since: its text is a draft again, not for the public archive.
            commit = _remove_meeting(work, meeting, group)
            if commit:
                result.commits.append(commit)
            else:
                result.dropped.append(f"{meeting.date}: no longer published")
            continue
        commit = _commit_meeting(work, meeting, group)
        if commit:
            result.commits.append(commit)
        else:
            result.unchanged.append(archive_path(meeting).as_posix())
    if committee.mirror_remote and _has_commits(work) and (result.commits or push or _unpushed(work)):
        _push(work, committee.mirror_remote, committee.mirror_branch)
        result.pushed = True
    MirrorSync.objects.filter(pk__in=tried).delete()


@contextmanager
def _working_copy(committee: Committee) -> Iterator[Path]:
    """The committee's working copy (created and initialised if empty or missing), locked for this sync."""
    path = Path(committee.mirror_path)
    check_working_copy(committee.mirror_path, branch=committee.mirror_branch)  # it may have changed since saved
    path.mkdir(parents=True, exist_ok=True)
    if not (path / ".git").exists():
        # Only an empty folder gets here (check_working_copy): two syncs initialising it at once are harmless.
        _git(["init", "-q", f"--initial-branch={committee.mirror_branch}"], cwd=path)
    git_dir = Path(git_text(["rev-parse", "--absolute-git-dir"], cwd=path).strip())
    with open(git_dir / LOCK_NAME, "a") as lock:  # the lock is released when the file is closed
        _wait_for(lock, path)
        yield path


def _wait_for(lock, path: Path) -> None:
    """Take the working copy's lock, waiting at most the git timeout for the sync that holds it."""
    deadline = time.monotonic() + settings.PMC_GIT_TIMEOUT_SECONDS
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                # The changes stay owed, without an error: the sync that holds the lock or the next one takes them.
                raise MirrorError(f"another sync of {path} is still running") from None
            time.sleep(0.05)


def _check_out(work: Path, branch: str) -> None:
    """Put the working copy on the mirror's branch (created from the current commit when missing)."""
    if _quiet(["symbolic-ref", "-q", "--short", "HEAD"], work) == branch:
        return
    if not _has_commits(work):
        _git(["symbolic-ref", "HEAD", f"refs/heads/{branch}"], cwd=work)
    elif _quiet(["rev-parse", "-q", "--verify", f"refs/heads/{branch}"], work):
        _git(["switch", "-q", branch], cwd=work)
    else:
        _git(["switch", "-q", "-c", branch], cwd=work)


def _commit_meeting(work: Path, meeting: Meeting, changes: list[MirrorSync]) -> str | None:
    """Write the meeting's file and commit it if git sees a difference: "<short hash> <subject>", or None."""
    relative = archive_path(meeting)
    _refuse_links(work, relative)
    target = work / relative
    data = meeting_to_markdown(meeting).encode("utf-8")
    if not (target.is_file() and target.read_bytes() == data):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)  # bytes: the file's own line endings, no translation
    name = relative.as_posix()
    _git(["add", "--", name], cwd=work)
    return _commit(work, name, meeting, changes)


def _remove_meeting(work: Path, meeting: Meeting, changes: list[MirrorSync]) -> str | None:
    """Remove the meeting's file and commit that, if the mirror has it: "<short hash> <subject>", or None."""
    relative = archive_path(meeting)
    _refuse_links(work, relative)
    name = relative.as_posix()
    if not _quiet(["ls-files", "--", name], work):
        return None
    _git(["rm", "-q", "--", name], cwd=work)
    withdrawals = [change for change in changes if change.message.startswith("Withdraw ")]
    return _commit(work, name, meeting, withdrawals or changes)


def _commit(work: Path, name: str, meeting: Meeting, changes: list[MirrorSync]) -> str | None:
    """Commit what is staged of `name` as the changes' authors and messages, if git sees a difference."""
    if not _git(["diff", "--cached", "--name-only", "--", name], cwd=work).strip():
        return None
    subject = "; ".join(dict.fromkeys(change.message for change in changes))
    latest = changes[-1]
    author_name, author_email = identity(latest.author)
    others = dict.fromkeys(identity(c.author) for c in changes if c.author_id != latest.author_id)
    trailers = "".join(f"\nCo-authored-by: {name} <{email}>" for name, email in others)
    link = site_link(meeting.get_absolute_url())  # none without PMC_SITE_URL: a bare path would mislead
    committer_name, committer_email = identity(None)
    environment = {
        "GIT_AUTHOR_NAME": author_name,
        "GIT_AUTHOR_EMAIL": author_email,
        "GIT_AUTHOR_DATE": f"{int(latest.created_at.timestamp())} +0000",  # when it was saved, not synced
        "GIT_COMMITTER_NAME": committer_name,
        "GIT_COMMITTER_EMAIL": committer_email,
    }
    body = f"\n\n{link}" if link else ""
    message = f"{subject}{body}\n{trailers}".rstrip("\n") + "\n"
    # With the path: only this file is committed, whatever else may be staged in the working copy.
    _git(["commit", "-q", "--no-verify", "-F", "-", "--", name], cwd=work, input=message.encode(), env=environment)
    return git_text(["rev-parse", "--short", "HEAD"], cwd=work).strip() + " " + subject


def identity(user) -> tuple[str, str]:
    """(name, e-mail) a commit names for this user; the site's own (settings) for None."""
    fallback = (
        _ident(settings.PMC_GIT_NAME) or "PMC Minutes",
        _ident(settings.PMC_GIT_EMAIL) or "pmc-minutes@localhost",
    )
    if user is None:
        return fallback
    name = _ident(user.get_full_name()) or _ident(user.get_username()) or fallback[0]
    return name, _ident(user.email) or fallback[1]


def _ident(text: str) -> str:
    # git refuses angle brackets and line breaks in a name or an e-mail address.
    return " ".join("".join(" " if char in "<>" or ord(char) < 32 else char for char in text).split())


def _refuse_links(work: Path, relative: Path) -> None:
    """A symbolic link on the way to the file (a folder of the archive linked elsewhere) would write outside it."""
    here = work
    for part in relative.parts:
        here = here / part
        if here.is_symlink():
            raise MirrorError(f"{here} is a symbolic link; the mirror writes only inside its working copy")


def _push(work: Path, remote: str, branch: str) -> None:
    push = ["push", "-q", "--", remote, f"HEAD:refs/heads/{branch}"]
    try:
        _git(push, cwd=work)
    except GitError as error:
        if "[rejected]" not in str(error):
            raise
        # Someone pushed meanwhile (a README, a fix by hand): put the mirror's commits on top of theirs.
        _catch_up(work, remote, branch)
        _git(push, cwd=work)
    _git(["update-ref", PUSHED_REF, "HEAD"], cwd=work)


def _catch_up(work: Path, remote: str, branch: str) -> None:
    """Rebase the working copy on the remote's branch; refused, and left as it was, when both changed a line."""
    _git(["fetch", "-q", "--", remote, f"refs/heads/{branch}"], cwd=work)
    name, email = identity(None)
    try:
        _git(["rebase", "-q", "FETCH_HEAD"], cwd=work, env={"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email})
    except GitError as error:
        _quiet(["rebase", "--abort"], work)
        raise MirrorError(
            f"{remote} has commits on {branch} that change the lines the mirror changes: merge them into "
            f"{work} by hand, then run manage.py sync_git_mirror ({error})"
        ) from error


def _has_commits(work: Path) -> bool:
    return bool(_quiet(["rev-parse", "-q", "--verify", "HEAD"], work))


def _unpushed(work: Path) -> bool:
    return _quiet(["rev-parse", "-q", "--verify", PUSHED_REF], work) != _quiet(["rev-parse", "HEAD"], work)


def _quiet(args: list[str], work: Path) -> str:
    """The output of a git query that answers "no" by failing (an unborn branch, a detached HEAD): "" then."""
    try:
        return git_text(args, cwd=work, env=_ENV, timeout=settings.PMC_GIT_TIMEOUT_SECONDS).strip()
    except GitError:
        return ""


def _git(args: list[str], *, cwd: Path, input: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    # The sync after an edit runs in the request: a remote that hangs must fail before the worker is killed.
    timeout = settings.PMC_GIT_TIMEOUT_SECONDS
    return git(args, cwd=cwd, input=input, env={**_ENV, **(env or {})}, timeout=timeout)


def check_working_copy(value: str, *, branch: str = "main") -> str:
    """What the mirror will do to use that folder ("" when it is a working copy already).

    Raises MirrorError, saying why, for a relative path, a path outside
    PMC_GIT_MIRROR_ROOT, a file, a non-empty folder that is not the top of a
    git working copy (a bare repository, a folder inside another working
    copy), and a folder the server cannot write in or create. An empty or
    missing folder is accepted: it is created and initialised with
    `git init` at the first sync.
    """
    path = Path(value)
    if not path.is_absolute():
        raise MirrorError(f"“{value}” is not a full path; write it from the root, e.g. /srv/minutes/runtime.")
    root = settings.PMC_GIT_MIRROR_ROOT
    if root and not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
        raise MirrorError(f"The working copy must be inside {root} (PMC_GIT_MIRROR_ROOT).")
    if path.exists():
        if not path.is_dir():
            raise MirrorError(f"{path} is a file, not a folder.")
        if not os.access(path, os.W_OK | os.X_OK):
            raise MirrorError(f"The server may not write in {path}.")
        if not any(path.iterdir()):
            return f"{path} is empty: the first sync initialises it with git init (branch {branch})."
        if _quiet(["rev-parse", "--is-bare-repository"], path) == "true":
            raise MirrorError(f"{path} is a bare repository; name a clone of it (a working copy) and push to it.")
        top = _quiet(["rev-parse", "--show-toplevel"], path)
        if not top:
            raise MirrorError(
                f"{path} is neither empty nor a git working copy; name a clone of the minutes' repository, "
                "or an empty or new folder."
            )
        if os.path.realpath(top) != os.path.realpath(path):
            raise MirrorError(f"{path} is inside the git working copy {top}, not the top of one.")
        return ""
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise MirrorError(f"{path} does not exist and cannot be created: the server may not write in {parent}.")
    return f"{path} does not exist yet: the first sync creates it and initialises it with git init (branch {branch})."


def check_branch(name: str) -> str:
    """The branch name as git checks it; MirrorError if git would refuse it."""
    if not name or name.startswith("-"):
        raise MirrorError(f"“{name}” is not a branch name.")
    try:
        git(["check-ref-format", "--branch", name])
    except GitError:
        raise MirrorError(f"“{name}” is not a valid git branch name.") from None
    return name


def check_remote(url: str) -> str:
    """The remote URL, refused when it could be read as an option or carries spaces or control characters."""
    if url.startswith("-") or any(char.isspace() or ord(char) < 32 for char in url):
        raise MirrorError("Write the remote as git would: one URL or path, without spaces, e.g. git@host:org/repo.git.")
    if url.lower().startswith("ext::"):
        raise MirrorError("The ext:: transport runs a command; push to a URL instead.")
    return url
