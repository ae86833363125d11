"""Replay a git repository's history of minutes files as revisions (`import_minutes --git`).

The repository is cloned (`--mirror`, into a temporary folder) and read with
two commands: one `git log` for every commit and what it changed, one
`git cat-file --batch` for the content of every version needed. Each version
of a minutes file is then imported through import_data, so it passes the same
self-check as a file, and what it changed is recorded as revisions carrying the
commit's author, e-mail, date, message and id.

Which versions, in which order (plan_replay, pure): the first-parent line of
HEAD, oldest first. A merge is handled once: the commits it brings in are
replayed just before it, each where it follows on from the version imported
last for its file (a commit made on an older version comes in with the merge
instead, rather than undoing the changes made meanwhile), and the merge itself
records only what differs from them (a resolved conflict, an edit both sides
made). So after each commit of the first-parent line the files imported are
exactly that commit's, and after the last one HEAD's.

Where it starts: after `--since REV`, and never before the last commit already
imported from that repository into the file's committee (GitImport), so that
running it again records nothing new.
"""

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from ..format.reading import ParseError, decode, minutes_date
from ..lib.control_chars import controls_in, has_controls, replace_controls
from ..lib.git import GitError, git, git_text
from ..models import Committee, GitImport, Meeting, Revision, RevisionSource
from .importing import (
    MAX_FILE_BYTES,
    ImportCache,
    ImportResult,
    Outcome,
    get_or_create_committee,
    import_data,
    update_rosters,
)
from .search_index import reindex_meetings, unindex_meeting

_YEAR = re.compile(r"^\d{4}$")
# One commit of `git log -z`: a mark, then the fields below, each ended by NUL; its raw changes follow.
_MARK = "\x01"
_LOG_FORMAT = "%x01%H%x00%P%x00%aN%x00%aE%x00%aI%x00%B%x00"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAILMAP_LINE = re.compile(
    r"(?P<name>[^<>#]*?)\s*<(?P<email>[^<>]*)>(?:\s*(?P<old_name>[^<>#]*?)\s*<(?P<old_email>[^<>]*)>)?\s*(?:#.*)?"
)


class GitHistoryError(Exception):
    """The repository, the starting commit or the authors file cannot be used; nothing was written."""


# --- reading git's output (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One file changed by a commit, from `git log --raw`: status A, M, T, D or R (then `old_path` differs)."""

    status: str
    path: str
    blob: str  # all zeros for a deleted file
    old_path: str
    old_blob: str


@dataclass
class Commit:
    id: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    date: datetime
    message: str
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what of it could not be read as it was (_read_commit)

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


NO_BLOB = "0" * 40


def parse_log(output: bytes) -> list[Commit]:
    """The commits of `git log -z --raw --no-abbrev --format=<_LOG_FORMAT>`, in the order given."""
    tokens = output.decode("utf-8", "surrogateescape").split("\0")
    commits: list[Commit] = []
    dates: dict[str, datetime] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        if token.startswith(_MARK):
            identity, parents, name, email, date, message = [token[1:], *tokens[index + 1 : index + 6]]
            commit = _read_commit(identity, tuple(parents.split()), name, email, date, message, dates)
            dates[commit.id] = commit.date
            commits.append(commit)
            index += 6
        elif token.startswith(":"):
            # ":<old mode> <new mode> <old blob> <new blob> <status>", then one path, or two for a rename or copy.
            _, mode, old_blob, blob, status = token[1:].split(" ")
            if status[0] in "RC":
                old_path, path = tokens[index + 1], tokens[index + 2]
                index += 3
            else:
                old_path = path = tokens[index + 1]
                index += 2
            if status[0] != "D" and not mode.startswith("100"):
                # A symbolic link (or a submodule) is never minutes, whatever its name: as if the file went.
                status, blob, path = "D", NO_BLOB, old_path
            commits[-1].changes.append(Change(status[0], path, blob, old_path, old_blob))
        else:
            index += 1  # the empty token between two commits
    return commits


