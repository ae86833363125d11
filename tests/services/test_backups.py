"""Backups that restore: `backup` then `restore` into an empty database gives back the same site.

Every public and chair page, each PDF's text and each .md after the restore is
what it was before; a damaged, foreign or mismatched archive, or a database
with data, is refused with a clear message and nothing changes.
"""

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils.crypto import salted_hmac
from pypdf import PdfReader

from meetings.demo import load_demo
from meetings.models import BacklogReport, Committee, Invitation, Meeting, Revision, SearchDocument
from meetings.queries.search import FTS_TABLE
from meetings.services.backups import DATA, MANIFEST, MEDIA
from meetings.services.editing import save_report
from meetings.services.invitations import invite
from meetings.services.questions import ask_question

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
PICTURE = b"\x89PNG\r\n\x1a\n-not-decoded-by-the-backup"


@pytest.fixture(autouse=True)
def no_fulltext_rows_left():
    """SQLite's full-text table is no model: the flushes between these tests leave its rows; clear them."""
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608


@pytest.fixture
def site(settings, tmp_path):
    """The demo site, with an edited report carrying an uploaded picture, a question and a revision."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    list(load_demo())
    name = default_storage.save("uploads/2026/12/picture-token.png", ContentFile(PICTURE))
    meeting = Meeting.objects.get(date=date(2018, 6, 12))
    report = meeting.reports.select_related("team").order_by("position").first()
    chair = get_user_model().objects.get(username="chair")
    chair.set_password("chair-password")
    chair.save()
    assert save_report(report, body=f"Shipped it.\n\n![chart]({default_storage.url(name)})\n", by=chair)
    ask_question(report, text="When does it ship?", by=chair)
    return meeting


def urls(meeting: Meeting) -> dict[str, list[str]]:
    """The pages to compare: as an anonymous reader, and as the chair."""
    committee = meeting.committee
    draft = committee.meetings.exclude(pk=meeting.pk).get()
    team = committee.teams.order_by("pk").first()
    base, c = meeting.get_absolute_url(), f"/{committee.slug}"
    public = [
        "/",
        f"{c}/",
        base,
        base.rstrip("/") + ".md",
        f"{c}/feed/",
        f"{c}/decisions/",
        f"{c}/roadmap/",
        f"{c}/teams/{team.slug}/",
        f"{c}/teams/{team.slug}/feed/",
        f"{c}/meetings.ics",
        "/search/?q=runtime",
        "/sitemap.xml",
    ]
    chair = [
        *public,
        draft.get_absolute_url(),
        f"{base}edit/",
        f"{base}history/",
        f"{draft.get_absolute_url()}readiness/",
        f"{c}/roster/",
        f"{c}/settings/",
        "/my-sections/",
    ]
    return {"anonymous": public, "chair": chair, "pdf": [base.rstrip("/") + ".pdf"]}


def capture(client, pages: dict[str, list[str]]) -> dict[str, str]:
    """What each page says (CSRF tokens aside, which differ on every request)."""
    cache.clear()  # served fresh from the database, not from what was cached before
    seen = {}
    client.logout()
    for url in pages["anonymous"]:
        seen[f"anonymous {url}"] = _body(client, url)
    for url in pages["pdf"]:
        response = client.get(url)
        assert response.status_code == 200, url
        seen[f"pdf {url}"] = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    client.force_login(get_user_model().objects.get(username="chair"))
    for url in pages["chair"]:
        seen[f"chair {url}"] = _body(client, url)
    client.logout()
    return seen


def _body(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return CSRF.sub("csrf", b"".join(response).decode() if response.streaming else response.content.decode())


def empty_the_site():
    """What a new database and an empty media store look like (migrated, nothing else)."""
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
    shutil.rmtree(settings.MEDIA_ROOT)
    cache.clear()


def test_a_restore_into_an_empty_database_gives_back_every_page(client, site, tmp_path):
    pages = urls(site)
    before = capture(client, pages)
    counts = {model: model.objects.count() for model in (Meeting, BacklogReport, Revision, SearchDocument)}
    call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())

    empty_the_site()
    assert Meeting.objects.count() == 0 and not Path(settings.MEDIA_ROOT).exists()
    out = io.StringIO()
    call_command("restore", str(tmp_path / "site.zip"), stdout=out)

    assert "Restored" in out.getvalue() and "1 uploaded file." in out.getvalue()
    assert {model: model.objects.count() for model in counts} == counts
    after = capture(client, pages)
    assert after.keys() == before.keys()
    for page in before:
        assert after[page] == before[page], page
    assert default_storage.open("uploads/2026/12/picture-token.png").read() == PICTURE
    # Accounts keep their passwords; new rows do not collide with restored ones (sequences follow).
    assert get_user_model().objects.get(username="chair").check_password("chair-password")
    assert Committee.objects.create(name="New", slug="new").pk > Committee.objects.get(slug="runtime").pk


def test_search_finds_restored_minutes(client, site, tmp_path):
    word = "Shipped"
    assert word in client.get(f"/search/?q={word}").content.decode()
    call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())
    empty_the_site()
    call_command("restore", str(tmp_path / "site.zip"), stdout=io.StringIO())
    assert site.get_absolute_url() in client.get(f"/search/?q={word}").content.decode()


def test_the_archive_has_a_manifest_with_counts_and_checksums(site, tmp_path):
    call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        manifest = json.loads(archive.read(MANIFEST))
        rows = json.loads(archive.read(DATA))
    assert manifest["format"] == "pmc-minutes-backup" and manifest["format_version"] == 2
    assert manifest["counts"]["meetings.meeting"] == 2
    assert manifest["counts"]["auth.user"] == 3
    assert manifest["migrations"]["meetings"]
    assert set(manifest["files"]) == {DATA, MEDIA + "uploads/2026/12/picture-token.png"}
    models = {row["model"] for row in rows}
    assert {"meetings.revision", "meetings.question", "meetings.committee", "auth.user"} <= models
    assert not models & {"sessions.session", "contenttypes.contenttype", "auth.permission"}


def test_backup_refuses_to_overwrite(site, tmp_path):
    (tmp_path / "site.zip").write_text("keep me")
    with pytest.raises(CommandError, match="exists; choose another name or pass --overwrite"):
        call_command("backup", str(tmp_path / "site.zip"))
    assert (tmp_path / "site.zip").read_text() == "keep me"


def test_restore_refuses_a_database_with_data(site, tmp_path):
    call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"This database is not empty .*restore only into a new database"):
        call_command("restore", str(tmp_path / "site.zip"))
    assert Meeting.objects.count() == 2


def rewrite(path: Path, change) -> None:
    """The archive with its members passed through change(name, bytes) -> bytes (None drops the member)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            if (data := change(name, data)) is not None:
                archive.writestr(name, data)


