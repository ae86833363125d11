"""Hostile minutes cannot keep the server typesetting: a failed PDF is remembered, and renders are few at once.

A failure is remembered per version of the minutes, so readers looping on a
failing PDF cost one render, not one each; an amendment gives a new version,
tried again. Past PMC_PDF_MAX_CONCURRENT renders a reader is told to come back
at once, never queued; and the renderer's memory is capped.
"""

import multiprocessing
import os
import runpy
import threading
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.core.cache import cache, caches

from meetings import pdf
from meetings.pdf import PdfFailed, html_to_pdf
from meetings.services.editing import save_report
from tests.support.builders import make_user
from tests.support.html_tree import parse_html

PDF = "/runtime/2018-06-12.pdf"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def own_slots(settings, tmp_path):
    """Slots of this test alone: not shared with other test runs on this machine."""
    settings.PMC_PDF_SLOTS_DIR = str(tmp_path / "slots")


@pytest.fixture
def attempts():
    """Counts the attempts to typeset, whichever process they then run in."""
    with mock.patch.object(pdf, "html_to_pdf", wraps=pdf.html_to_pdf) as spy:
        yield spy


@pytest.fixture
def failing_renderer(monkeypatch):
    """WeasyPrint fails in the child, as it does on a hostile table."""
    monkeypatch.setattr(pdf, "_warmed_up", True)

    def fail(html, base_url):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pdf, "_write_pdf", fail)


@pytest.fixture
def hung_renderer(monkeypatch, settings):
    settings.PMC_PDF_TIMEOUT_SECONDS = 0.5
    monkeypatch.setattr(pdf, "_warmed_up", True)
    monkeypatch.setattr(pdf, "_write_pdf", lambda html, base_url: time.sleep(60))


def reason(response) -> str:
    return parse_html(response.content.decode()).find(class_="pdf-unavailable-reason").text


def amend(meeting) -> None:
    report = meeting.reports.get(team__slug="diego")
    assert save_report(report, body="- Amended after the PDF failed", expected_version=report.version)


class TestFailuresAreRemembered:
    def test_a_failed_pdf_is_not_typeset_again_for_the_same_minutes(
        self, seed_meeting, client, failing_renderer, attempts
    ):
        first = client.get(PDF)
        second = client.get(PDF)
        assert attempts.call_count == 1
        assert first.status_code == second.status_code == 503
        assert "RecursionError" in reason(second)
        assert "Retry-After" not in second, "the same minutes would fail the same way"
        assert "no-store" in second["Cache-Control"]
        page = parse_html(second.content.decode())
        assert page.find("a", href=seed_meeting.get_absolute_url()) is not None
        assert page.find("a", href=seed_meeting.get_markdown_url()) is not None

    def test_readers_asking_again_do_not_fill_the_error_log(self, seed_meeting, client, failing_renderer, caplog):
        for _ in range(5):
            assert client.get(PDF).status_code == 503
        failures = [record for record in caplog.records if record.levelname in ("WARNING", "ERROR")]
        assert len(failures) == 1, [record.getMessage() for record in failures]
        assert failures[0].name == "meetings.pdf"

    def test_amended_minutes_are_typeset_again(self, seed_meeting, client, failing_renderer, attempts, monkeypatch):
        client.get(PDF), client.get(PDF)
        assert attempts.call_count == 1
        amend(seed_meeting)
        monkeypatch.undo()  # the renderer works again
        response = client.get(PDF)
        assert attempts.call_count == 2
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")

    def test_a_timeout_is_remembered_and_says_when_to_retry(self, seed_meeting, client, hung_renderer, attempts):
        first, second = client.get(PDF), client.get(PDF)
        assert attempts.call_count == 1
        assert second.status_code == 503
        assert "longer than 0.5 seconds" in reason(second)
        assert 0 < int(second["Retry-After"]) <= int(first["Retry-After"])
        assert multiprocessing.active_children() == []

    def test_a_draft_that_failed_is_remembered_too(self, seed_meeting, client, failing_renderer, attempts):
        chair = make_user("pdf-chair")
        seed_meeting.committee.chairs.add(chair)
        seed_meeting.unpublish()
        client.force_login(chair)
        assert client.get(PDF).status_code == client.get(PDF).status_code == 503
        assert attempts.call_count == 1