def _read_commit(
    identity: str, parents: tuple[str, ...], name: str, email: str, date: str, message: str, dates: dict
) -> Commit:
    """One commit, whatever its author line holds; what could not be read as it was is in its `problems`.

    Git gives a placeholder back as it is (%aN, %aI) where it cannot parse the
    author line of a commit written by hand: such a commit is still replayed,
    with no author, and dated as its latest parent (the Unix epoch for a first
    commit) so that its revisions stay in order. Control characters and bytes
    that are not UTF-8 are replaced (�), in the message too, which keeps its lines.
    """
    problems = []
    if (name, email) == ("%aN", "%aE"):
        name = email = ""
        problems.append("its author cannot be read (git finds no name and e-mail); recorded with no author")
    try:
        when = datetime.fromisoformat(date)
    except ValueError:
        when = max((dates[parent] for parent in parents if parent in dates), default=_EPOCH)
        problems.append(
            f"its author's date cannot be read (“{date[:40]}”); dated {when.isoformat()}, as its latest parent"
            " (1970 for a first commit)"
        )
    message = message.replace("\r\n", "\n")
    cleaned = {
        "author's name": (name, replace_controls(name)),
        "author's e-mail": (email, replace_controls(email)),
        "message": (message, replace_controls(message, keep="\n\t")),
    }
    for what, (before, after) in cleaned.items():
        if before != after:
            problems.append(f"its {what} holds control characters or bytes that are not UTF-8, replaced by �")
    name, email, message = (after for _, after in cleaned.values())
    return Commit(identity, parents, name, email, when, message.strip(), problems=problems)


def parse_mailmap(text: str) -> int:
    """The number of mappings in a mailmap file; ValueError naming the first line git would not understand.

    Git itself skips such lines without a word, so an author would silently stay unmatched.
    """
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _MAILMAP_LINE.fullmatch(line.strip())
        if match is None or not (match["name"] or match["old_email"] is not None):
            raise ValueError(
                f"line {number} is not a mapping: “{line.strip()[:100]}”; expected "
                "“Proper Name <proper@email> <commit@email>” (git's mailmap format)"
            )
        count += 1
    return count


def committee_folder(path: str) -> str:
    """The committee of a file of the repository: its nearest folder that is not a year (as minutes_files)."""
    for folder in reversed(PurePosixPath(path).parent.parts):
        if not _YEAR.match(folder):
            return folder
    return "Minutes"


def is_minutes_file(path: str) -> bool:
    """A Markdown file but a README, outside hidden folders (.git, .github: the tools', never a committee's)."""
    return _is_markdown(path) and not is_hidden(path)


def is_hidden(path: str) -> bool:
    return any(part.startswith(".") for part in PurePosixPath(path).parts)


def _is_markdown(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".md") and name.lower() != "readme.md"


# --- what to replay (pure) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One version to import (`blob`), or a file deleted (`blob` None), made by `commit`."""

    commit: Commit
    path: str
    blob: str | None
    renamed_from: str = ""


def first_parent_line(commits: dict[str, Commit], head: str) -> list[str]:
    """HEAD and its first parents, oldest first."""
    line = []
    current: str | None = head
    while current in commits:
        line.append(current)
        parents = commits[current].parents
        current = parents[0] if parents else None
    return line[::-1]


def ancestors(commits: dict[str, Commit], start: str | None) -> set[str]:
    """The commit and every commit it comes from."""
    found: set[str] = set()
    stack = [start] if start in commits else []
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack += [parent for parent in commits[current].parents if parent in commits]
    return found