def signature(manifest: bytes, key: str | None = None) -> str:
    """manifest.hmac as README's "Backups that restore" specifies it: HMAC-SHA256 under a key derived from KEY."""
    secret = key or settings.PMC_BACKUP_KEY or settings.SECRET_KEY
    return salted_hmac("pmc-minutes.backup.manifest", manifest, secret=secret, algorithm="sha256").hexdigest()


def forge(path: Path, add: dict[str, bytes] | None = None, change=None, key: str | None = None) -> None:
    """The archive altered (members added, or passed through change), its checksums recomputed, signed with KEY.

    Without the site's key (key=None signs with it) this is what an attacker can do; with it, what only the site
    can: the checks after the signature's are then what refuses.
    """
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    members = [(name, change(name, data) if change else data) for name, data in members] + list((add or {}).items())
    manifest = json.loads(dict(members)[MANIFEST])
    manifest["files"] = {name: hashlib.sha256(data).hexdigest() for name, data in members if name.startswith(MEDIA)}
    manifest["files"][DATA] = hashlib.sha256(dict(members)[DATA]).hexdigest()
    raw = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            if name not in (MANIFEST, "manifest.hmac"):
                archive.writestr(name, data)
        archive.writestr(MANIFEST, raw)
        archive.writestr("manifest.hmac", signature(raw, key))


@pytest.fixture
def emptied_backup(site, tmp_path) -> Path:
    """A good archive of the site, and the site emptied as for a restore."""
    path = tmp_path / "site.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    empty_the_site()
    return path


