"""The seed meeting read: cold renders in-process, and throughput under gunicorn against a static file."""

import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from weasyprint import HTML

from meetings.pdf import LocalFilesFetcher, minutes_html

from . import harness
from .data import SEED_URL
from .harness import RUNS, check, median_ms, note, timed, verdict

SEED_PDF = SEED_URL.rstrip("/") + ".pdf"
STATIC_COPY = "bench/seed-meeting.html"  # under STATIC_ROOT: the same bytes, served by WhiteNoise
LOAD_SECONDS = 5
LOAD_RUNS = 3


def cold_renders(meeting) -> None:
    """(b) The seed's page and PDF rendered with an empty cache; the PDF again from the cache."""
    client = Client()

    def cold(url: str):
        def request():
            cache.clear()
            response = client.get(url)
            check(response.status_code == 200, (url, response.status_code))

        return request

    client.get(SEED_URL), client.get(SEED_PDF)  # templates, fonts and connections loaded once
    page = timed(cold(SEED_URL), runs=max(RUNS, 10))
    verdict("seed page, cold (empty cache)", f"median {median_ms(page):.1f} ms", "< 30 ms", median_ms(page) < 30)

    # The PDF download and WeasyPrint alone on the same HTML, alternated so that both see the same machine.
    base = "http://testserver/"
    html = minutes_html(meeting)
    download, weasyprint = [], []

    def weasyprint_alone():
        HTML(string=html, base_url=base, url_fetcher=LocalFilesFetcher(base)).write_pdf()

    for _ in range(RUNS):
        download += timed(cold(SEED_PDF), runs=1)
        weasyprint += timed(weasyprint_alone, runs=1)
    ratio = statistics.median(download) / statistics.median(weasyprint)
    note(f"PDF download cold median {median_ms(download):.0f} ms; WeasyPrint alone {median_ms(weasyprint):.0f} ms")
    verdict("PDF cold / WeasyPrint's own time", f"{ratio:.2f}x", "<= 1.3x", ratio <= 1.3)

    client.get(SEED_PDF)
    warm = timed(lambda: client.get(SEED_PDF), runs=max(RUNS, 20))
    speedup = statistics.median(download) / statistics.median(warm)
    note(f"PDF download warm (cached) median {median_ms(warm):.2f} ms")
    verdict("PDF warm speed-up over cold", f"{speedup:.0f}x", ">= 50x", speedup >= 50)


def static_copy_of_seed_page(port_hint: str = "127.0.0.1") -> Path:
    """Write the seed page's bytes as a static file, before the server starts (WhiteNoise indexes at start-up)."""
    content = Client().get(SEED_URL, HTTP_HOST=port_hint).content
    path = Path(settings.STATIC_ROOT) / STATIC_COPY
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def throughput(env: dict) -> None:
    """(a) Requests/s of the seed page vs the same bytes as a static file, same server, alternated runs."""
    if harness.wrk_path() is None:
        verdict("meeting page throughput", "not measured: wrk missing", "", False)
        note("install wrk (Debian package `wrk`, `make bench` tries apt-get) to measure throughput")
        return
    size = static_copy_of_seed_page().stat().st_size
    with harness.gunicorn(env, workers=2) as base:
        page_url, static_url = base + SEED_URL, f"{base}/{settings.STATIC_URL.strip('/')}/{STATIC_COPY}"
        for url in (page_url, static_url):
            harness.wrk(url, 1)  # warm up: each worker renders and caches the page once
        pages, statics = [], []
        for _ in range(LOAD_RUNS):
            pages.append(harness.wrk(page_url, LOAD_SECONDS))
            statics.append(harness.wrk(static_url, LOAD_SECONDS))
            time.sleep(0.2)
    page_rate = statistics.median(load.requests_per_second for load in pages)
    static_rate = statistics.median(load.requests_per_second for load in statics)
    errors = sum(load.errors for load in pages + statics)
    note(
        f"gunicorn 2 workers, wrk 2 threads 8 connections, {LOAD_RUNS} x {LOAD_SECONDS} s each, {size} bytes; "
        f"non-2xx: {errors}"
    )
    note(
        f"seed page {page_rate:.0f} req/s (p99 {statistics.median(p.p99_ms for p in pages):.1f} ms); "
        f"static file {static_rate:.0f} req/s (p99 {statistics.median(s.p99_ms for s in statics):.1f} ms)"
    )
    ratio = page_rate / static_rate
    verdict("meeting page / static file requests/s", f"{ratio:.1%} ({page_rate:.0f}/{static_rate:.0f})", ">= 50%",
            ratio >= 0.5 and errors == 0)  # fmt: skip
