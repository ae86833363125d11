"""Backups that restore: the whole site in one zip, and back into an empty database.

An archive holds `manifest.json` (format, app version, the migrations applied,
counts of rows per model, the SHA-256 of every member), `manifest.hmac` (the
manifest's HMAC-SHA256 under a key derived from PMC_BACKUP_KEY, else from
SECRET_KEY: see `_keys`), `data.json` (every row, Django's JSON serialization,
primary keys kept; content types and permissions, which `migrate` creates, are
named by their natural keys) and `media/…` (every uploaded file of the default
storage). The file is its owner's alone: it holds password hashes.

`write_backup` reads everything in one transaction (REPEATABLE READ on
PostgreSQL, so rows written meanwhile are never half in it). Left out on
purpose: sessions (people sign in again) and sign-in throttling counts, both
short-lived; the full-text side of the search index, rebuilt from its rows.

`restore_backup` checks the whole archive before touching anything (a
truncated, altered, unsigned or foreign file, a member with an unsafe or
unexpected name, or one that inflates past the caps is refused and nothing
changes), requires an empty database at the same migrations, then loads every
row and file in one transaction: it all lands, or nothing does. Members are
read in chunks and counted as they inflate, never trusting the zip's headers.
Uploads are written before the rows commit, listed first in a journal in the
media storage: a restore killed meanwhile (`kill -9`) leaves rows rolled back
and files behind, which the next restore deletes before anything else.
"""

import hashlib
import itertools
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core import serializers
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.crypto import constant_time_compare, salted_hmac

from meetings.lib.words import counted

from ..models import SearchDocument
from ..queries.search import CONFIG, FTS_TABLE

FORMAT = "pmc-minutes-backup"
FORMAT_VERSION = 2  # 2: the manifest is signed (manifest.hmac)
MANIFEST, SIGNATURE, DATA, MEDIA = "manifest.json", "manifest.hmac", "data.json", "media/"
# The signing key is derived for this one use: a backup's HMAC is never a session's or a password reset's.
SIGNING_SALT = "pmc-minutes.backup.manifest"
# In the media storage, beside the uploads: the files a restore is about to write (a dot name is never backed up).
JOURNAL = ".restore-journal.json"
CHUNK = 1 << 16
MB = 1 << 20
# Bytes a member may inflate to before its ratio is judged: a small file may compress well.
RATIO_FROM = MB
_DRIVE = re.compile(r"[A-Za-z]:")
# Made again by `migrate` (named by natural keys in data.json), or short-lived.
LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "axes"]


class BackupError(Exception):
    """An archive that cannot be restored here, or a database that cannot take it; the message says why."""


@dataclass
class Summary:
    rows: int = 0
    files: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _saved_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.proxy or not model._meta.managed:
            continue
        if model._meta.app_label in LEFT_OUT or label in LEFT_OUT:
            continue
        yield label, model