def refused(path: Path, message: str):
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))
    assert get_user_model().objects.count() == 0 and Meeting.objects.count() == 0  # nothing half restored
    assert not default_storage.exists("uploads/2026/12/picture-token.png")


def test_restore_refuses_a_truncated_archive(emptied_backup):
    emptied_backup.write_bytes(emptied_backup.read_bytes()[:2000])
    refused(emptied_backup, "is not a PMC Minutes backup \\(not a readable zip file")


def test_restore_refuses_an_altered_member(emptied_backup):
    rewrite(emptied_backup, lambda name, data: data.replace(b"Shipped", b"Shopped") if name == DATA else data)
    refused(emptied_backup, "The backup is damaged: data.json is not what was saved")


def test_restore_refuses_a_foreign_zip(emptied_backup, tmp_path):
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as archive:
        archive.writestr("holiday.jpg", b"...")
    refused(tmp_path / "photos.zip", "This is not a PMC Minutes backup: it has no manifest.json")


def test_restore_refuses_an_archive_of_another_version(emptied_backup):
    def older(name, data):
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["migrations"]["meetings"] = manifest["migrations"]["meetings"][:-1]
        return json.dumps(manifest)

    forge(emptied_backup, change=older)  # signed with the site's key: only its migrations differ
    refused(emptied_backup, "made by another version of PMC Minutes")


def test_rows_that_cannot_load_roll_everything_back(emptied_backup):
    """Checksums match (the archive was written so), yet a row is wrong: the whole restore is undone."""

    with zipfile.ZipFile(emptied_backup) as archive:
        rows = json.loads(archive.read(DATA))
    last = next(row for row in reversed(rows) if row["model"] == "meetings.question")
    last["fields"]["report"] = 999_999  # no such report
    data = json.dumps(rows).encode()
    forge(emptied_backup, change=lambda name, old: data if name == DATA else old)  # signed with the site's key
    refused(emptied_backup, "The backup's rows cannot be loaded .*nothing restored")


