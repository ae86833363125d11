"""Import minutes files of the archive into the database.

Each file is parsed (format/reading.py) and saved in its own transaction: a file that
fails leaves nothing behind and the others go on. Importing the same file again
changes nothing; a newer revision of a file updates its meeting, touching only
the sections and reports that changed and recording each change as a Revision.
Teams are matched across meetings by name (team_key), or by a heading the chair
mapped to a team (TeamAlias); a team's current name, leads, label and group are
those of its latest meeting. Where a file writes its team sections is the
committee's team_layout, or detected in each file; the result says which.

Every import proves itself before it is kept: inside the file's transaction the
saved meeting is written back to Markdown from the database, and if a non-blank
line of the file is missing, added or out of order the transaction is rolled
back and the file refused, naming the line. The file's text is kept as it came
(Meeting.source), so that its export gives it back byte for byte.
"""

import enum
import os
import re
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as day_start
from pathlib import Path, PurePosixPath

from django.db import models, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify

from ..format.choices import TeamLayout
from ..format.outline import entries_to_text
from ..format.placeholders import is_placeholder
from ..format.reading import ParsedMeeting, ParseError, decode, notes_team_name, parse_minutes, team_key
from ..format.source import first_difference, source_text
from ..format.writing import agenda_lines, minutes_markdown
from ..lib.control_chars import controls_in, escape_controls, has_controls
from ..models import (
    NO_UPDATE_TEXT,
    AgendaItem,
    AgendaTemplateItem,
    BacklogReport,
    Committee,
    ItemKind,
    Meeting,
    MeetingStatus,
    Revision,
    RevisionSource,
    Team,
    TeamAlias,
    TeamStatus,
)
from ..models.committee import RESERVED_SLUGS, committee_name_problem
from .action_rows import read_outcomes
from .exporting import structural_markdown
from .mirroring import mirror_later
from .search_index import reindex_meeting, sync_actions_of

MAX_FILE_BYTES = 2 * 1024 * 1024
_YEAR = re.compile(r"^\d{4}$")
_LINK_REFUSED = (
    "links are refused, even to files inside the folder: import the file it points to directly if you trust it"
)


