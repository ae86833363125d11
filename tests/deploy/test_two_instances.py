"""Several app servers, one truth: two gunicorn instances on one PostgreSQL database and one Redis.

A save through instance A is what instance B serves next (page, PDF, .md,
feed, ETag), a sign-in on A holds on B, and the sign-in lockout counts
failures on both. PostgreSQL only (SQLite's file is no shared server); Redis
is a redis-server of the test's own on a free port (Debian's `redis-server`;
without it the test is skipped, or fails under CI).
"""

import io
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import global_settings
from django.db import connection
from pypdf import PdfReader

from meetings.models import BacklogReport
from tests.support.builders import import_seed, make_committee, make_team, make_user
from tests.support.redis_server import free_port, redis_server

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET_KEY = "two-instances-test-key-" + "x" * 40  # one key for both, as in production


def wait_for(ready, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as (url, _):
        yield url


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "pmc_minutes.wsgi",
        "--workers=1",
        f"--bind=127.0.0.1:{port}",
    ]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=output)
        base = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            try:
                return urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200  # noqa: S310 (local)
            except OSError:
                return False

        try:
            wait_for(ready, server, f"gunicorn ({log.read_text()})")
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


class Browser:
    """One person's browser: cookies kept (for 127.0.0.1, whichever port), redirects not followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect)

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 (local)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def form(self, url: str, fields: dict) -> tuple[int, bytes]:
        """Load the form's page (for the CSRF token), then post it; the status and body of the answer."""
        status, _, page = self.request(url)
        assert status == 200, (url, status)
        status, _, body = self.request(url, {**fields, "csrfmiddlewaretoken": self.csrf()})
        return status, body, page

    def sign_in(self, base: str, username: str, password: str) -> int:
        return self.form(f"{base}/accounts/login/", {"username": username, "password": password})[0]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the two-instance test runs on PostgreSQL only (set DATABASE_URL); SQLite is one process's file")


@pytest.fixture
def instances(redis_url, tmp_path) -> Iterator[tuple[str, str]]:
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "pmc_minutes.settings",
        "DEBUG": "1",  # plain HTTP on 127.0.0.1; everything shared is as in production
        "SECRET_KEY": SECRET_KEY,
        # The test database pytest-django made, holding this test's committed rows.
        "DATABASE_URL": f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PMC_PDF_SLOTS_DIR": str(tmp_path / "pdf-slots"),
    }
    with gunicorn(env, tmp_path / "a.log") as a, gunicorn(env, tmp_path / "b.log") as b:
        yield a, b


@pytest.fixture
def site(settings):
    """The seed meeting, published, with a chair and a lead whose passwords the servers can check."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the servers know only the real hashers
    committee = make_committee("Runtime")
    committee.chairs.add(make_user("chair"))
    make_team(committee, "Elsewhere", leads=[make_user("lead")])
    meeting = import_seed()
    return meeting


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_a_save_on_one_instance_is_what_the_other_serves_next(instances, site):
    a, b = instances
    page, md, pdf, feed = (
        site.get_absolute_url(),
        site.get_absolute_url().rstrip("/") + ".md",
        site.get_absolute_url().rstrip("/") + ".pdf",
        f"/{site.committee.slug}/feed/",
    )
    reader = Browser()
    # B renders and caches everything first (in the shared Redis), and its ETag holds on A too.
    before = {url: reader.request(b + url) for url in (page, md, pdf, feed)}
    assert {url: status for url, (status, _, _) in before.items()} == dict.fromkeys((page, md, pdf, feed), 200)
    etag = before[page][1]["ETag"]
    assert reader.request(a + page, headers={"If-None-Match": etag})[0] == 304

    chair = Browser()
    assert chair.sign_in(a, "chair", "pw-chair") == 302
    report = BacklogReport.objects.filter(meeting=site).select_related("team").order_by("position").first()
    edit = f"{site.get_absolute_url()}reports/{report.team.slug}/edit/"
    version = re.search(rb'name="version" value="(\d+)"', chair.request(a + edit)[2]).group(1).decode()
    marker = "Coherence marker 7f3a: saved through instance A."
    status, _, _ = chair.form(a + edit, {"body": marker, "version": version, "reason": "Two-instance test"})
    assert status == 302

    status, headers, html = reader.request(b + page, headers={"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    assert marker in html.decode()
    assert marker in reader.request(b + md)[2].decode()
    assert marker in pdf_text(reader.request(b + pdf)[2])
    status, _, atom = reader.request(b + feed)
    assert status == 200 and atom != before[feed][2]
    assert "(amended)" in atom.decode()


def test_a_sign_in_on_one_instance_holds_on_the_other(instances, site):
    a, b = instances
    chair = Browser()
    roster = f"/{site.committee.slug}/roster/"
    assert chair.request(b + roster)[0] == 302  # anonymous: sent to sign in
    assert chair.sign_in(a, "chair", "pw-chair") == 302
    status, _, body = chair.request(b + roster)
    assert status == 200 and b'action="/accounts/logout/"' in body
    # Signing out on B ends the session on A too.
    chair.request(b + "/accounts/logout/", {"csrfmiddlewaretoken": chair.csrf()})
    assert chair.request(a + roster)[0] == 302


def test_the_sign_in_lockout_counts_failures_on_both_instances(instances, site, settings):
    a, b = instances
    attacker = Browser()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        status = attacker.sign_in((a, b)[attempt % 2], "lead", "not-the-password")
        assert status in {200, 429}
    assert attacker.sign_in(a, "lead", "pw-lead") == 429
    assert attacker.sign_in(b, "lead", "pw-lead") == 429
    # Another account from the same address is not locked out.
    assert Browser().sign_in(b, "chair", "pw-chair") == 302


def test_the_password_reset_limit_is_counted_on_both_instances(instances, site, settings):
    """Counted in the shared Redis: alternating between the servers gains no extra requests."""
    a, b = instances
    visitor = Browser()
    for attempt in range(settings.PASSWORD_RESET_LIMIT):
        status, _, _ = visitor.form(f"{(a, b)[attempt % 2]}/accounts/password_reset/", {"email": "x@example.org"})
        assert status == 302, attempt
    for base in (a, b):
        status, _, _ = visitor.form(f"{base}/accounts/password_reset/", {"email": "x@example.org"})
        assert status == 429
