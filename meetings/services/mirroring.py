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
nothing, and an amendment's commit changes only the amended lines.

The site decides where it writes: each committee's working copy is a folder
of its own under PMC_GIT_MIRROR_ROOT, named by the committee's id (a rename
never moves it, no name can lead elsewhere), made by the site and marked in
its .git as that committee's. Every sync refuses a folder without that mark,
a link, or one that resolves outside the root. A chair chooses only where it
pushes; what comes back from there (after a rejected push) is brought in only
when it changes nothing but the committee's own folder of the archive, and
never rewrites what the site pushed before. Syncs of one working copy take
turns on a lock file beside it.
"""

import fcntl
import logging
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models

from meetings.lib.words import counted

from ..lib.git import GitError, git, git_text
from ..models import Committee, Meeting, MirrorSync
from .background import background_task, enqueue_on_commit, published_minutes_changed
from .exporting import archive_folder, archive_path, meeting_to_markdown, site_link

logger = logging.getLogger(__name__)

# In the .git folder of a working copy the site made: the id of the committee it belongs to.
MARKER_NAME = "pmc-minutes-committee"
# In the same folder: the remote and branch the working copy started from (a new one starts afresh).
STARTED_NAME = "pmc-minutes-remote"
# What was last pushed, so that a sync with nothing to commit pushes only when a push is owed, and so
# that catching up with the remote never rewrites it.
PUSHED_REF = "refs/pmc-minutes/pushed"
# Transports a remote may use; "file" (a path, file://) only when the operator allows local remotes.
NETWORK_PROTOCOLS = ("https", "http", "ssh", "git")
_SCHEMES = {"https", "http", "ssh", "git", "git+ssh", "ssh+git"}
# Never run hooks, never sign, never read a path as a pattern, never run a command as a transport
# (ext::), never check out a symbolic link (a remote's link would lead a write elsewhere): the mirror
# writes what it was asked to. In the environment, so that git's errors name the command.
_ENV = {
    "GIT_LITERAL_PATHSPECS": "1",
    "GIT_CONFIG_COUNT": "4",
    "GIT_CONFIG_KEY_0": "core.hooksPath",
    "GIT_CONFIG_VALUE_0": os.devnull,
    "GIT_CONFIG_KEY_1": "commit.gpgSign",
    "GIT_CONFIG_VALUE_1": "false",
    "GIT_CONFIG_KEY_2": "protocol.ext.allow",
    "GIT_CONFIG_VALUE_2": "never",
    "GIT_CONFIG_KEY_3": "core.symlinks",
    "GIT_CONFIG_VALUE_3": "false",
}


class MirrorError(Exception):
    """The mirror cannot sync: a working copy the site did not make, a remote it may not use, a refused catch-up…"""


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
    brought_in: list[str] = field(default_factory=list)  # other committees' files the remote changed, taken in

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
    if not committee.has_mirror:
        return
    _owe(meeting, author, message)


def mirror_withdrawal(meeting: Meeting, *, author=None) -> None:
    """Owe the mirror the removal of minutes unpublished (a draft again: not for the public archive)."""
    if not meeting.committee.has_mirror or meeting.is_published:
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
    if not committee.has_mirror:
        dropped = owed.count()
        if dropped:
            owed.delete()
            result.dropped.append(f"{counted(dropped, 'change')}: the committee has no git mirror any more")
        return result
    if not push and not owed.exists():
        return result
    tried: list[int] = []
    try:
        with _working_copy(committee):
            _sync_locked(committee, result, tried, push=push)
    except (GitError, MirrorError, OSError) as error:
        result.error = str(error)
        MirrorSync.objects.filter(pk__in=tried).update(last_error=result.error[:5000])
    result.pending = owed.count()
    return result


def _sync_locked(committee: Committee, result: SyncResult, tried: list[int], *, push: bool) -> None:
    # Read under the lock: a sync that waited finds what the previous one left.
    changes = list(MirrorSync.objects.filter(committee=committee).select_related("meeting__committee", "author"))
    tried.extend(change.pk for change in changes)
    MirrorSync.objects.filter(pk__in=tried).update(attempts=models.F("attempts") + 1)
    # Checked at every sync, not only when saved: the operator may have changed what is allowed.
    check_remote(committee.mirror_remote)
    check_branch(committee.mirror_branch)
    work = _own_copy(committee)
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
        result.brought_in = _push(work, committee.mirror_remote, committee.mirror_branch, folders=_folders(committee))
        result.pushed = True
    MirrorSync.objects.filter(pk__in=tried).delete()


def working_copy(committee: Committee) -> Path:
    """Where the site keeps the committee's working copy: named by its id, which no rename changes."""
    return Path(settings.PMC_GIT_MIRROR_ROOT) / f"committee-{committee.pk}"