def plan_replay(log: list[Commit], head: str) -> list[Step]:
    """The versions of minutes files to import, in order, from the commits of `git log --topo-order --reverse`.

    `log` must come from `--diff-merges=first-parent`: a merge's changes are
    those against its first parent. See the module's docstring for the rules.
    """
    commits = {commit.id: commit for commit in log}
    order = {commit.id: position for position, commit in enumerate(log)}
    steps: list[Step] = []
    current: dict[str, str] = {}  # path → blob: the files as the replay has them
    covered: set[str] = set()

    def take(commit: Commit, path: str, blob: str | None, renamed_from: str = "") -> None:
        if blob is None and path not in current:
            return  # nothing there to delete (a symbolic link that went, say)
        if renamed_from:
            current.pop(renamed_from, None)
        if blob is None:
            current.pop(path, None)
        else:
            current[path] = blob
        old_is_minutes = bool(renamed_from) and is_minutes_file(renamed_from)
        if is_minutes_file(path):
            steps.append(Step(commit, path, blob, renamed_from if old_is_minutes else ""))
        elif old_is_minutes:  # renamed to something that is not minutes: gone, as far as the minutes go
            steps.append(Step(commit, renamed_from, None))

    def apply(commit: Commit, change: Change) -> None:
        if change.status == "D":
            take(commit, change.path, None)
        elif change.status == "R":
            take(commit, change.path, change.blob, renamed_from=change.old_path)
        else:
            take(commit, change.path, change.blob)

    for commit_id in first_parent_line(commits, head):
        commit = commits[commit_id]
        brought = _new_ancestors(commits, commit_id, covered)
        covered |= brought
        if not commit.is_merge:
            for change in commit.changes:
                apply(commit, change)
            continue
        before = dict(current)
        touched: set[str] = set()
        for side_id in sorted(brought - {commit_id}, key=order.__getitem__):
            side = commits[side_id]
            if side.is_merge:
                continue  # a merge within the branch brings nothing the outer merge does not settle below
            for change in side.changes:
                if current.get(change.old_path, NO_BLOB) == change.old_blob:
                    apply(side, change)
                    touched |= {change.path, change.old_path}
        # The merge: its own changes, and every file the branch touched set to what the merge has.
        wanted = {path: before.get(path) for path in touched}
        renames = {}
        for change in commit.changes:
            wanted[change.path] = None if change.status == "D" else change.blob
            if change.status == "R":
                wanted[change.old_path] = None
                renames[change.path] = change.old_path
        # A file renamed comes before the name it leaves, so that its meeting follows it.
        for path, blob in sorted(wanted.items(), key=lambda pair: pair[0] not in renames):
            old = renames.get(path, "")
            if current.get(path) == blob and not (old and old in current):
                continue
            if old and current.get(old) is not None and blob is not None:
                take(commit, path, blob, renamed_from=old)
            elif not (blob is None and path not in current):
                take(commit, path, blob)
    return steps


def _new_ancestors(commits: dict[str, Commit], start: str, covered: set[str]) -> set[str]:
    found: set[str] = set()
    stack = [start]
    while stack:
        current = stack.pop()
        if current in found or current in covered or current not in commits:
            continue
        found.add(current)
        stack += commits[current].parents
    return found


# --- replaying it into the database ------------------------------------------------------------


@dataclass
class Event:
    """Something the run has to say about one version: a refusal, a failure, a move, a removal."""

    commit: str
    path: str
    outcome: str
    message: str

    @property
    def is_problem(self) -> bool:
        return self.outcome in (Outcome.FAILED, Outcome.REFUSED)

    def __str__(self) -> str:
        where = f"{self.outcome:9} {self.commit[:7]}" + (f" {self.path}" if self.path else "")
        return where + (f": {self.message}" if self.message else "")


@dataclass
class Replay:
    """What a run did: the counts of its summary, and what it has to say about some versions."""

    head: str = ""
    commits_read: int = 0
    commits_replayed: int = 0
    files: int = 0
    versions: int = 0
    revisions: int = 0
    authors_matched: set[str] = field(default_factory=set)
    authors_unmatched: set[str] = field(default_factory=set)
    events: list[Event] = field(default_factory=list)
    # Files whose latest version replayed failed: their meetings are not what the repository has.
    unsettled: dict[str, Event] = field(default_factory=dict)
    results: list[ImportResult] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False

    @property
    def problems(self) -> list[Event]:
        return [event for event in self.events if event.is_problem]

    def summary(self) -> str:
        return (
            f"commits read {self.commits_read}, replayed {self.commits_replayed}; files {self.files}, "
            f"versions imported {self.versions}; revisions recorded {self.revisions}; authors matched "
            f"{len(self.authors_matched)}, unmatched {len(self.authors_unmatched)}; {self.seconds:.1f} s"
        )


class _DryRun(Exception):
    """Raised at the end of a dry run so that its transaction keeps nothing."""