class _ExactEncoder(DjangoJSONEncoder):
    """Times to the microsecond (Django's encoder keeps milliseconds): a meeting's version and ETag read them."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _dump_rows(stream) -> None:
    """Every saved model's rows as one JSON list, in primary-key order, models in dependency order (as dumpdata)."""
    by_app: dict = {}
    for _label, model in _saved_models():
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    models = serializers.sort_dependencies(by_app.items(), allow_cycles=True)
    rows = itertools.chain.from_iterable(
        # every row, whatever a default manager would hide
        model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)
        for model in models
    )
    serializers.serialize("json", rows, stream=stream, cls=_ExactEncoder, use_natural_foreign_keys=True)


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _media_names(folder: str = "") -> list[str]:
    """Every file of the default storage, below `folder` (a storage without the folder yet has none)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    names = [prefix + name for name in files if not name.startswith(".")]  # .healthz probes and the like
    for sub in folders:
        names += _media_names(prefix + sub)
    return sorted(names)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _keys() -> list[str]:
    """The keys a backup may be signed with here: the first signs; any of them verifies (a rotated SECRET_KEY's too)."""
    own = [settings.PMC_BACKUP_KEY] if settings.PMC_BACKUP_KEY else []
    return [*own, settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _signature(manifest: bytes, key: str) -> str:
    return salted_hmac(SIGNING_SALT, manifest, secret=key, algorithm="sha256").hexdigest()


def _private_file(path: Path):
    """A new file only its owner may read or write, from its creation (it will hold password hashes)."""
    # O_EXCL and O_NOFOLLOW: never an existing file or a symlink planted where the backup is written.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    return os.fdopen(fd, "wb")


def write_backup(out: Path) -> Summary:
    """Write the whole site to the zip `out` from one consistent snapshot of the database."""
    summary = Summary()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # The transaction's first statement: every read below sees the same snapshot (PostgreSQL's default
            # gives each statement its own). SQLite's read transaction is one snapshot already.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        summary.counts = {label: model._base_manager.count() for label, model in _saved_models()}
        migrations = _applied_migrations()
        with (
            tempfile.TemporaryDirectory() as folder,
            _private_file(out) as file,
            zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            # Through a file, not memory: a large site's rows would not fit in a worker's.
            dump = Path(folder) / DATA
            with dump.open("w", encoding="utf-8") as stream:
                _dump_rows(stream)
            archive.write(dump, DATA)
            checksums = {DATA: _file_sha256(dump)}
            for name in _media_names():
                digest = hashlib.sha256()
                with default_storage.open(name, "rb") as source, archive.open(MEDIA + name, "w") as target:
                    while chunk := source.read(MB):
                        target.write(chunk)
                        digest.update(chunk)
                checksums[MEDIA + name] = digest.hexdigest()
                summary.files += 1
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": connection.vendor,
                "migrations": migrations,
                "counts": summary.counts,
                "files": checksums,
            }
            raw = json.dumps(manifest, indent=2, sort_keys=True).encode()
            archive.writestr(MANIFEST, raw)
            archive.writestr(SIGNATURE, _signature(raw, _keys()[0]))
    summary.rows = sum(summary.counts.values())
    return summary


def _shown(name: str) -> str:
    """A member's name as a message shows it: control characters escaped, never sent raw to a terminal."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)


def _unsafe(name: str) -> str:
    """Why a member's name is refused, or "" for a name this format writes."""
    if any(not c.isprintable() for c in name):
        return "a control character"
    if "\\" in name:
        return "a backslash"
    if name.startswith("/"):
        return "an absolute path"
    parts = name.split("/")
    if any(_DRIVE.match(part) for part in parts):
        return "a drive letter"
    if any(part in ("", ".", "..") for part in parts):
        return "an empty, `.` or `..` part"
    return ""


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Every member by name, once each proven to be one this format writes; else BackupError naming it."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        # orig_filename: zipfile cuts a name at a NUL, which must be refused rather than hidden.
        name = info.orig_filename
        if why := _unsafe(name):
            raise BackupError(
                f"The backup holds a member with an unsafe name ({why}): {_shown(name)}; nothing restored."
            )
        if name in members:
            raise BackupError(f"The backup holds {_shown(name)} twice; nothing restored.")
        # The journal is the restore's own: an archive never writes it.
        if name not in (MANIFEST, SIGNATURE, DATA) and (not name.startswith(MEDIA) or name == MEDIA + JOURNAL):
            raise BackupError(f"The backup holds an unexpected member: {_shown(name)}; nothing restored.")
        members[name] = info
    return members


class _Reader:
    """Reads members in chunks, refusing one that inflates past the caps, whatever its header says."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.total = 0
        self.member_cap = settings.PMC_BACKUP_MAX_MEMBER_MB * MB
        self.total_cap = settings.PMC_BACKUP_MAX_TOTAL_MB * MB
        self.ratio = settings.PMC_BACKUP_MAX_RATIO

    def chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        name, size = _shown(info.orig_filename), 0
        too_large = (
            f"The backup's {name} is larger than {settings.PMC_BACKUP_MAX_MEMBER_MB} MB uncompressed "
            "(PMC_BACKUP_MAX_MEMBER_MB); nothing restored."
        )
        if info.file_size > self.member_cap:  # the header's word is enough to refuse, never to accept
            raise BackupError(too_large)
        try:
            with self.archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    self.total += len(chunk)
                    if size > self.member_cap:
                        raise BackupError(too_large)
                    if self.total > self.total_cap:
                        raise BackupError(
                            f"The backup inflates to more than {settings.PMC_BACKUP_MAX_TOTAL_MB} MB in all, at "
                            f"{name} (PMC_BACKUP_MAX_TOTAL_MB); nothing restored."
                        )
                    # compress_size bounds what zipfile reads of the member, so this ratio is never overstated.
                    if size > RATIO_FROM and size > self.ratio * max(info.compress_size, 1):
                        raise BackupError(
                            f"The backup's {name} expands more than {self.ratio} times its compressed size "
                            "(a zip bomb? PMC_BACKUP_MAX_RATIO); nothing restored."
                        )
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as error:
            raise BackupError(f"The backup is damaged: {name} cannot be read ({error}).") from None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(info))

    def copy(self, info: zipfile.ZipInfo, expected: str, out=None) -> None:
        """Stream the member (into `out`, a binary file, if given), proving it is what the manifest says."""
        digest = hashlib.sha256()
        for chunk in self.chunks(info):
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
        if not constant_time_compare(digest.hexdigest(), expected):
            name = _shown(info.orig_filename)
            raise BackupError(f"The backup is damaged: {name} is not what was saved (its checksum differs).")


def read_manifest(archive: zipfile.ZipFile) -> dict:
    """The archive's manifest, once it is proven signed here and every member what it says; else BackupError."""
    if MANIFEST not in archive.namelist():
        raise BackupError("This is not a PMC Minutes backup: it has no manifest.json.")
    members = _members(archive)
    reader = _Reader(archive)
    raw = reader.read(members[MANIFEST])
    try:
        manifest = json.loads(raw)
    except ValueError as error:
        raise BackupError(f"The backup's manifest cannot be read ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a PMC Minutes backup: its manifest names another format.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup is in format version {manifest.get('format_version')}; "
            f"this version of PMC Minutes reads version {FORMAT_VERSION}."
        )
    # Before anything the manifest says is believed: checksums anyone could recompute prove nothing.
    signature = reader.read(members[SIGNATURE]).decode("ascii", "replace").strip() if SIGNATURE in members else ""
    if not any(constant_time_compare(signature, _signature(raw, key)) for key in _keys()):
        raise BackupError(
            "The backup is not signed with this site's backup key (PMC_BACKUP_KEY, else SECRET_KEY or one of "
            "SECRET_KEY_FALLBACKS): it was altered, or made by a site with another key. To restore a backup "
            "of another site, set PMC_BACKUP_KEY to that site's key (its PMC_BACKUP_KEY, else its SECRET_KEY)."
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or DATA not in files:
        raise BackupError("The backup's manifest lists no data.json: the archive is incomplete.")
    listed = set(members) - {MANIFEST, SIGNATURE}
    if missing := sorted(set(files) - listed):
        raise BackupError(f"The backup is incomplete: {_shown(missing[0])} is missing.")
    if extra := sorted(listed - set(files)):
        raise BackupError(f"The backup holds a file its manifest does not list: {_shown(extra[0])}.")
    for name, expected in files.items():
        reader.copy(members[name], str(expected))
    return manifest


def open_backup(path: Path) -> tuple[zipfile.ZipFile, dict]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path} is not a PMC Minutes backup (not a readable zip file: {error}).") from None
    try:
        return archive, read_manifest(archive)
    except BackupError:
        archive.close()
        raise


def _rows_present() -> dict[str, int]:
    return {label: count for label, model in _saved_models() if (count := model._base_manager.count())}


def _stored_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as file:
        while chunk := file.read(MB):
            digest.update(chunk)
    return digest.hexdigest()


def _clear_interrupted_restore() -> None:
    """Delete the uploads of a restore killed before its rows committed (its journal lists them)."""
    if not default_storage.exists(JOURNAL):
        return
    with default_storage.open(JOURNAL, "rb") as file:
        try:
            names = json.load(file)
        except ValueError:
            names = []  # killed while writing the journal: before any upload
    if not _rows_present():  # rolled back: whatever it wrote belongs to nothing
        for name in names:
            if isinstance(name, str) and not _unsafe(name) and default_storage.exists(name):
                default_storage.delete(name)
    default_storage.delete(JOURNAL)


def restore_backup(path: Path) -> Summary:
    """Load the archive at `path` into this empty database and the default storage, all or nothing."""
    archive, manifest = open_backup(path)
    with archive:
        if manifest["migrations"] != _applied_migrations():
            raise BackupError(
                "This backup was made by another version of PMC Minutes (its migrations differ from this "
                "database's): restore it with that version, then upgrade; or run `manage.py migrate` first "
                "if this database is new."
            )
        _clear_interrupted_restore()
        reader = _Reader(archive)
        media = [name for name in manifest["files"] if name.startswith(MEDIA)]
        new: list[str] = []
        for name in media:
            stored = name.removeprefix(MEDIA)
            if not default_storage.exists(stored):
                new.append(name)
            elif _stored_sha256(stored) != manifest["files"][name]:
                raise BackupError(f"The media storage already holds a different {stored}; nothing restored.")
        written: list[str] = []
        try:
            with transaction.atomic(), tempfile.TemporaryDirectory() as folder:
                if present := _rows_present():
                    label, count = next(iter(present.items()))
                    raise BackupError(
                        f"This database is not empty ({counted(count, 'row')} in {label}, "
                        f"and {counted(len(present), 'table')} in all): "
                        "restore only into a new database (`createdb`, `manage.py migrate`)."
                    )
                dump = Path(folder) / DATA
                with dump.open("wb") as out:
                    reader.copy(archive.getinfo(DATA), manifest["files"][DATA], out)
                try:
                    call_command("loaddata", str(dump), verbosity=0)
                except Exception as error:
                    reason = " ".join(str(error).split())  # one line, whatever the driver wrote
                    raise BackupError(f"The backup's rows cannot be loaded ({reason}); nothing restored.") from error
                dump.unlink()
                counts = {label: model._base_manager.count() for label, model in _saved_models()}
                if counts != manifest["counts"]:
                    wrong = sorted(
                        k
                        for k in counts.keys() | manifest["counts"].keys()
                        if counts.get(k) != manifest["counts"].get(k)
                    )
                    raise BackupError(f"The restored rows do not match the manifest ({wrong[0]}); nothing restored.")
                _refill_fulltext()
                if new:
                    # Listed before the first is written: killed from here on, the next restore deletes them.
                    stored_names = [name.removeprefix(MEDIA) for name in new]
                    if default_storage.save(JOURNAL, ContentFile(json.dumps(stored_names))) != JOURNAL:
                        raise BackupError(f"The media storage renamed {JOURNAL}; nothing restored.")
                for name in new:
                    stored, staged = name.removeprefix(MEDIA), Path(folder) / "upload"
                    with staged.open("wb") as out:
                        reader.copy(archive.getinfo(name), manifest["files"][name], out)
                    with staged.open("rb") as file:
                        saved = default_storage.save(stored, File(file))
                    staged.unlink()
                    written.append(saved)
                    if saved != stored:
                        raise BackupError(f"The media storage renamed {stored}; nothing restored.")
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
        finally:
            if default_storage.exists(JOURNAL):
                default_storage.delete(JOURNAL)
    return Summary(rows=sum(counts.values()), files=len(media), counts=counts)


def _refill_fulltext() -> None:
    """The engine's side of the search index, from the restored rows (as search_index._index fills it)."""
    if connection.vendor == "postgresql":
        SearchDocument.objects.update(
            vector=SearchVector("section", weight="A", config=CONFIG) + SearchVector("text", weight="B", config=CONFIG)
        )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 (rows a flush or a failed restore left)
            table = SearchDocument._meta.db_table
            cursor.execute(f"INSERT INTO {FTS_TABLE} (rowid, section, text) SELECT id, section, text FROM {table}")  # noqa: S608