def lock_path(committee: Committee) -> Path:
    """The lock file syncs of the committee's working copy take turns on (beside it: the copy may be re-made)."""
    return Path(settings.PMC_GIT_MIRROR_ROOT) / f"committee-{committee.pk}.lock"


@contextmanager
def _working_copy(committee: Committee) -> Iterator[None]:
    """Hold the lock of the committee's working copy for this sync."""
    Path(settings.PMC_GIT_MIRROR_ROOT).mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock_path(committee), os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    with open(descriptor, "a") as lock:  # the lock is released when the file is closed
        _wait_for(lock, working_copy(committee))
        yield


def _own_copy(committee: Committee) -> Path:
    """The working copy, checked as the site's own for this committee, started from the remote's branch."""
    path = working_copy(committee)
    remote, branch = committee.mirror_remote, committee.mirror_branch
    if os.path.lexists(path):
        _check_own(path, committee)
        if _started_from(path) == (remote, branch):
            return path
        # A new remote or branch: start afresh from it, so that nothing fetched from the former one
        # (a chair's own history) is pushed to the new one. The owed changes are committed again.
        shutil.rmtree(path)
    # Made aside and renamed into place once whole: a failure (an unreachable remote) leaves nothing
    # half-made that the next sync would have to refuse as not the site's own.
    new = path.with_name(f".{path.name}.new")
    if os.path.lexists(new):
        shutil.rmtree(new)  # left by a sync that was killed; never a link (rmtree refuses one)
    new.mkdir(mode=0o700)
    _git(["init", "-q", f"--initial-branch={branch}"], cwd=new)
    (new / ".git" / MARKER_NAME).write_text(f"{committee.pk}\n")
    heads = _git(["ls-remote", "--heads", "--", remote, f"refs/heads/{branch}"], cwd=new).decode()
    if any(line.endswith(f"\trefs/heads/{branch}") for line in heads.splitlines()):
        _git(["fetch", "-q", "--", remote, f"refs/heads/{branch}"], cwd=new)
        _git(["reset", "-q", "--hard", "FETCH_HEAD"], cwd=new)
        _git(["update-ref", PUSHED_REF, "HEAD"], cwd=new)
    (new / ".git" / STARTED_NAME).write_text(f"{remote}\n{branch}\n")
    new.rename(path)
    return path


def _check_own(path: Path, committee: Committee) -> None:
    """MirrorError unless `path` is the working copy the site made for this committee, and nothing else."""
    root = os.path.realpath(settings.PMC_GIT_MIRROR_ROOT)
    if path.is_symlink() or os.path.realpath(path) != os.path.join(root, path.name) or not path.is_dir():
        raise MirrorError(f"{path} is a link or not a folder of {root}: the mirror writes only in its own folders.")
    marker = path / ".git" / MARKER_NAME
    git_dir = path / ".git"
    if git_dir.is_symlink() or not git_dir.is_dir() or marker.is_symlink() or not marker.is_file():
        raise MirrorError(
            f"{path} is not a working copy this site made: the mirror uses only its own. Move the folder away; "
            "the next sync makes a new one."
        )
    if marker.read_text(errors="replace") != f"{committee.pk}\n":
        raise MirrorError(
            f"{path} belongs to another committee (its {MARKER_NAME} says so): one working copy serves one "
            "committee. Move the folder away; the next sync makes a new one."
        )


def _started_from(path: Path) -> tuple[str, str] | None:
    started = path / ".git" / STARTED_NAME
    if started.is_symlink() or not started.is_file():
        return None
    remote, _, branch = started.read_text(errors="replace").removesuffix("\n").partition("\n")
    return remote, branch


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
    subject = "; ".join(dict.fromkeys(_one_line(change.message) for change in changes))
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
    return _git(["rev-parse", "--short", "HEAD"], cwd=work).decode().strip() + " " + subject


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
    return _one_line(text.replace("<", " ").replace(">", " "))


