"""The PDF renderer reads nothing but the app's own files, and cannot be kept busy forever.

A spy HTTP server on 127.0.0.1 records every request: hostile minutes must
not make the renderer call it. Pathological minutes end in a clear 503 page
within the time limit, never a hung worker.
"""

import io
import multiprocessing
import os
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from pypdf import PdfReader

from meetings import pdf
from meetings.pdf import (
    LocalFilesFetcher,
    NotFetched,
    PdfFailed,
    PdfTooLarge,
    html_to_pdf,
    minutes_html,
    render_pdf,
)
from tests.support.html_tree import parse_html

SEED_PDF_URL = "/runtime/2018-06-12.pdf"


def png_bytes(size=(40, 20), colour=(200, 30, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, "PNG")
    return output.getvalue()


class _RecordingHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits.append(self.path)
        body = png_bytes() if self.path.endswith(".png") else b"body { background: red }"
        self.send_response(200)
        self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def spy_server():
    """An HTTP server on a free local port that records the path of every request it gets."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
    server.hits = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def set_body(meeting, team_slug: str, body: str) -> None:
    report = meeting.reports.get(team__slug=team_slug)
    report.body = body
    report.save()


def pdf_images(data: bytes) -> int:
    """Images placed on the pages (one shared image counts once per page)."""
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def hostile_html(server_url: str) -> str:
    """Straight to the renderer, past the sanitiser: every way HTML and CSS can make it fetch a URL."""
    return f"""<!DOCTYPE html><html><head>
<link rel="stylesheet" href="{server_url}/linked.css">
<link rel="stylesheet" href="file:///etc/passwd">
<style>
@import url("{server_url}/imported.css");
@import "file:///etc/passwd";
@font-face {{ font-family: spy; src: url("{server_url}/font.woff") }}
body {{ background: url("{server_url}/background.png"); font-family: spy }}
li {{ list-style-image: url("{server_url}/bullet.png") }}
</style></head><body>
<p>Hostile document</p>
<img src="{server_url}/img.png"><img src="file:///etc/passwd"><img src="file:///etc/hostname">
<object data="{server_url}/object.png"></object><embed src="{server_url}/embed.png">
<ul><li>x</li></ul>
<svg xmlns="http://www.w3.org/2000/svg"><image href="{server_url}/svg.png" width="10" height="10"/></svg>
</body></html>"""


class TestTheSpy:
    def test_the_spy_server_records_requests(self, spy_server):
        """The control: without our fetcher, a request does reach it (else 'no hits' would prove nothing)."""
        urllib.request.urlopen(spy_server.url + "/probe.png", timeout=5).read()  # noqa: S310 (a local test server)
        assert spy_server.hits == ["/probe.png"]

    def test_weasyprints_default_fetcher_would_call_it(self, spy_server):
        from weasyprint import HTML

        HTML(string=f'<img src="{spy_server.url}/img.png">').write_pdf()
        assert spy_server.hits == ["/img.png"]


class TestNoExternalResources:
    def test_remote_image_in_a_report_is_not_fetched(self, seed_meeting, client, spy_server):
        set_body(seed_meeting, "cli", f'Chart: <img src="{spy_server.url}/x.png">\n\n![y]({spy_server.url}/y.png)')
        page = parse_html(client.get(seed_meeting.get_absolute_url()).content.decode())
        assert page.by_id("cli").find("img") is not None, "the sanitiser keeps http images; the PDF must not load them"
        response = client.get(SEED_PDF_URL)
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF-")
        assert spy_server.hits == []
        assert pdf_images(response.content) == 0

    def test_file_urls_in_a_report_are_not_read(self, seed_meeting, client):
        set_body(seed_meeting, "cli", '![x](file:///etc/passwd)\n\n<img src="file:///etc/hostname">\n\nafter')
        response = client.get(SEED_PDF_URL)
        assert response.status_code == 200
        assert pdf_images(response.content) == 0
        assert "root:" not in pdf_text(response.content)
        assert "after" in pdf_text(response.content)

    def test_css_in_a_report_fetches_nothing(self, seed_meeting, client, spy_server):
        set_body(
            seed_meeting,
            "cli",
            f"<style>@import url('{spy_server.url}/a.css');\n"
            f"body {{ background: url({spy_server.url}/b.png) }}</style>\n\n"
            f'<link rel="stylesheet" href="{spy_server.url}/c.css">\n\n'
            f'<div style="background: url({spy_server.url}/d.png)">styled</div>',
        )
        response = client.get(SEED_PDF_URL)
        assert response.status_code == 200
        assert spy_server.hits == []

    def test_hostile_html_straight_to_the_renderer_fetches_nothing(self, spy_server):
        """Even without the sanitiser in front, the fetcher refuses: network, other files, other schemes."""
        data = html_to_pdf(hostile_html(spy_server.url))
        assert data.startswith(b"%PDF-")
        assert spy_server.hits == []
        assert pdf_images(data) == 0
        assert "root:" not in pdf_text(data)
        assert "Hostile document" in pdf_text(data)

    def test_the_fetcher_refuses_the_local_server_and_other_schemes(self, spy_server):
        urls = [
            f"{spy_server.url}/x.png",
            f"{spy_server.url.replace('http:', 'https:')}/x.png",
            "file:///etc/passwd",
            f"file://{pdf.__file__}",  # a real file of the app, but not a static or media one
            "ftp://127.0.0.1/x",
            "data:image/png;base64,iVBORw0KGgo=",
            "gopher://127.0.0.1/",
        ]
        for url in urls:
            with pytest.raises(NotFetched):
                LocalFilesFetcher().fetch(url)
        assert spy_server.hits == []

    def test_own_media_images_are_embedded(self, seed_meeting, client, settings, tmp_path):
        """The control: the same check finds an image when it is the app's own upload."""
        settings.MEDIA_ROOT = tmp_path
        (tmp_path / "uploads").mkdir()
        (tmp_path / "uploads" / "chart.png").write_bytes(png_bytes())
        set_body(seed_meeting, "cli", "![chart](/media/uploads/chart.png)")
        response = client.get(SEED_PDF_URL)
        assert pdf_images(response.content) >= 1


TABLE_ROWS = "| team | state | link |\n|---|---|---|\n" + "".join(
    f"| row {i} | **done** | [story](https://example.org/{i}) |\n" for i in range(5000)
)
# 200 lines of 50 nested lists each: 10,000 list items, 9,800 lists, in 22 kB of Markdown.
DEEP_LIST = "".join("- " * 50 + f"item {line}\n" for line in range(200))


class TestBoundedRendering:
    def test_defaults(self, settings):
        assert settings.PMC_PDF_MAX_SOURCE_BYTES == 2 * 1024 * 1024
        assert settings.PMC_PDF_TIMEOUT_SECONDS == 20

    def test_too_large_a_source_is_refused_with_a_clear_page(self, seed_meeting, client, settings):
        settings.PMC_PDF_MAX_SOURCE_BYTES = 10_000  # the seed's HTML is about 16 kB
        with pytest.raises(PdfTooLarge, match="too long to typeset"):
            render_pdf(seed_meeting)
        response = client.get(SEED_PDF_URL)
        assert response.status_code == 503
        page = parse_html(response.content.decode())
        assert "too long to typeset" in page.find(class_="pdf-unavailable-reason").text
        assert page.find("a", href=seed_meeting.get_markdown_url()) is not None

    def test_a_hung_renderer_is_killed_at_the_time_limit(self, seed_meeting, client, settings, monkeypatch):
        settings.PMC_PDF_TIMEOUT_SECONDS = 0.5
        monkeypatch.setattr(pdf, "_warmed_up", True)
        monkeypatch.setattr(pdf, "_write_pdf", lambda html, base_url: time.sleep(60))  # runs in the child
        started = time.monotonic()
        response = client.get(SEED_PDF_URL)
        assert time.monotonic() - started < 5
        assert response.status_code == 503
        page = parse_html(response.content.decode())
        assert "longer than 0.5 seconds" in page.find(class_="pdf-unavailable-reason").text
        assert page.find("a", href=seed_meeting.get_markdown_url()) is not None
        assert multiprocessing.active_children() == [], "the renderer's process is still running"

    def test_a_renderer_that_dies_gives_the_error_page(self, seed_meeting, client, monkeypatch):
        monkeypatch.setattr(pdf, "_warmed_up", True)
        monkeypatch.setattr(pdf, "_write_pdf", lambda html, base_url: os._exit(3))
        with pytest.raises(PdfFailed):
            render_pdf(seed_meeting)
        assert client.get(SEED_PDF_URL).status_code == 503

    def test_a_renderer_error_gives_the_error_page(self, seed_meeting, monkeypatch):
        monkeypatch.setattr(pdf, "_warmed_up", True)

        def fail(html, base_url):
            raise RecursionError("maximum recursion depth exceeded")

        monkeypatch.setattr(pdf, "_write_pdf", fail)
        with pytest.raises(PdfFailed, match="RecursionError"):
            render_pdf(seed_meeting)

    @pytest.mark.parametrize("body", [TABLE_ROWS, DEEP_LIST], ids=["5000-row table", "10000 nested list items"])
    def test_pathological_minutes_render_or_fail_within_the_limit(self, seed_meeting, client, settings, body):
        settings.PMC_PDF_TIMEOUT_SECONDS = 3
        set_body(seed_meeting, "cli", body)
        started = time.monotonic()
        minutes_html(seed_meeting)
        building = time.monotonic() - started  # the HTML comes first, outside the limit
        started = time.monotonic()
        response = client.get(SEED_PDF_URL)
        elapsed = time.monotonic() - started
        assert elapsed < 2 * building + 3 + 2, f"took {elapsed:.1f} s"
        if response.status_code == 200:
            assert response.content.startswith(b"%PDF-")
        else:
            assert response.status_code == 503
            assert b"longer than 3 seconds" in response.content
        assert multiprocessing.active_children() == []

    def test_the_seed_still_renders_in_a_child_process(self, seed_meeting, settings):
        assert settings.PMC_PDF_TIMEOUT_SECONDS > 0
        assert "Runtime PMC Meeting 2018-06-12" in " ".join(pdf_text(render_pdf(seed_meeting)).split())
        assert multiprocessing.active_children() == []

    def test_a_zero_limit_renders_in_process(self, seed_meeting, settings, monkeypatch):
        settings.PMC_PDF_TIMEOUT_SECONDS = 0
        monkeypatch.setattr(pdf, "_write_pdf_in_child", None)  # would raise if it were called
        assert render_pdf(seed_meeting).startswith(b"%PDF-")