class Outcome(enum.StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"
    REFUSED = "refused"  # read and saved, but the self-check found a line lost, added or moved: rolled back


@dataclass
class ImportResult:
    path: Path
    outcome: str
    message: str = ""
    meeting: Meeting | None = None
    warnings: list[str] = field(default_factory=list)
    check_seconds: float = 0.0  # the self-check's share of the import (bench/imports.py prints it)

    def __str__(self) -> str:
        notes = "; ".join(filter(None, [self.message, *self.warnings]))
        return f"{self.outcome:9} {self.path}" + (f": {notes}" if notes else "")


class ImportCache:
    """What a run importing many versions (import_minutes --git) reads once per committee rather than per version.

    The committee's reading options (its layout and agenda titles, which an
    import never changes) and its teams and mapped headings, kept as the rows
    the imports save. A version rolled back (refused, failed) may have created
    or changed teams: `forget` drops them, and the next version reads them again.
    """

    def __init__(self) -> None:
        self.options: dict[int, tuple[str, list[str]]] = {}
        self.teams: dict[int, tuple[list[Team], dict[str, Team]]] = {}

    def forget(self, committee: str | Committee) -> None:
        if isinstance(committee, Committee):
            self.teams.pop(committee.pk, None)
        else:
            self.teams.clear()


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that nothing is kept."""


class _Refused(Exception):
    """Raised inside a file's transaction when its export does not give its lines back."""

    def __init__(self, difference: str, seconds: float):
        super().__init__(difference)
        self.seconds = seconds


def minutes_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(file, committee name) for every .md file named or under a named folder.

    The committee is the nearest folder above the file that is not a year,
    e.g. `Runtime` for `corpus/Runtime/2018/2018-06-12-runtime.md`. Symbolic
    links found there, to files or folders, are listed for import_file to
    refuse; the walk never goes through them.
    """
    return [(file, committee) for file, committee, _ in _walk(paths)]


def _walk(paths: Iterable[Path]) -> list[tuple[Path, str, Path | None]]:
    """(file, committee name, the folder it was found under or None if named itself) for minutes_files."""
    found = []
    for path in map(Path, paths):
        if path.is_symlink() or not path.is_dir():
            found.append((path, _committee_folder(path), None))
            continue
        files = []
        for folder, subfolders, names in os.walk(path, followlinks=False):
            files += [Path(folder, name) for name in subfolders if Path(folder, name).is_symlink()]
            files += [Path(folder, name) for name in names if name.endswith(".md") and name.lower() != "readme.md"]
        found += [(file, _committee_folder(file), path) for file in sorted(files)]
    return found


def _committee_folder(file: Path) -> str:
    # The path as given, made absolute without following links: a link never names the committee.
    for folder in Path(os.path.abspath(file)).parents:
        if folder.name and not _YEAR.match(folder.name):
            return folder.name
    return "Minutes"


def get_or_create_committee(name_or_slug: str) -> Committee:
    """The committee with that slug (or name), created when it does not exist yet."""
    slug = slugify(name_or_slug)
    # Checked before the slug is looked up: `.git` must not reach the committee `git` either.
    problem = committee_name_problem(name_or_slug) or ("" if slug and slug not in RESERVED_SLUGS else "reserved")
    if problem:
        raise ParseError(
            f"“{escape_controls(name_or_slug)}” cannot be a committee's name"
            + ("" if problem == "reserved" else f" ({problem})")
            + "; expected another one, e.g. with --committee"
        )
    committee = Committee.objects.filter(slug=slug).first()
    if committee is None:
        name = name_or_slug if name_or_slug != slug else name_or_slug.replace("-", " ").title()
        committee = Committee.objects.create(name=name, slug=slug)
    return committee


def import_paths(
    paths: Iterable[Path], committee: str | None = None, *, draft: bool = False, dry_run: bool = False
) -> list[ImportResult]:
    """Import every minutes file named or under the named folders; symbolic links are refused."""
    results = [
        _hidden(file, root)
        or _outside(file, root)
        or import_file(file, committee or folder, draft=draft, dry_run=dry_run, source_path=_source_path(file, root))
        for file, folder, root in _walk(paths)
    ]
    update_rosters(results)
    return results


def _source_path(file: Path, root: Path | None) -> str:
    """The file's path in its archive: from the folder named for its committee on, e.g. Runtime/2018/x.md.

    That is the path relative to the folder given when the archive's root is
    given, and stays the same when a committee's folder or the file itself is named.
    """
    absolute = Path(os.path.abspath(file))
    committee = _committee_folder(file)
    for folder in absolute.parents:
        if folder.name == committee:
            return PurePosixPath(*absolute.relative_to(folder.parent).parts).as_posix()
    if root is not None:
        return PurePosixPath(*absolute.relative_to(os.path.abspath(root)).parts).as_posix()
    return absolute.name


def _hidden(file: Path, root: Path | None) -> ImportResult | None:
    """A file found in a hidden folder of the archive (.git, .github: the tools', never a committee's), else None."""
    if root is None or not any(part.startswith(".") for part in file.relative_to(root).parts):
        return None
    message = "in a hidden folder, which is never a committee's (.git, .github): not read as minutes"
    return ImportResult(file, Outcome.SKIPPED, message)


def _outside(file: Path, root: Path | None) -> ImportResult | None:
    """A refusal of a file found under `root` that resolves outside it, else None."""
    # The walk follows no link, but a folder it went through may have been swapped for one since.
    if root is None or file.is_symlink() or file.resolve().is_relative_to(root.resolve()):
        return None
    message = f"resolves to {file.resolve()}, outside {root}, through a symbolic link; {_LINK_REFUSED}"
    return ImportResult(file, Outcome.FAILED, message)


def import_uploads(files, committee: Committee, *, draft: bool = False) -> list[ImportResult]:
    """Import files uploaded by a chair (objects with .name and .read()) into their committee."""
    results = []
    for upload in files:
        name = Path(Path(upload.name).name)
        size = getattr(upload, "size", None) or 0
        if size > MAX_FILE_BYTES:
            results.append(ImportResult(name, Outcome.FAILED, _too_large(size)))  # refused unread
        else:
            results.append(import_data(upload.read(MAX_FILE_BYTES + 1), name, committee.slug, draft=draft))
    update_rosters(results)
    return results


def update_rosters(results: list[ImportResult]) -> None:
    """The roster follows each committee's latest meeting, whatever order the files came in."""
    touched: dict[Committee, set[int]] = {}
    for result in results:
        if result.meeting and result.outcome in (Outcome.IMPORTED, Outcome.UPDATED):
            touched.setdefault(result.meeting.committee, set()).add(result.meeting.pk)
    for target, meeting_ids in touched.items():
        with transaction.atomic():
            retire_absent_teams(target, meeting_ids)
            if not target.agenda_template.exists():
                adopt_agenda_from_latest(target)


def import_file(
    path: Path, committee: str, *, draft: bool = False, dry_run: bool = False, source_path: str = ""
) -> ImportResult:
    """Import one minutes file in its own transaction; a failure leaves nothing behind.

    A symbolic link is refused, never followed: a link named like minutes may
    point at /etc/passwd or a file of secrets, which would then be published.
    """
    path = Path(path)
    try:
        data = read_minutes_file(path)
    except OSError as error:
        return ImportResult(path, Outcome.FAILED, f"cannot read the file ({error.strerror})")
    except ParseError as error:
        return ImportResult(path, Outcome.FAILED, str(error))
    source_path = source_path or _source_path(path, None)
    return import_data(data, path, committee, draft=draft, dry_run=dry_run, source_path=source_path)


def read_minutes_file(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES, its size checked before a byte is read.

    Raises ParseError for a symbolic link (never followed), a folder, a pipe or a
    device, and a file too large; OSError when it cannot be read.
    """
    if path.is_symlink():
        what = "a folder" if path.is_dir() else "a file"
        raise ParseError(f"a symbolic link to {what} ({os.readlink(path)}); {_LINK_REFUSED}")
    # O_NOFOLLOW: a file swapped for a link after the check above is not followed either.
    # O_NONBLOCK: opening a named pipe must not wait for a writer.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    with open(os.open(path, flags), "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ParseError("not a regular file (a folder, a pipe or a device); expected a Markdown file")
        if info.st_size > MAX_FILE_BYTES:
            raise ParseError(_too_large(info.st_size))
        return file.read(MAX_FILE_BYTES + 1)


def _too_large(size: int) -> str:
    return f"the file is {size / 2**20:.1f} MB; expected minutes of at most {MAX_FILE_BYTES // 2**20} MB"


def import_data(
    data: bytes,
    path: Path,
    committee: str | Committee,
    *,
    draft: bool = False,
    dry_run: bool = False,
    source_path: str = "",
    revision: dict | None = None,
    reindex: bool = True,
    cache: ImportCache | None = None,
) -> ImportResult:
    """Import the bytes of one minutes file (an upload, or a file read by import_file) named `path`.

    `source_path` is where the file stands in its archive (Runtime/2018/x.md);
    an upload, which has none, is known by its name. `committee` is a name or
    slug (the committee is created if need be), or the Committee itself (one
    look-up less for a caller importing many versions). `revision` gives the
    revisions the import records their fields (source, author, date, commit: a
    version replayed from git), and then a new meeting's texts are recorded too,
    as the first change of each, and the version is not first compared with the
    meeting (it differs from the one before it); without it they are the import's, now.
    Without `reindex` the caller indexes the meeting for search itself (once
    after many versions: search_index.reindex_meetings). A `cache` is shared by
    the imports of one run (ImportCache); the committee is then a Committee.
    """
    path = Path(path)
    name = source_path or path.name
    if has_controls(name):
        # The name would be stored, printed and written back by the export and the mirror: refused, and said.
        message = f"its name holds control characters ({controls_in(name)}), which no file of the archive may hold"
        return ImportResult(path, Outcome.FAILED, message + "; rename it")
    try:
        if len(data) > MAX_FILE_BYTES:  # before decoding: a read of MAX_FILE_BYTES + 1 bytes lands here
            raise ParseError(_too_large(len(data)))
        text = decode(data)
        layout, chair_titles = _reading_options(committee, cache)
        parsed = parse_minutes(text, path.name, layout=layout, chair_titles=chair_titles)
        _check_lengths(parsed)
    except ParseError as error:
        return ImportResult(path, Outcome.FAILED, str(error))
    if parsed.date is None:
        return ImportResult(
            path,
            Outcome.SKIPPED,
            "no date in the title or the file name (a template?); expected a title such as "
            "“# Runtime PMC Meeting 2018-06-12” or a file name such as 2018-06-12-runtime.md or 06-12-2018.md",
        )
    if is_blank(parsed):
        return ImportResult(path, Outcome.SKIPPED, "a blank template: nothing is written in it yet")
    source = Source(source_text(data), text, source_path or path.name)
    try:
        with transaction.atomic():
            if not isinstance(committee, Committee):
                committee = get_or_create_committee(committee)
            result = save_meeting(
                parsed,
                committee,
                path,
                draft=draft,
                source=source,
                revision=revision,
                reindex=reindex,
                cache=cache,
            )
            if dry_run:
                raise _DryRun
            if revision is None:  # a version replayed from git is the repository's own history already
                _mirror_import(result)
    except _DryRun:
        _forget(cache, committee)
        result.meeting = None
        result.message = "dry run, nothing written" + (f"; {result.message}" if result.message else "")
    except _Refused as refusal:
        _forget(cache, committee)
        message = f"{refusal}; nothing of it was kept" + (" (dry run)" if dry_run else "")
        return ImportResult(path, Outcome.REFUSED, message, check_seconds=refusal.seconds)
    except ParseError as error:
        _forget(cache, committee)
        return ImportResult(path, Outcome.FAILED, str(error))
    except Exception as error:
        _forget(cache, committee)
        return ImportResult(path, Outcome.FAILED, f"could not be saved ({type(error).__name__}: {error})")
    return result


def _forget(cache: ImportCache | None, committee: str | Committee) -> None:
    """The transaction was rolled back: the teams the cache holds may be rows that are no longer there."""
    if cache is not None:
        cache.forget(committee)


def _mirror_import(result: ImportResult) -> None:
    """Owe the git mirror a published meeting the file created or changed (by the site's identity: no editor)."""
    meeting = result.meeting
    verb = {Outcome.IMPORTED: "Import", Outcome.UPDATED: "Update"}.get(result.outcome)
    if verb is not None:
        message = f"{verb} {meeting.committee.name} minutes of {meeting.date} from {result.path.name}"
        mirror_later(meeting, message=message)


def _reading_options(committee: str | Committee, cache: ImportCache | None = None) -> tuple[str, list[str]]:
    """The committee's team layout (blank: detect) and its agenda's titles, which are never teams."""
    found = committee if isinstance(committee, Committee) else Committee.objects.filter(slug=slugify(committee)).first()
    if found is None:
        return "", []
    if cache is not None and found.pk in cache.options:
        return cache.options[found.pk]
    options = found.team_layout, list(found.agenda_template.values_list("title", flat=True))
    if cache is not None:
        cache.options[found.pk] = options
    return options


_LAYOUT_NAMES = {
    TeamLayout.BACKLOG: "backlog (### per team)",
    TeamLayout.PROJECTS: "projects (### per project under # Projects groups)",
    TeamLayout.NOTES: "notes-style (## per team)",
}


def layout_note(parsed: ParsedMeeting) -> str:
    """What the import says about the layout it read the file in: “layout: notes-style (## per team), detected”."""
    how = "detected" if parsed.layout_detected else "the committee's setting"
    return f"layout: {_LAYOUT_NAMES[TeamLayout(parsed.layout)]}, {how}"


def is_blank(parsed: ParsedMeeting) -> bool:
    """Only headings and placeholders such as “[add here]”: a template, not minutes."""
    texts = [parsed.preamble]
    texts += [report.body for report in parsed.reports]
    texts += [item.body for item in parsed.items if item.kind == ItemKind.NOTES]
    return not parsed.roadmap and all(is_placeholder(text) for text in texts)


def _check_lengths(parsed: ParsedMeeting) -> None:
    """Refuse, naming the line, texts longer than their column (PostgreSQL would, SQLite would not)."""

    def check(model, field: str, value: str, line: int | None, what: str) -> None:
        limit = model._meta.get_field(field).max_length
        if len(value) > limit:
            raise ParseError(f"{what} is {len(value)} characters long; expected at most {limit}", line)

    check(Meeting, "title", parsed.title, 1, "the title")
    for item in parsed.items:
        check(AgendaItem, "title", item.title, item.line, "the heading")
        check(AgendaItem, "agenda_label", item.agenda_label, item.line, "an agenda entry")
    for report in parsed.reports:
        check(BacklogReport, "heading", report.heading, report.line, "the team heading")
        check(BacklogReport, "team_name", report.team_name, report.line, "the team name")
        check(BacklogReport, "leads", report.leads, report.line, "the leads")
        check(BacklogReport, "status_label", report.status_label, report.line, "the label")
        check(BacklogReport, "group", report.group, report.line, "the group heading")


@dataclass
class Source:
    """The file as it came (`raw`), as the parser read it (`text`: no BOM, "\\n" endings), and its archive path."""

    raw: str
    text: str
    path: str


def save_meeting(
    parsed: ParsedMeeting,
    committee: Committee,
    path: Path,
    *,
    draft: bool,
    source: Source | None = None,
    revision: dict | None = None,
    reindex: bool = True,
    cache: ImportCache | None = None,
) -> ImportResult:
    """Create or update the committee's meeting of that date from parsed minutes, then check it (self_check).

    Without `source` (the parsed data has no file behind it) nothing is checked or kept of a file.
    """
    result = _save_meeting(parsed, committee, path, draft=draft, revision=revision, reindex=reindex, cache=cache)
    try:
        if source is not None:
            exported, result.check_seconds = self_check(result.meeting, parsed, source)
            _keep_source(result, source, exported)
    finally:
        # The rows read back once after the save (_read_saved) served the texts and the check; a caller reads anew.
        getattr(result.meeting, "_prefetched_objects_cache", {}).clear()
    return result


def self_check(meeting: Meeting, parsed: ParsedMeeting, source: Source) -> tuple[str, float]:
    """The meeting's structural export and the seconds the check took; _Refused if a line of the file is lost.

    The export is built from the rows just saved, never from the kept source
    (comparing the file with itself would prove nothing), and without the
    attendance recorded on the site, which is not the file's.
    """
    started = time.perf_counter()
    exported = structural_markdown(meeting, attendance=False)
    # A file without a title line gets the committee's usual title: the one line an import may add.
    compared = exported if parsed.title else exported.partition("\n")[2]
    difference = first_difference(source.text, compared)
    seconds = time.perf_counter() - started
    if difference is not None:
        raise _Refused(difference, seconds)
    return exported, seconds


def _keep_source(result: ImportResult, source: Source, exported: str) -> None:
    """Keep the file as it came and the export it was checked against (the base its edits are carried from)."""
    meeting = result.meeting
    values = {"source": source.raw, "source_export": exported, "source_path": source.path}
    if all(getattr(meeting, name) == value for name, value in values.items()):
        return
    # updated_at too: the `.md` download changes, and caching.py versions a meeting by it.
    values["updated_at"] = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(**values)
    for name, value in values.items():
        setattr(meeting, name, value)
    if result.outcome == Outcome.UNCHANGED:
        result.message = "the same minutes; the file's layout kept for its export"


def _save_meeting(
    parsed: ParsedMeeting,
    committee: Committee,
    path: Path,
    *,
    draft: bool,
    revision: dict | None = None,
    reindex: bool = True,
    cache: ImportCache | None = None,
) -> ImportResult:
    """The rows of the meeting from parsed minutes (save_meeting without the check)."""
    details = revision or {"source": RevisionSource.IMPORT}
    existing = Meeting.objects.filter(committee=committee, date=parsed.date).first()
    if existing:
        existing.committee = committee  # the same row: not read again by what follows
    # A version replayed from git (`revision`) differs from the one before it, which the replay imported
    # last: comparing them costs an export for nothing (a change of spaces only becomes an update of nothing).
    if existing and revision is None:
        # Attendance recorded in the site is not in the file; it stays, so it is part of both texts.
        new_text = minutes_markdown(
            parsed.title,
            parsed.preamble,
            parsed.agenda_marker,
            parsed.items,
            parsed.reports,
            parsed.roadmap,
            existing.attendees.all(),
            parsed.open_actions,
        )
        if structural_markdown(existing) == new_text and _shape(existing) == _parsed_shape(parsed):
            return ImportResult(path, Outcome.UNCHANGED, meeting=existing, warnings=parsed.warnings)

    meeting = existing or Meeting(committee=committee, date=parsed.date)
    # The rows as they were, read once: for the texts before, and to match the new ones against.
    old_items = list(meeting.items.all()) if existing else []
    old_roadmap = list(meeting.roadmap_entries.all()) if existing else []
    before = _texts(meeting, old_items, old_roadmap) if existing else {}
    meeting.title = parsed.title or committee.meeting_title(parsed.date)
    meeting.preamble = parsed.preamble
    meeting.agenda_marker = parsed.agenda_marker
    if existing:
        meeting.save(update_fields=["title", "preamble", "agenda_marker", "updated_at"])
    else:
        meeting.status = MeetingStatus.DRAFT if draft else MeetingStatus.PUBLISHED
        meeting.imported_at = timezone.now()
        meeting.published_at = None if draft else _published_at(meeting, details.get("created_at"), meeting.imported_at)
        meeting.save()

    changed = _save_items(meeting, parsed.items, old_items, update=bool(existing))
    reports_changed, revisions = _save_reports(
        meeting, parsed, update=bool(existing), details=details, record_new=revision is not None, cache=cache
    )
    changed += reports_changed
    if _save_roadmap(meeting, parsed.roadmap, old_roadmap):
        changed.append("the roadmap")
    if any(item.kind == ItemKind.ACTIONS for item in parsed.items):
        if not reindex:
            # The meetings before it were imported without their actions (their index comes later): sync them.
            sync_actions_of(Meeting.objects.filter(committee=committee, date__lt=meeting.date))
        read_outcomes(meeting, parsed.open_actions)
    if reindex:
        reindex_meeting(meeting)
    if existing or revision is not None:
        _read_saved(meeting)
        revisions += _changes(meeting, before, _texts(meeting), details)
    # One INSERT for all the revisions of the version, in the order they were made.
    Revision.objects.bulk_create(revisions)
    if not existing:
        count = len(parsed.reports)
        message = f"{count} team report{'' if count == 1 else 's'}; {layout_note(parsed)}"
        return ImportResult(path, Outcome.IMPORTED, message, meeting, parsed.warnings)
    summary = "changed: " + ", ".join(changed) if changed else "layout changed"
    return ImportResult(path, Outcome.UPDATED, f"{summary}; {layout_note(parsed)}", meeting, parsed.warnings)


def _read_saved(meeting: Meeting) -> None:
    """Read the saved rows back once, for the texts after the import and for the self-check's export."""
    getattr(meeting, "_prefetched_objects_cache", {}).clear()
    prefetch_related_objects([meeting], "items", "reports", "roadmap_entries")


def _shape(meeting: Meeting) -> tuple[list, list]:
    """What the rows made of the text: its sections and team headings (see `_parsed_shape`)."""
    items = [(item.level, item.kind, item.title) for item in meeting.items.all()]
    return items, [report.heading for report in meeting.reports.all()]


def _parsed_shape(parsed: ParsedMeeting) -> tuple[list, list]:
    """The same text read in another layout writes the same lines but makes other rows: that is a change."""
    items = [(item.level, item.kind, item.title) for item in parsed.items]
    return items, [report.heading for report in parsed.reports]


def _item_name(item) -> str:
    """How an update's summary names a section: a notes-style file's headless backlog has no title."""
    if item.title or item.agenda_label:
        return item.title or item.agenda_label
    return "the team sections" if item.kind == ItemKind.BACKLOG else "an untitled section"


def _item_key(item) -> tuple[str, str]:
    if item.level:
        return item.kind, " ".join(item.title.lower().split())
    return item.kind, "#" + item.agenda_label


_ITEM_FIELDS = ("level", "title", "kind", "body", "footnote", "agenda_position", "agenda_label")


def _save_items(meeting: Meeting, parsed_items, old: list[AgendaItem], *, update: bool) -> list[str]:
    """Save the meeting's sections (`old`: its rows before); on an update, unchanged ones keep their row and version.

    Sections are matched by kind and title, so a section added or removed in a
    newer revision does not make the ones after it look changed.
    """
    old = list(old) if update else []
    unused: dict[tuple[str, str], list[AgendaItem]] = {}
    for item in old:
        unused.setdefault(_item_key(item), []).append(item)
    pairs = []
    for parsed in parsed_items:
        candidates = unused.get(_item_key(parsed))
        pairs.append((candidates.pop(0) if candidates else None, parsed))
    kept = [item.pk for item, _ in pairs if item]
    changed = ["sections removed"] if len(kept) < len(old) else []
    if len(kept) < len(old):
        meeting.items.exclude(pk__in=kept).delete()
    if any(item and item.position != position for position, (item, _) in enumerate(pairs)):
        # Positions are unique per meeting: move the kept rows out of the way first, and
        # remember where they went, so that a row staying in its place is moved back too.
        offset = len(old) + len(pairs)
        meeting.items.update(position=models.F("position") + offset)
        for item in old:
            item.position += offset
    created = []
    for position, (item, parsed) in enumerate(pairs):
        values = {name: getattr(parsed, name) for name in _ITEM_FIELDS}
        if item is None:
            created.append(AgendaItem(meeting=meeting, position=position, **values))
            if update:
                changed.append(_item_name(parsed))
        elif any(getattr(item, name) != value for name, value in values.items()):
            _update_if_unchanged(item, position=position, **values)
            changed.append(_item_name(parsed))
        elif item.position != position:
            AgendaItem.objects.filter(pk=item.pk).update(position=position)
    AgendaItem.objects.bulk_create(created)
    return changed


class EditedMeanwhile(Exception):
    """Someone saved a text on the site while the file was being imported."""


def _update_if_unchanged(row, **values) -> None:
    """Save new values and a new version, unless the row was saved since it was read.

    Like the editors' saves, the version check is part of the UPDATE itself, so
    an import never silently overwrites a text saved a moment before.
    """
    updated = type(row).objects.filter(pk=row.pk, version=row.version).update(version=models.F("version") + 1, **values)
    if not updated:
        raise EditedMeanwhile(f"“{row}” was saved on the site during the import; import the file again")


_REPORT_FIELDS = ("heading", "team_name", "status_label", "leads", "group", "group_heading", "body")


def _committee_teams(committee: Committee, cache: ImportCache | None) -> tuple[list[Team], dict[str, Team]]:
    """The committee's teams, in their order, and the headings the chair mapped to one (by key)."""
    if cache is not None and committee.pk in cache.teams:
        return cache.teams[committee.pk]
    roster = list(committee.teams.all())
    by_pk = {team.pk: team for team in roster}
    aliased = {
        alias.key: by_pk.get(alias.team_id) or alias.team
        for alias in TeamAlias.objects.filter(committee=committee).select_related("team")
    }
    if cache is not None:
        cache.teams[committee.pk] = roster, aliased
    return roster, aliased


def _save_reports(
    meeting: Meeting,
    parsed: ParsedMeeting,
    *,
    update: bool,
    details: dict,
    record_new: bool = False,
    cache: ImportCache | None = None,
) -> tuple[list[str], list[Revision]]:
    """Create or update the team reports; a report whose text did not change is not touched.

    Returns what changed, and the revisions recording the changed texts with
    `details` (with `record_new`, the texts of a new meeting too), for the caller to insert.
    """
    committee = meeting.committee
    roster, aliased = _committee_teams(committee, cache)
    if cache is not None:
        # As the query orders them: the roster updates below move teams (Team.Meta.ordering).
        roster.sort(key=lambda team: (team.position, team.name))
    teams: dict[str, Team] = {}
    for team in roster:
        teams.setdefault(team_key(team.name), team)
        teams.setdefault(team.slug.replace("-", ""), team)
    # A heading the chair mapped to a team means that team, whatever its name says; the team keeps its own name.
    teams.update(aliased)
    keys = [_team_key_of(item.team_name, teams, aliased) for item in parsed.reports]
    for key, item in zip(keys, parsed.reports, strict=True):
        if key not in teams:
            teams[key] = Team.objects.create(
                committee=committee, name=item.team_name, slug=Team.slug_for(item.team_name)
            )
            roster.append(teams[key])
    matched = [(teams[key], item) for key, item in zip(keys, parsed.reports, strict=True)]
    # Teams that report in a later meeting keep the roster that meeting gave them.
    later = set(
        BacklogReport.objects.filter(meeting__committee=committee, meeting__date__gt=meeting.date).values_list(
            "team_id", flat=True
        )
    )
    old = {report.team_id: report for report in meeting.reports.select_related("team")} if update else {}
    kept = {team.pk for team, _ in matched}
    removed = [old.pop(team_id) for team_id in list(old) if team_id not in kept]
    changed, revisions = _remove_reports(meeting, removed, details)
    created = []
    for position, (team, item) in enumerate(matched):
        if team.pk not in later:
            _update_roster(team, item, position, keep_name=keys[position] in aliased)
        fields = {name: getattr(item, name) for name in _REPORT_FIELDS}
        fields["no_update"] = item.body.strip() == NO_UPDATE_TEXT  # as a save in the site says it
        report = old.get(team.pk)
        if report is None:
            created.append(BacklogReport(meeting=meeting, team=team, position=position, **fields))
        elif any(getattr(report, name) != value for name, value in fields.items()):
            if report.body != item.body:
                revisions.append(_revision(meeting, details, report=report, before=report.body, after=item.body))
            _update_if_unchanged(report, position=position, updated_at=timezone.now(), updated_by=None, **fields)
            changed.append(item.team_name)
        elif report.position != position:
            # Only moved (a team was added or removed above it): not a change of the report.
            BacklogReport.objects.filter(pk=report.pk).update(position=position)
    # Teams new to the meeting; on an update, their texts are a change, with history.
    BacklogReport.objects.bulk_create(created)
    if update or record_new:
        written = [report for report in created if report.body]
        revisions += [_revision(meeting, details, report=report, after=report.body) for report in written]
    if update:
        changed += [report.team_name for report in created]
    return changed, revisions


def _team_key_of(name: str, teams: dict[str, Team], aliased: dict[str, Team]) -> str:
    """The key a report's team is known by: its name's, or the mapped heading's it reads as.

    A mapped heading is kept without its “Update on”, as notes-style files are
    read; a `### Update on CLI` team heading keeps it in its name, so it is
    looked up both ways.
    """
    key = team_key(name)
    if key in teams:
        return key
    mapped = team_key(notes_team_name(name))
    return mapped if mapped in aliased else key


def _published_at(meeting: Meeting, committed_at, imported_at):
    """When minutes come in published: for a version replayed from git, the end of the meeting's day; for a file
    alone, the moment of its import, which no one knows better (Meeting.first_published_at then says so).

    A git archive has no moment of publication: its file is public from its first commit, written by the leads
    before the meeting and on its day. What its history did after that day are the amendments; a file first
    committed later was published then.
    """
    if committed_at is None:
        return imported_at
    day_ends = datetime.combine(meeting.date + timedelta(days=1), day_start(), tzinfo=meeting.committee.zone)
    return max(committed_at, day_ends - timedelta(microseconds=1))


def _revision(meeting: Meeting, details: dict, *, target: str = "", report=None, before="", after="") -> Revision:
    """One change of the import, not saved yet (Revision.record's fields, for one bulk insert).

    A change replayed from git amends the minutes only when it was committed after they were published.
    """
    committed_at = details.get("created_at")
    amends = meeting.is_published and (committed_at is None or committed_at > meeting.published_at)
    return Revision(
        meeting=meeting,
        report=report,
        target=target or report.revision_target,
        before=before,
        after=after,
        after_publication=amends,
        **details,
    )


def _remove_reports(meeting: Meeting, reports: list[BacklogReport], details: dict) -> tuple[list[str], list[Revision]]:
    """Delete the reports of teams the newer file no longer has, keeping their history (the revisions returned)."""
    removed, revisions = [], []
    for report in reports:
        Revision.objects.filter(report=report).update(report=None)
        revisions.append(_revision(meeting, details, target=report.revision_target, before=report.body))
        removed.append(f"{report.team_name} removed")
        report.delete()
    return removed, revisions


def _save_roadmap(meeting: Meeting, entries, old: list) -> bool:
    """Replace the roadmap (`old`: its rows before) if it differs; True if it did."""

    def rows(items) -> list[tuple]:
        return [(e.horizon, e.text, e.is_heading) for e in items]

    if rows(old) == rows(entries):
        return False
    # Checked in the UPDATE, as the chair's save does: a roadmap saved during the import is not overwritten.
    updated = Meeting.objects.filter(pk=meeting.pk, roadmap_version=meeting.roadmap_version).update(
        roadmap_version=models.F("roadmap_version") + 1
    )
    if not updated:
        raise EditedMeanwhile("the roadmap was saved on the site during the import; import the file again")
    meeting.set_roadmap(entries)
    return True


def _texts(meeting: Meeting, items=None, roadmap=None) -> dict[str, str]:
    """The chair's parts of a meeting as text, by revision target, as the web editors record them.

    From the rows given, else the meeting's.
    """
    items = list(meeting.items.all() if items is None else items)
    texts = {item.revision_target: item.body for item in items if item.has_section and item.kind != ItemKind.AGENDA}
    texts["agenda"] = "\n".join(agenda_lines(items, meeting.agenda_marker))
    texts["roadmap"] = entries_to_text(meeting.roadmap_entries.all() if roadmap is None else roadmap)
    return texts


def _changes(meeting: Meeting, before: dict[str, str], after: dict[str, str], details: dict) -> list[Revision]:
    """The revisions of the texts that differ (not saved yet)."""
    return [
        _revision(meeting, details, target=target, before=before.get(target, ""), after=after.get(target, ""))
        for target in dict.fromkeys([*before, *after])
        if before.get(target, "") != after.get(target, "")
    ]


def _status_for(label: str) -> str:
    words = label.lower()
    if words.startswith("incubat"):
        return TeamStatus.INCUBATING
    if words.startswith("propos"):
        return TeamStatus.PROPOSED
    return TeamStatus.ACTIVE


def _update_roster(team: Team, report, position: int, *, keep_name: bool = False) -> None:
    """The team's current name, leads, label and group: those of its latest meeting, this one."""
    values = {
        "name": team.name if keep_name else report.team_name,
        "lead_names": report.leads,
        "group": report.group,
        "position": position,
        "status": _status_for(report.status_label),
    }
    if any(getattr(team, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(team, name, value)
        team.save()


def retire_absent_teams(committee: Committee, meeting_ids: Iterable[int]) -> list[Team]:
    """Retire the teams that reported before but not in the committee's latest meeting.

    Only when that meeting was just imported, or for teams of the meetings just
    imported: a team the chair brought back by hand for the next meeting, or
    added and that has not reported yet, is left alone.
    """
    meeting_ids = set(meeting_ids)
    latest = Meeting.objects.for_committee(committee).order_by("-date").first()
    if latest is None or not latest.reports.exists():
        return []
    teams = committee.teams.exclude(status=TeamStatus.RETIRED).filter(reports__isnull=False)
    if latest.pk not in meeting_ids:
        teams = teams.filter(reports__meeting__in=meeting_ids)
    absent = list(teams.exclude(reports__meeting=latest).distinct())
    committee.teams.filter(pk__in=[team.pk for team in absent]).update(status=TeamStatus.RETIRED)
    return absent


def adopt_agenda_from_latest(committee: Committee) -> None:
    """Give a committee that has no default agenda the sections of its latest meeting.

    Only when that meeting's team sections were found: a file read as the chair's
    sections alone (no backlog, no team) may well be a notes-style file whose
    `##` sections are teams, and agenda titles are never read as teams, so
    adopting them would keep them from ever becoming teams once the chair sets
    the layout. The committee keeps the standard agenda until a file says more.
    """
    latest = Meeting.objects.for_committee(committee).order_by("-date").first()
    if latest is None or not latest.items.filter(kind=ItemKind.BACKLOG).exists():
        return
    AgendaTemplateItem.objects.bulk_create(
        [
            AgendaTemplateItem(
                committee=committee,
                position=position,
                title=item.title,
                kind=item.kind,
                agenda_label=item.agenda_label,
            )
            for position, item in enumerate(i for i in latest.items.all() if i.has_section)
        ]
    )
    roadmap = latest.items.filter(kind=ItemKind.ROADMAP).first()
    if roadmap and roadmap.footnote:
        committee.roadmap_disclaimer = roadmap.footnote
        committee.save(update_fields=["roadmap_disclaimer"])