def _one_line(text: str) -> str:
    """The text on one line, without control characters: a name or a subject cannot add a line (a trailer)."""
    return " ".join("".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in text).split())


def _refuse_links(work: Path, relative: Path) -> None:
    """A symbolic link on the way to the file (a folder of the archive linked elsewhere) would write outside it."""
    here = work
    for part in relative.parts:
        here = here / part
        if here.is_symlink():
            raise MirrorError(f"{here} is a symbolic link; the mirror writes only inside its working copy")


def _folders(committee: Committee) -> tuple[str, frozenset[str]]:
    """The committee's folder of the archive, and the other committees' (one archive may hold them all)."""
    others = Committee.objects.exclude(pk=committee.pk)
    return archive_folder(committee), frozenset(archive_folder(other) for other in others)


def _push(work: Path, remote: str, branch: str, *, folders: tuple[str, frozenset[str]]) -> list[str]:
    """Push the branch; the other committees' files taken in from the remote on the way."""
    push = ["push", "-q", "--", remote, f"HEAD:refs/heads/{branch}"]
    brought_in = []
    try:
        _git(push, cwd=work)
    except GitError as error:
        if "[rejected]" not in str(error):
            raise
        # Someone pushed meanwhile (a fix by hand): put the mirror's new commits on top of theirs.
        brought_in = _catch_up(work, remote, branch, folders=folders)
        _git(push, cwd=work)
    _git(["update-ref", PUSHED_REF, "HEAD"], cwd=work)
    return brought_in