def test_restore_into_a_new_database_made_by_migrate(site, tmp_path):
    """A truly new database (`migrate`, then `restore`, in other processes) holds exactly the rows backed up."""
    call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())
    url = new_database_url(tmp_path)
    env = {"DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "new-media"), "PATH": "/usr/bin:/bin"}
    try:
        for command in (["migrate", "--noinput"], ["restore", str(tmp_path / "site.zip")], ["backup", "again.zip"]):
            result = subprocess.run(
                [sys.executable, BASE_DIR / "manage.py", *command],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stderr
        with zipfile.ZipFile(tmp_path / "site.zip") as first, zipfile.ZipFile(tmp_path / "again.zip") as second:
            assert json.loads(second.read(DATA)) == json.loads(first.read(DATA))
            assert json.loads(second.read(MANIFEST))["files"] == json.loads(first.read(MANIFEST))["files"]
    finally:
        drop_database(url)


def new_database_url(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"


def drop_database(url: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')


# --- issue 25: an archive is trusted only when signed with this site's key; reading it is bounded ----------


def test_a_tampered_archive_with_recomputed_checksums_is_refused(emptied_backup):
    """Someone who can write the file but lacks the key adds a superuser and fixes every SHA-256: refused."""

    def backdoor(name, data):
        if name != DATA:
            return data
        rows = json.loads(data)
        user = next(row for row in rows if row["model"] == "auth.user")
        rows.append({**user, "pk": 999, "fields": {**user["fields"], "username": "backdoor", "is_superuser": True}})
        return json.dumps(rows).encode()

    forge(emptied_backup, change=backdoor, key="a key this site does not have")
    refused(emptied_backup, "The backup is not signed with this site's backup key")
    assert not get_user_model().objects.filter(username="backdoor").exists()


def test_a_backup_restores_only_where_its_key_is_known(site, tmp_path, settings):
    """Made with PMC_BACKUP_KEY on one site: refused on a site without it, restored once the key is given."""
    settings.PMC_BACKUP_KEY = "the-old-site-backup-key"
    path = tmp_path / "site.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    empty_the_site()

    settings.PMC_BACKUP_KEY, settings.SECRET_KEY = "", "a-new-site-secret-key"
    refused(path, "not signed with this site's backup key .*PMC_BACKUP_KEY")
    settings.PMC_BACKUP_KEY = "the-old-site-backup-key"
    call_command("restore", str(path), stdout=io.StringIO())
    assert Meeting.objects.count() == 2


def test_a_backup_signed_before_the_secret_key_rotated_restores_with_the_old_key_as_a_fallback(
    site, tmp_path, settings
):
    settings.PMC_BACKUP_KEY, settings.SECRET_KEY = "", "the-secret-key-of-2025"
    path = tmp_path / "site.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    empty_the_site()

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-secret-key-of-2026", []
    refused(path, "not signed with this site's backup key")
    settings.SECRET_KEY_FALLBACKS = ["the-secret-key-of-2025"]
    call_command("restore", str(path), stdout=io.StringIO())
    assert Meeting.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("media//etc/cron.d/backdoor", "media//etc/cron.d/backdoor"),
        ("/etc/cron.d/backdoor", "/etc/cron.d/backdoor"),
        ("media/../../settings.py", "media/../../settings.py"),
        ("media/uploads\\..\\..\\settings.py", "media/uploads\\..\\..\\settings.py"),
        ("media/C:/Windows/evil.dll", "media/C:/Windows/evil.dll"),
        ("media/uploads/evil\x1b[2J.png", "media/uploads/evil\\x1b[2J.png"),  # shown escaped, not run by a terminal
        ("media/uploads/2026/12/picture-token.png", "media/uploads/2026/12/picture-token.png"),  # twice
        ("notes.txt", "notes.txt"),
        ("media/", "media/"),
        ("media/.restore-journal.json", "media/.restore-journal.json"),  # the restore's own file
    ],
)
@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # zipfile's, writing the duplicate
def test_a_member_with_an_unsafe_duplicate_or_unexpected_name_is_refused_by_name(emptied_backup, name, shown):
    """Even signed with the site's key (checks in depth): a clear refusal naming it, no traceback, nothing written."""
    forge(emptied_backup, add={name: b"#!/bin/sh\n"})
    with pytest.raises(CommandError, match=f"The backup holds .*{re.escape(shown)}"):  # a message, no traceback
        call_command("restore", str(emptied_backup))
    assert get_user_model().objects.count() == 0 and Meeting.objects.count() == 0
    assert not Path(settings.MEDIA_ROOT).exists()  # not a file written, the folder not even made
    assert not (BASE_DIR / "settings.py").exists() and not Path("/etc/cron.d/backdoor").exists()


def add_zeros(path: Path, name: str, megabytes: int) -> None:
    """A member of MEGABYTES of zeros (about 1,000 times smaller compressed), listed and signed with the site's key."""
    digest, chunk = hashlib.sha256(), bytes(1 << 20)
    rewritten = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as new:
        with new.open(name, "w", force_zip64=True) as out:
            for _ in range(megabytes):
                out.write(chunk)
                digest.update(chunk)
        manifest = json.loads(old.read(MANIFEST))
        manifest["files"][name] = digest.hexdigest()
        raw = json.dumps(manifest).encode()
        for info in old.infolist():
            if info.filename not in (MANIFEST, "manifest.hmac"):
                new.writestr(info.filename, old.read(info))
        new.writestr(MANIFEST, raw)
        new.writestr("manifest.hmac", signature(raw))
    rewritten.replace(path)


def test_a_zip_bomb_is_refused_naming_the_member_in_little_memory(emptied_backup):
    add_zeros(emptied_backup, "media/uploads/bomb.png", megabytes=300)
    assert emptied_backup.stat().st_size < 1_000_000  # 300 MB once inflated

    tracemalloc.start()
    try:
        with pytest.raises(CommandError, match=r"media/uploads/bomb\.png expands more than 100 times"):
            call_command("restore", str(emptied_backup))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30_000_000, peak  # bytes: read in chunks, never whole
    assert get_user_model().objects.count() == 0 and not Path(settings.MEDIA_ROOT).exists()


@pytest.mark.parametrize(
    ("cap", "sizes", "message"),
    [
        ("PMC_BACKUP_MAX_MEMBER_MB", [1_100_000], "The backup's media/uploads/noise-0.png is larger than 1 MB"),
        ("PMC_BACKUP_MAX_TOTAL_MB", [600_000, 600_000], "more than 1 MB in all, at media/uploads/noise-1.png"),
    ],
)
def test_a_member_past_the_size_caps_is_refused_naming_it(emptied_backup, settings, cap, sizes, message):
    """Random bytes, which no compression ratio would catch, past a cap of 1 MB a member or 1 MB in all."""
    forge(emptied_backup, add={f"media/uploads/noise-{n}.png": os.urandom(size) for n, size in enumerate(sizes)})
    setattr(settings, cap, 1)
    refused(emptied_backup, message)


def test_the_backup_is_readable_by_its_owner_only_from_its_creation(site, tmp_path, monkeypatch):
    """It holds password hashes: never readable by others, not even while it is being written."""
    from meetings.services import backups

    seen = []
    dump_rows = backups._dump_rows

    def watching(stream):
        seen.extend(oct(path.stat().st_mode & 0o777) for path in tmp_path.glob("*.zip*"))
        dump_rows(stream)

    monkeypatch.setattr(backups, "_dump_rows", watching)
    old = os.umask(0o022)  # a usual umask: files are world-readable unless made otherwise
    try:
        call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())
    finally:
        os.umask(old)
    assert seen == ["0o600"]  # the partial file, while rows are written
    assert oct((tmp_path / "site.zip").stat().st_mode & 0o777) == "0o600"


def test_the_archive_holds_no_invitation_link(site, tmp_path):
    committee = Committee.objects.get(slug="runtime")
    invitation = invite(committee, "nia@example.org", by=None)
    [message] = mail.outbox
    token = re.search(r"/accounts/invitation/([^/]+)/", message.body)[1]
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        assert token not in archive.read(DATA).decode()


KILLED_MID_RESTORE = """
import sys, time, django
django.setup()
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command

save = FileSystemStorage._save

def save_then_wait(self, name, content):
    saved = save(self, name, content)
    if name.startswith("uploads/"):
        open(sys.argv[2], "w").close()  # tell the test an uploaded file is written...
        time.sleep(600)  # ...and wait there to be killed
    return saved

FileSystemStorage._save = save_then_wait
call_command("restore", sys.argv[1])
"""


def test_a_restore_killed_mid_way_leaves_no_uploaded_file_behind(site, tmp_path):
    """kill -9 after the first upload is written: the next restore (of another archive) leaves only its own files."""
    default_storage.save("uploads/2026/12/second-token.png", ContentFile(PICTURE))
    call_command("backup", str(tmp_path / "with-uploads.zip"), stdout=io.StringIO())
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("backup", str(tmp_path / "without.zip"), stdout=io.StringIO())
    url, media = new_database_url(tmp_path), tmp_path / "new-media"
    env = {
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "pmc_minutes.settings",
        "PYTHONPATH": str(BASE_DIR),
        "PATH": "/usr/bin:/bin",
    }

    def manage(*command):
        run = [sys.executable, BASE_DIR / "manage.py", *command]
        return subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    try:
        assert manage("migrate", "--noinput").returncode == 0
        written = tmp_path / "an-upload-is-written"
        restoring = subprocess.Popen(
            [sys.executable, "-c", KILLED_MID_RESTORE, tmp_path / "with-uploads.zip", written],
            cwd=tmp_path,
            env=env,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while not written.exists() and restoring.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert written.exists(), restoring.stderr.read() if restoring.poll() is not None else "no upload written"
        os.kill(restoring.pid, signal.SIGKILL)
        restoring.wait(timeout=30)
        assert [path.name for path in media.rglob("*") if path.is_file()]  # the killed restore's upload, still there

        result = manage("restore", str(tmp_path / "without.zip"))

        assert result.returncode == 0, result.stderr
        assert "Restored" in result.stdout and "0 uploaded files." in result.stdout
        assert [path for path in media.rglob("*") if path.is_file()] == []  # nothing left of the killed restore
    finally:
        drop_database(url)