class TestRendersAreFewAtOnce:
    def test_defaults(self, settings):
        assert settings.PMC_PDF_MAX_CONCURRENT >= 1
        assert settings.PMC_PDF_MAX_MEMORY_MB == 1024

    def test_with_every_slot_taken_a_reader_is_told_to_come_back_at_once(self, seed_meeting, client, settings):
        settings.PMC_PDF_MAX_CONCURRENT = 2
        slots = pdf.render_slots()
        held = [slots.acquire() for _ in range(2)]
        assert None not in held
        try:
            with mock.patch.object(pdf, "_write_pdf_in_child", side_effect=AssertionError("typeset while busy")):
                response = client.get(PDF)
        finally:
            for token in held:
                slots.release(token)
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        page = parse_html(response.content.decode())
        assert page.find("a", href=seed_meeting.get_absolute_url()) is not None
        assert page.find("a", href=seed_meeting.get_markdown_url()) is not None

    def test_past_the_limit_a_reader_is_refused_before_the_minutes_html_is_built(self, seed_meeting, client):
        slots = pdf.render_slots()
        held = [slots.acquire() for _ in range(slots.count)]
        try:
            with mock.patch.object(pdf, "minutes_html", side_effect=AssertionError("built while busy")):
                response = client.get(PDF)
        finally:
            for token in held:
                slots.release(token)
        assert response.status_code == 503

    def test_one_render_takes_one_slot(self, seed_meeting, client, settings):
        settings.PMC_PDF_MAX_CONCURRENT = 1  # render_pdf takes it, and html_to_pdf within it asks again

        assert client.get(PDF).status_code == 200

    def test_the_renderer_runs_below_the_web_workers_on_the_cpu(self, monkeypatch):
        monkeypatch.setattr(pdf, "warm_up", lambda: None)
        monkeypatch.setattr(pdf, "_write_pdf", lambda html, base_url: str(os.nice(0)).encode())

        niceness = int(html_to_pdf("<p>any</p>"))

        assert niceness == min(19, os.nice(0) + pdf.RENDERER_NICENESS)

    def test_a_busy_server_is_not_remembered_as_a_failure(self, seed_meeting, client):
        slots = pdf.render_slots()
        held = [slots.acquire() for _ in range(slots.count)]
        try:
            assert client.get(PDF).status_code == 503
        finally:
            for token in held:
                slots.release(token)
        assert client.get(PDF).status_code == 200

    def test_slots_are_shared_with_other_processes_and_freed_when_one_dies(self, settings):
        settings.PMC_PDF_MAX_CONCURRENT = 1
        context = multiprocessing.get_context("fork")
        holding, stop = context.Event(), context.Event()

        def hold():
            assert pdf.render_slots().acquire() is not None
            holding.set()
            stop.wait(30)

        other = context.Process(target=hold, daemon=True)
        other.start()
        try:
            assert holding.wait(10)
            assert pdf.render_slots().acquire() is None
        finally:
            other.kill()  # a worker that dies without releasing its slot
            other.join()
        token = pdf.render_slots().acquire()
        assert token is not None
        pdf.render_slots().release(token)

    def test_a_zero_limit_means_no_limit(self, settings):
        settings.PMC_PDF_MAX_CONCURRENT = 1
        slots = pdf.render_slots()
        token = slots.acquire()
        try:
            settings.PMC_PDF_MAX_CONCURRENT = 0
            assert html_to_pdf("<p>unlimited</p>").startswith(b"%PDF-")
        finally:
            slots.release(token)


class TestABurst:
    def test_a_burst_past_the_limit_is_told_to_come_back_at_once_while_the_first_renders_finish(
        self, settings, monkeypatch
    ):
        settings.PMC_PDF_MAX_CONCURRENT = 2
        gate = threading.Event()

        def slow_render(html, base_url, timeout):
            assert gate.wait(30), "the renders in progress were never let finish"
            return b"%PDF- " + html.encode()

        monkeypatch.setattr(pdf, "_write_pdf_in_child", slow_render)
        outcomes, busy = {}, threading.Semaphore(0)

        def reader(n):
            try:
                outcomes[n] = html_to_pdf(f"<p>minutes {n}</p>")
            except pdf.PdfBusy as error:
                outcomes[n] = error
                busy.release()

        readers = [threading.Thread(target=reader, args=(n,)) for n in range(10)]
        for thread in readers:
            thread.start()
        for _ in range(8):  # every reader past the limit answers while two renders are still running
            assert busy.acquire(timeout=30), "a reader past the limit waited instead of being told to come back"
        gate.set()
        for thread in readers:
            thread.join(30)

        assert not any(thread.is_alive() for thread in readers)
        made = [n for n, outcome in outcomes.items() if isinstance(outcome, bytes)]
        refused = [outcome for outcome in outcomes.values() if isinstance(outcome, pdf.PdfBusy)]
        assert len(made) == 2 and len(refused) == 8
        assert all(error.retry_after == pdf.BUSY_RETRY_SECONDS for error in refused)
        assert html_to_pdf("<p>after the burst</p>").startswith(b"%PDF-"), "the slots are free again"


REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.fixture
def shared_cache(settings):
    """The cache of several app servers: Redis (skipped where none runs), under a prefix of this test's own."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield caches["default"]
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


class TestSlotsSharedByEveryServer:
    def test_with_redis_the_slots_are_counted_across_servers(self, shared_cache, settings):
        settings.PMC_PDF_MAX_CONCURRENT = 2
        context = multiprocessing.get_context("fork")
        holding, stop = context.Event(), context.Event()

        def another_server():
            slots = pdf.render_slots()
            token = slots.acquire()
            assert token is not None
            holding.set()
            stop.wait(30)
            slots.release(token)

        other = context.Process(target=another_server, daemon=True)
        other.start()
        try:
            assert holding.wait(10)
            slots = pdf.render_slots()
            assert isinstance(slots, pdf.SharedRenderSlots)
            mine = slots.acquire()
            assert mine is not None
            assert slots.acquire() is None, "two renders at once across the servers, not two each"
            slots.release(mine)
        finally:
            stop.set()
            other.join(10)
        tokens = [pdf.render_slots().acquire() for _ in range(2)]
        assert None not in tokens, "the other server released its slot"
        for token in tokens:
            pdf.render_slots().release(token)

    def test_a_slot_is_leased_so_that_a_dead_servers_slot_frees_itself(self, shared_cache, settings):
        settings.PMC_PDF_MAX_CONCURRENT = 1
        settings.PMC_PDF_TIMEOUT_SECONDS = 20
        key, _ = pdf.render_slots().acquire()  # never released: its server died

        ttl = redis.Redis.from_url(REDIS_URL).ttl(shared_cache.make_and_validate_key(key))
        assert 20 < ttl <= 50

    def test_a_slot_whose_lease_ran_out_is_not_released_by_its_old_holder(self, shared_cache, settings):
        settings.PMC_PDF_MAX_CONCURRENT = 1
        slots = pdf.render_slots()
        late = slots.acquire()
        shared_cache.delete(late[0])  # the lease ran out
        current = slots.acquire()

        slots.release(late)

        assert slots.acquire() is None, "the current holder still has its slot"
        slots.release(current)

    def test_readers_past_the_shared_limit_get_503_with_retry_after(self, shared_cache, settings, seed_meeting, client):
        settings.PMC_PDF_MAX_CONCURRENT = 1
        held = pdf.render_slots().acquire()  # another server is typesetting
        try:
            response = client.get(PDF)
        finally:
            pdf.render_slots().release(held)

        assert response.status_code == 503
        assert response["Retry-After"] == str(pdf.BUSY_RETRY_SECONDS)
        assert parse_html(response.content.decode()).find("a", href=seed_meeting.get_absolute_url()) is not None
        assert client.get(PDF).status_code == 200


class TestRendererMemory:
    def test_a_renderer_that_needs_too_much_memory_fails_alone(self, settings, monkeypatch):
        default = settings.PMC_PDF_MAX_MEMORY_MB
        settings.PMC_PDF_MAX_MEMORY_MB = 64
        monkeypatch.setattr(pdf, "_warmed_up", True)
        monkeypatch.setattr(pdf, "_write_pdf", lambda html, base_url: bytes(bytearray(512 * 2**20)))
        with pytest.raises(PdfFailed, match="more than 64 MB of memory"):
            html_to_pdf("<p>a hostile table</p>")
        assert multiprocessing.active_children() == []
        monkeypatch.undo()
        settings.PMC_PDF_MAX_MEMORY_MB = default
        assert html_to_pdf("<p>an ordinary report</p>").startswith(b"%PDF-"), "the default leaves room to typeset"

    def test_a_page_whose_pdf_needs_too_much_memory_gets_a_503_and_the_server_keeps_serving(
        self, settings, monkeypatch, seed_meeting, client
    ):
        settings.PMC_PDF_MAX_MEMORY_MB = 64
        monkeypatch.setattr(pdf, "_warmed_up", True)
        monkeypatch.setattr(pdf, "_write_pdf", lambda html, base_url: bytes(bytearray(512 * 2**20)))

        response = client.get(PDF)

        assert response.status_code == 503
        assert "64 MB" in reason(response)
        assert client.get(seed_meeting.get_absolute_url()).status_code == 200
        assert client.get(seed_meeting.get_markdown_url()).status_code == 200


def test_gunicorn_recycles_its_workers(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == "0.0.0.0:8123"
    assert config["workers"] == 2
    assert config["max_requests"] == 1000 and config["max_requests_jitter"] == 100
    assert config["timeout"] > 20  # longer than a PDF may take (PMC_PDF_TIMEOUT_SECONDS)