def _catch_up(work: Path, remote: str, branch: str, *, folders: tuple[str, frozenset[str]]) -> list[str]:
    """Put the commits not pushed yet on top of the remote's new ones; the other committees' files they change.

    Refused, the copy left as it was, unless those commits keep every commit
    pushed before and change only the committee's folder or other committees'
    folders (one archive for the whole foundation, as the real one is): never
    a file beside them (a workflow, the README), a link or a submodule.
    """
    folder, others = folders
    _git(["fetch", "-q", "--", remote, f"refs/heads/{branch}"], cwd=work)
    theirs = _git(["rev-parse", "FETCH_HEAD"], cwd=work).decode().strip()
    pushed = _quiet(["rev-parse", "-q", "--verify", PUSHED_REF], work)
    if pushed and not _is_ancestor(work, pushed, theirs):
        raise MirrorError(
            f"{remote} no longer holds on {branch} the commits the mirror pushed (its history was rewritten, "
            "e.g. by a forced push); the mirror never rewrites them. Restore them there, or choose another "
            "branch or remote."
        )
    changed = _changed_outside(work, f"{pushed}..{theirs}" if pushed else theirs, folder)
    outside = [path for path, link in changed.items() if link or not _in_folders(path, others)]
    if outside:
        listed = ", ".join(outside[:5]) + (f" and {len(outside) - 5} more" if len(outside) > 5 else "")
        raise MirrorError(
            f"{remote} has new commits on {branch} that change {listed}, outside {folder}/ (or add a link): the "
            f"mirror brings in only changes of the committees' folders, so it did not. Move those commits "
            "off that branch, or choose a branch of the mirror's own."
        )
    name, email = identity(None)
    # Only the commits after the last push are replayed: what was pushed stays as it is.
    rebase = ["rebase", "-q", "--onto", theirs, pushed] if pushed else ["rebase", "-q", theirs]
    try:
        _git(rebase, cwd=work, env={"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email})
    except GitError as error:
        _quiet(["rebase", "--abort"], work)
        raise MirrorError(
            f"{remote} has commits on {branch} that change the lines the mirror changes: merge them into "
            f"{work} by hand, then run manage.py sync_git_mirror ({error})"
        ) from error
    if changed:
        logger.info("git mirror at %s took in the remote's changes of %s", work, ", ".join(list(changed)[:20]))
    return list(changed)


def _in_folders(path: str, folders: frozenset[str]) -> bool:
    return path.split("/", 1)[0] in folders and "/" in path


def _is_ancestor(work: Path, older: str, newer: str) -> bool:
    try:
        _git(["merge-base", "--is-ancestor", older, newer], cwd=work)
    except GitError:
        return False
    return True


def _changed_outside(work: Path, revisions: str, folder: str) -> dict[str, bool]:
    """The paths those commits change outside `folder`, or make a link or a submodule anywhere: whether a link."""
    # -m: a merge is compared with each of its parents, so that no change hides in one.
    out = _git(["log", "-m", "--no-renames", "--raw", "--format=", "-z", revisions], cwd=work)
    tokens = out.split(b"\0")
    found: dict[str, bool] = {}
    for index, token in enumerate(tokens[:-1]):
        status = token.lstrip(b"\n")
        if not status.startswith(b":"):
            continue
        path = tokens[index + 1].decode("utf-8", "replace")
        link = status.split()[1] in (b"120000", b"160000")
        if link or not path.startswith(f"{folder}/"):
            found[path] = found.get(path, False) or link
    return found


def _has_commits(work: Path) -> bool:
    return bool(_quiet(["rev-parse", "-q", "--verify", "HEAD"], work))


def _unpushed(work: Path) -> bool:
    return _quiet(["rev-parse", "-q", "--verify", PUSHED_REF], work) != _quiet(["rev-parse", "HEAD"], work)


def _quiet(args: list[str], work: Path) -> str:
    """The output of a git query that answers "no" by failing (an unborn branch, a detached HEAD): "" then."""
    try:
        return git_text(args, cwd=work, env=_env(work), timeout=settings.PMC_GIT_TIMEOUT_SECONDS).strip()
    except GitError:
        return ""


def _git(args: list[str], *, cwd: Path, input: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    # The sync after an edit runs in the request: a remote that hangs must fail before the worker is killed.
    timeout = settings.PMC_GIT_TIMEOUT_SECONDS
    return git(args, cwd=cwd, input=input, env={**_env(cwd), **(env or {})}, timeout=timeout)


def _env(work: Path) -> dict[str, str]:
    """The fixed environment, naming the working copy's own .git: git never looks for one in a folder above
    (the root may lie inside the app's own checkout)."""
    protocols = NETWORK_PROTOCOLS + (("file",) if settings.PMC_GIT_MIRROR_LOCAL_REMOTES else ())
    return {
        **_ENV,
        "GIT_DIR": str(work / ".git"),
        "GIT_WORK_TREE": str(work),
        "GIT_ALLOW_PROTOCOL": ":".join(protocols),
    }


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
    """The remote URL; MirrorError, saying why, for one that is not a network address git may push to.

    Refused: what could be read as an option, spaces and control characters,
    a `<helper>::` address (ext:: runs a command), an unknown scheme, and,
    unless PMC_GIT_MIRROR_LOCAL_REMOTES allows it, a path or file:// URL: a
    push there is a write into the server's own disk, the app's .git included.
    """
    if url.startswith("-") or any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        raise MirrorError("Write the remote as git would: one URL or path, without spaces, e.g. git@host:org/repo.git.")
    if url.lower().startswith("ext::"):
        raise MirrorError("The ext:: transport runs a command; push to a URL instead.")
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*::", url):
        raise MirrorError("A “helper::address” remote runs a helper program; push to a URL instead.")
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", url)
    if scheme:
        local = scheme.group(1).lower() == "file"
        if not local and scheme.group(1).lower() not in _SCHEMES:
            raise MirrorError(f"git may not push to a {scheme.group(1)}:// remote here; use https:// or ssh.")
        host = url[scheme.end() :].split("/", 1)[0].rpartition("@")[2]
    else:
        # git's own rule: "host:path" is ssh unless a slash comes before the first colon; else a local path.
        before, colon, _ = url.partition(":")
        local = not colon or "/" in before
        host = before.rpartition("@")[2]
    if local and not settings.PMC_GIT_MIRROR_LOCAL_REMOTES:
        raise MirrorError(
            f"“{url}” is a folder on this server, not a remote: the mirror pushes only over the network "
            "(https:// or ssh, e.g. git@github.com:org/minutes.git)."
        )
    if not local and (not host or host.startswith("-")):
        raise MirrorError(f"“{url}” names no host to push to.")
    return url