def import_history(
    repository: str,
    *,
    committee: str | None = None,
    since: str | None = None,
    authors: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Replay:
    """Replay the history of a repository's minutes files (a path, a bundle, a URL) as revisions.

    GitHistoryError, before anything is written, when the repository cannot be
    cloned, `since` names no commit of it or the authors file is not a mailmap.
    `progress(done, total)` is called after each commit replayed.
    """
    started = time.perf_counter()
    if authors is not None:
        _check_authors(authors)
    folder = Path(tempfile.mkdtemp(prefix="pmc-git-"))
    try:
        clone = folder / "repository.git"
        try:
            git(["clone", "--quiet", "--mirror", "--", repository, str(clone)], timeout=600)
        except GitError as error:
            raise GitHistoryError(f"{repository} cannot be read as a git repository: {error}") from error
        head = _resolve(clone, "HEAD", f"{repository} has no commits (or no HEAD branch)")
        start = _resolve(clone, since, f"--since {since}: no such commit in {repository}") if since else None
        try:
            log = _read_log(clone, authors)
            steps = plan_replay(log, head)
            replay = Replay(head=head, commits_read=len(log), dry_run=dry_run)
            runner = _Runner(clone, log, key=_repository_key(repository), committee=committee, start=start)
            try:
                # One transaction for the run: stopped halfway, it keeps nothing, and GitImport never says more
                # was imported than was. Each version is still its own (a savepoint): a refused one leaves nothing.
                with transaction.atomic():
                    runner.run(steps, replay, progress)
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
        except GitError as error:
            # A tree or commit git itself cannot read (corrupt, or written by hand): no history to replay.
            raise GitHistoryError(
                f"{repository}: git cannot read its history ({error}); nothing was written"
            ) from error
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    replay.seconds = time.perf_counter() - started
    return replay


def _check_authors(path: Path) -> None:
    try:
        parse_mailmap(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise GitHistoryError(f"the authors file {path} cannot be read ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise GitHistoryError(f"the authors file {path} is not UTF-8 text") from error
    except ValueError as error:
        raise GitHistoryError(f"the authors file {path}: {error}") from error


def _resolve(clone: Path, revision: str, problem: str) -> str:
    try:
        arguments = ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"]
        return git_text(arguments, cwd=clone).strip()
    except GitError as error:
        raise GitHistoryError(problem) from error


def _read_log(clone: Path, authors: Path | None) -> list[Commit]:
    # %aN and %aE follow the mailmap: the repository's own .mailmap, then the authors file given.
    options = ["-c", f"mailmap.file={Path(authors).resolve()}"] if authors else []
    arguments = [*options, "log", "-z", "--reverse", "--topo-order", "--raw", "-M", "--no-abbrev"]
    arguments += ["--diff-merges=first-parent", f"--format={_LOG_FORMAT}", "HEAD", "--"]
    return parse_log(git(arguments, cwd=clone, timeout=600))


def _repository_key(repository: str) -> str:
    """How GitImport knows a repository: a local one by its absolute path, anything else as given."""
    return os.path.abspath(repository) if os.path.exists(repository) else repository


def read_blobs(clone: Path, blobs: Iterable[str]) -> dict[str, bytes | int | None]:
    """The content of each blob, read by one `git cat-file --batch`; a blob over MAX_FILE_BYTES gives its size.

    None for a blob the repository does not have (a tree naming an object that is not there).
    """
    wanted = sorted(set(blobs))
    if not wanted:
        return {}
    sizes = {}
    found: dict[str, bytes | int | None] = {}
    for line in git_text(["cat-file", "--batch-check"], cwd=clone, input="\n".join(wanted).encode()).splitlines():
        blob, _, rest = line.partition(" ")
        kind, _, size = rest.partition(" ")
        if kind == "blob":
            sizes[blob] = int(size)
        else:  # "missing", or an object that is not a file's content
            found[blob] = None
    found |= {blob: size for blob, size in sizes.items() if size > MAX_FILE_BYTES}
    small = [blob for blob in wanted if blob not in found]
    output = git(["cat-file", "--batch"], cwd=clone, input="\n".join(small).encode(), timeout=600)
    position = 0
    for blob in small:
        end = output.index(b"\n", position)
        size = int(output[position:end].split(b" ")[2])
        found[blob] = output[end + 1 : end + 1 + size]
        position = end + 1 + size + 1
    return found


class _Runner:
    """The database side of one run: which steps are already done, each version imported, the state kept."""

    def __init__(self, clone: Path, log: list[Commit], *, key: str, committee: str | None, start: str | None):
        self.clone = clone
        self.commits = {commit.id: commit for commit in log}
        self.key = key
        self.committee = committee
        self.since = ancestors(self.commits, start) if start else set()
        self.done: dict[str, set[str]] = {}
        self.users = {}
        for user in get_user_model().objects.exclude(email="").order_by("-pk"):
            self.users[user.email.lower()] = user  # the oldest account wins a shared address
        self.holders: dict[tuple[str, str], Meeting] = {}
        self.committees: dict[str, Committee] = {}
        # The committees' teams and reading options, read once for the run rather than once per version.
        self.cache = ImportCache()

    def committee_of(self, path: str) -> str:
        return self.committee or committee_folder(path)

    def already_done(self, committee: str) -> set[str]:
        """The commits imported before into that committee from this repository, and those before --since."""
        slug = slugify(committee)
        if slug not in self.done:
            state = GitImport.objects.filter(committee__slug=slug, repository=self.key).first()
            self.done[slug] = self.since | ancestors(self.commits, state.last_commit if state else None)
        return self.done[slug]

    def run(self, steps: list[Step], replay: Replay, progress) -> None:
        todo = [step for step in steps if step.commit.id not in self.already_done(self.committee_of(step.path))]
        blobs = read_blobs(self.clone, [step.blob for step in todo if step.blob])
        self._load_holders(
            {self.committee_of(path) for step in todo for path in (step.path, step.renamed_from) if path}
        )
        revisions_before = Revision.objects.filter(source=RevisionSource.GIT).count()
        by_commit: dict[str, list[Step]] = {}
        for step in todo:
            by_commit.setdefault(step.commit.id, []).append(step)
        files = set()
        head_files = self._head_files()
        for path in head_files:
            if _is_markdown(path) and is_hidden(path):
                message = "in a hidden folder, which is never a committee's (.git, .github): not read as minutes"
                replay.events.append(Event(replay.head, path, Outcome.SKIPPED, message))
        for number, commit_steps in enumerate(by_commit.values(), start=1):
            commit = commit_steps[0].commit
            replay.events += [Event(commit.id, "", "warning", problem) for problem in commit.problems]
            details = self._details(commit, replay)
            with transaction.atomic():
                for step in commit_steps:
                    if step.blob is None:
                        self._delete(step, replay)
                    else:
                        self._import(step, blobs[step.blob], details, replay)
                        files.add(step.path)
            if progress:
                progress(number, len(by_commit))
        replay.commits_replayed = len(by_commit)
        replay.files = len(files)
        update_rosters(replay.results)
        # Indexed for search once, at the end, rather than after each of their versions.
        reindex_meetings({result.meeting.pk for result in replay.results if result.meeting is not None})
        self._remember(replay.head, {self.committee_of(step.path) for step in todo}, head_files)
        replay.revisions = Revision.objects.filter(source=RevisionSource.GIT).count() - revisions_before

    def _details(self, commit: Commit, replay: Replay) -> dict:
        user = self.users.get(commit.author_email.lower())
        identity = f"{commit.author_name} <{commit.author_email}>"
        (replay.authors_matched if user else replay.authors_unmatched).add(identity)
        return {
            "source": RevisionSource.GIT,
            "author": user,
            "created_at": commit.date,
            "commit_id": commit.id,
            "commit_author": commit.author_name[:200],
            "commit_email": commit.author_email[:254],
            "commit_message": commit.message,
        }

    def _load_holders(self, committees: set[str]) -> None:
        slugs = [slugify(name) for name in committees]
        for meeting in (
            Meeting.objects.filter(committee__slug__in=slugs).exclude(source_path="").select_related("committee")
        ):
            self.holders[(meeting.committee.slug, meeting.source_path)] = meeting

    def _import(self, step: Step, data: bytes | int | None, details: dict, replay: Replay) -> None:
        committee = self.committee_of(step.path)
        slug = slugify(committee)
        if data is None:
            message = f"its content (object {step.blob[:7]}) is missing from the repository, or is not a file"
            replay.unsettled[step.path] = Event(step.commit.id, step.path, Outcome.FAILED, message)
            replay.events.append(replay.unsettled[step.path])
            return
        if isinstance(data, int):
            message = f"the file is {data / 2**20:.1f} MB; expected minutes of at most {MAX_FILE_BYTES // 2**20} MB"
            replay.unsettled[step.path] = Event(step.commit.id, step.path, Outcome.FAILED, message)
            replay.events.append(replay.unsettled[step.path])
            return
        if has_controls(step.path):
            # Its name would reach the terminal, the mirror's and the export's file names: refused, and said.
            message = (
                f"its path holds control characters ({controls_in(step.path)}), which no file of the archive may "
                "hold; rename the file in the repository"
            )
            replay.unsettled[step.path] = Event(step.commit.id, step.path, Outcome.FAILED, message)
            replay.events.append(replay.unsettled[step.path])
            return
        try:
            target = self._committee(committee)
        except ParseError as error:
            replay.unsettled[step.path] = Event(step.commit.id, step.path, Outcome.FAILED, str(error))
            replay.events.append(replay.unsettled[step.path])
            return
        if step.renamed_from and self.committee_of(step.renamed_from) != committee:
            # Moved to another committee's folder: gone from the one, new in the other.
            self._delete(Step(step.commit, step.renamed_from, None), replay)
            step = Step(step.commit, step.path, step.blob)
        holder = self.holders.get((slug, step.renamed_from or step.path))
        if not data.strip():
            # Files are often created empty (the web editor) and written later; emptied, the meeting stays as it was.
            replay.unsettled.pop(step.path, None)
            if holder is not None:
                message = "the file was emptied; the meeting keeps its last version"
                replay.events.append(Event(step.commit.id, step.path, Outcome.SKIPPED, message))
            return
        moved_away = self._follow(step, data, holder, replay)
        result = import_data(
            data, Path(step.path), target, source_path=step.path, revision=details, reindex=False, cache=self.cache
        )
        replay.results.append(result)
        replay.unsettled.pop(step.path, None)
        if result.outcome in (Outcome.FAILED, Outcome.REFUSED, Outcome.SKIPPED):
            event = Event(step.commit.id, step.path, result.outcome, result.message)
            if event.is_problem:
                replay.unsettled[step.path] = event
            if event.is_problem or holder is not None:
                replay.events.append(event)
            return
        replay.versions += 1
        if step.renamed_from:
            self.holders.pop((slug, step.renamed_from), None)
        self.holders[(slug, step.path)] = result.meeting
        if moved_away is not None and moved_away.pk != result.meeting.pk:
            self._remove(moved_away, step, replay, why=f"now filed under {result.meeting.date}, which had a meeting")

    def _committee(self, name: str) -> Committee:
        if name not in self.committees:
            self.committees[name] = get_or_create_committee(name)
        return self.committees[name]

    def _follow(self, step: Step, data: bytes, holder: Meeting | None, replay: Replay) -> Meeting | None:
        """Move the meeting the file made to the file's new date, if nothing is there; else the meeting left behind."""
        if holder is None:
            return None
        try:
            new_date = minutes_date(decode(data), step.path)
        except ParseError:  # the import that follows says what is wrong with the file
            return None
        if new_date is None or new_date == holder.date:
            return None
        if Meeting.objects.filter(committee_id=holder.committee_id, date=new_date).exists():
            return holder
        Meeting.objects.filter(pk=holder.pk).update(date=new_date)
        what = f"renamed from {step.renamed_from}" if step.renamed_from else "its date changed"
        message = f"{what}: the meeting of {holder.date} moved to {new_date}"
        replay.events.append(Event(step.commit.id, step.path, "moved", message))
        holder.date = new_date
        return None

    def _delete(self, step: Step, replay: Replay) -> None:
        replay.unsettled.pop(step.path, None)
        slug = slugify(self.committee_of(step.path))
        meeting = self.holders.pop((slug, step.path), None)
        if meeting is not None:
            self._remove(meeting, step, replay, why="its file was deleted")

    def _remove(self, meeting: Meeting, step: Step, replay: Replay, *, why: str) -> None:
        """Remove a meeting made from a file that is gone, unless it was edited on the site."""
        edited = meeting.revisions.exclude(source__in=[RevisionSource.GIT, RevisionSource.IMPORT]).exists()
        if edited:
            message = f"{why}; the meeting of {meeting.date} stays: it was edited on the site"
        else:
            message = f"{why}; the meeting of {meeting.date}, made from it, is removed"
            unindex_meeting(meeting)
            meeting.delete()
        replay.events.append(Event(step.commit.id, step.path, "removed" if not edited else "kept", message))

    def _head_files(self) -> list[str]:
        output = git(["ls-tree", "-r", "-z", "--name-only", "HEAD"], cwd=self.clone)
        return [path for path in output.decode("utf-8", "surrogateescape").split("\0") if path]

    def _remember(self, head: str, replayed: set[str], head_files: list[str]) -> None:
        """Each committee the repository's files go to continues after HEAD next time."""
        names = replayed | {self.committee_of(path) for path in head_files if is_minutes_file(path)}
        for found in Committee.objects.filter(slug__in=[slugify(name) for name in names]):
            GitImport.objects.update_or_create(committee=found, repository=self.key, defaults={"last_commit": head})
