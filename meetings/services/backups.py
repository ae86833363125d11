"""Backups that restore: the whole site in one zip, and back into an empty database.

An archive holds `manifest.json` (format, app version, the migrations applied,
counts of rows per model, the SHA-256 of every member), `data.json` (every
row, Django's JSON serialization, primary keys kept; content types and
permissions, which `migrate` creates, are named by their natural keys) and
`media/…` (every uploaded file of the default storage).

`write_backup` reads everything in one transaction (REPEATABLE READ on
PostgreSQL, so rows written meanwhile are never half in it). Left out on
purpose: sessions (people sign in again) and sign-in throttling counts, both
short-lived; the full-text side of the search index, rebuilt from its rows.

`restore_backup` checks the whole archive before touching anything (a
truncated, altered or foreign file is refused and nothing changes), requires
an empty database at the same migrations, then loads every row and file in one
transaction: it all lands, or nothing does.
"""

import hashlib
import itertools
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

from django.apps import apps
from django.contrib.postgres.search import SearchVector
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from ..models import SearchDocument
from ..queries.search import CONFIG, FTS_TABLE

FORMAT = "pmc-minutes-backup"
FORMAT_VERSION = 1
MANIFEST, DATA, MEDIA = "manifest.json", "data.json", "media/"
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


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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
        with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            # Through a file, not memory: a large site's rows would not fit in a worker's.
            dump = Path(folder) / DATA
            with dump.open("w", encoding="utf-8") as stream:
                _dump_rows(stream)
            archive.write(dump, DATA)
            checksums = {DATA: _file_sha256(dump)}
            for name in _media_names():
                with default_storage.open(name, "rb") as file:
                    content = file.read()
                archive.writestr(MEDIA + name, content)
                checksums[MEDIA + name] = _sha256(content)
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
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    summary.rows = sum(summary.counts.values())
    return summary


def read_manifest(archive: zipfile.ZipFile) -> dict:
    """The archive's manifest, once every member is proven to be what it says; else BackupError."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("This is not a PMC Minutes backup: it has no manifest.json.") from None
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"The backup's manifest cannot be read ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a PMC Minutes backup: its manifest names another format.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup is in format version {manifest.get('format_version')}; "
            f"this version of PMC Minutes reads version {FORMAT_VERSION}."
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or DATA not in files:
        raise BackupError("The backup's manifest lists no data.json: the archive is incomplete.")
    members = {name for name in archive.namelist() if not name.endswith("/")} - {MANIFEST}
    if missing := sorted(set(files) - members):
        raise BackupError(f"The backup is incomplete: {missing[0]} is missing.")
    if extra := sorted(members - set(files)):
        raise BackupError(f"The backup holds a file its manifest does not list: {extra[0]}.")
    for name, expected in files.items():
        if (not name.startswith(MEDIA) and name != DATA) or ".." in Path(name).parts:
            raise BackupError(f"The backup names a file outside its folders: {name}.")
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while chunk := member.read(1 << 20):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise BackupError(f"The backup is damaged: {name} cannot be read ({error}).") from None
        if digest.hexdigest() != expected:
            raise BackupError(f"The backup is damaged: {name} is not what was saved (its checksum differs).")
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
        media = [name for name in manifest["files"] if name.startswith(MEDIA)]
        for name in media:
            stored = name.removeprefix(MEDIA)
            if default_storage.exists(stored):
                with default_storage.open(stored, "rb") as file:
                    if _sha256(file.read()) != manifest["files"][name]:
                        raise BackupError(f"The media storage already holds a different {stored}; nothing restored.")
        written: list[str] = []
        try:
            with transaction.atomic(), tempfile.TemporaryDirectory() as folder:
                if present := _rows_present():
                    label, count = next(iter(present.items()))
                    raise BackupError(
                        f"This database is not empty ({count} row(s) in {label}, and {len(present)} table(s) in "
                        "all): restore only into a new database (`createdb`, `manage.py migrate`)."
                    )
                dump = Path(folder) / DATA
                dump.write_bytes(archive.read(DATA))
                try:
                    call_command("loaddata", str(dump), verbosity=0)
                except Exception as error:
                    reason = " ".join(str(error).split())  # one line, whatever the driver wrote
                    raise BackupError(f"The backup's rows cannot be loaded ({reason}); nothing restored.") from error
                counts = {label: model._base_manager.count() for label, model in _saved_models()}
                if counts != manifest["counts"]:
                    wrong = sorted(
                        k
                        for k in counts.keys() | manifest["counts"].keys()
                        if counts.get(k) != manifest["counts"].get(k)
                    )
                    raise BackupError(f"The restored rows do not match the manifest ({wrong[0]}); nothing restored.")
                _refill_fulltext()
                for name in media:
                    stored = name.removeprefix(MEDIA)
                    if default_storage.exists(stored):
                        continue  # the same file (checked above)
                    saved = default_storage.save(stored, ContentFile(archive.read(name)))
                    written.append(saved)
                    if saved != stored:
                        raise BackupError(f"The media storage renamed {stored}; nothing restored.")
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
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
