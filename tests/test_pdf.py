"""The minutes as PDF: every team in it, the configured page size, live links, and a fetcher that reads nothing else."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader

from meetings.demo import SEED
from meetings.format.actions import ActionLine
from meetings.format.choices import Horizon
from meetings.format.outline import text_to_entries
from meetings.models import ActionItem, Outcome
from meetings.pdf import DEFAULT_BASE_URL, LocalFilesFetcher, NotFetched, render_pdf
from meetings.services.actions import record_action, record_outcome
from meetings.services.scheduling import create_meeting
from tests.support.bucket import BUCKET_URL, BucketStorage
from tests.support.pages import pdf_text

SEED_PDF_URL = "/runtime/2018-06-12.pdf"
SEED_TEAMS = re.findall(r"^### (.+?) - (.+?)\s*$", SEED.read_text(encoding="utf-8"), re.MULTILINE)
# Width and height of the media box, in points.
PAGE_SIZES = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}


def surnames(leads: str) -> list[str]:
    return [name.split()[-1] for name in re.split(r"/|,| and ", leads) if name.strip()]


def link_uris(reader: PdfReader) -> set[str]:
    uris = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/A" in annotation:
                uri = annotation["/A"].get_object().get("/URI")
                if uri:
                    uris.add(str(uri))
    return uris


@pytest.fixture
def seed_pdf(seed_meeting, client):
    response = client.get(SEED_PDF_URL)
    assert response.status_code == 200
    return response


def test_seed_pdf_has_every_team_and_lead(seed_pdf):
    assert seed_pdf["Content-Type"] == "application/pdf"
    assert seed_pdf["Content-Disposition"] == 'inline; filename="2018-06-12-runtime.pdf"'
    assert seed_pdf.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(seed_pdf.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Runtime PMC Meeting 2018-06-12" in text
    assert len(SEED_TEAMS) == 19
    missing_teams = [name for name, _ in SEED_TEAMS if name not in text]
    missing_leads = [surname for _, leads in SEED_TEAMS for surname in surnames(leads) if surname not in text]
    assert (missing_teams, missing_leads) == ([], [])
    assert "Above are plans, not commitments, and may change without notice." in text


def test_seed_pdf_keeps_links_as_link_annotations(seed_pdf):
    uris = link_uris(PdfReader(io.BytesIO(seed_pdf.content)))
    assert "https://www.pivotaltracker.com/story/show/151465691" in uris
    assert any(uri.startswith("https://docs.google.com/document/d/1KLl4UIQbl92SvYom4fO") for uri in uris)


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_page_size_follows_the_setting(draft, settings, size):
    settings.PMC_PDF_PAGE_SIZE = size
    reader = PdfReader(io.BytesIO(render_pdf(draft)))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(PAGE_SIZES[size], abs=0.5)


def test_an_unknown_page_size_is_a_configuration_error(draft, settings):
    settings.PMC_PDF_PAGE_SIZE = "A4; } body { display: none"
    with pytest.raises(ImproperlyConfigured, match="PMC_PDF_PAGE_SIZE"):
        render_pdf(draft)


class TestLocalFilesFetcher:
    def test_serves_the_print_stylesheet(self):
        response = LocalFilesFetcher().fetch(DEFAULT_BASE_URL + "static/css/print.css")
        assert response.content_type == "text/css"
        assert b"@page" in response.read()

    def test_serves_it_from_the_sites_own_origin(self):
        response = LocalFilesFetcher("http://testserver/").fetch("http://testserver/static/css/print.css")
        assert b"@page" in response.read()

    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "http://example.org/static/css/print.css",
            "http://pmc-minutes.invalid/static/css/print.css",  # same host, other scheme
            "https://pmc-minutes.invalid.example.org/static/css/print.css",
            "https://user@pmc-minutes.invalid/static/css/print.css",
            "https://pmc-minutes.invalid/etc/passwd",
            "https://pmc-minutes.invalid/static/../../../../etc/passwd",
            "https://pmc-minutes.invalid/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "https://pmc-minutes.invalid/media/../../../../etc/passwd",
            "https://pmc-minutes.invalid/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "https://pmc-minutes.invalid/static/css/",
            "https://pmc-minutes.invalid/static/nothing-here.css",
            "data:text/css,body{}",
        ],
    )
    def test_refuses_everything_else(self, url):
        with pytest.raises(NotFetched):
            LocalFilesFetcher().fetch(url)

    def test_serves_uploaded_media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        (tmp_path / "uploads").mkdir()
        (tmp_path / "uploads" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        response = LocalFilesFetcher().fetch(DEFAULT_BASE_URL + "media/uploads/chart.png")
        assert response.content_type == "image/png"
        assert response.read().startswith(b"\x89PNG")


def test_the_pdf_names_its_publication_date_and_its_page(seed_meeting, seed_pdf):
    text = pdf_text(seed_pdf)
    # The seed is a file imported without its history: when it was first published, no one here knows.
    assert f"Published before its import on {seed_meeting.imported_at:%-d %B %Y}" in text
    url = "http://testserver/runtime/2018-06-12/"
    assert url in text
    assert url in link_uris(PdfReader(io.BytesIO(seed_pdf.content)))
    # In every page's footer too, so that a printed page says where it came from.
    reader = PdfReader(io.BytesIO(seed_pdf.content))
    assert all(url in page.extract_text() for page in reader.pages)


def test_the_pdf_is_tagged_for_assistive_technology(seed_pdf):
    reader = PdfReader(io.BytesIO(seed_pdf.content))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).startswith("en")


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_the_pdf_uses_the_pages_typefaces(seed_pdf):
    site, print_ = (Path(settings.BASE_DIR, "static/css", name).read_text() for name in ("site.css", "print.css"))
    stacks = [dict(re.findall(r"--(sans|mono): ([^;]+);", css)) for css in (site, print_)]
    assert stacks[0] == stacks[1] and set(stacks[0]) == {"sans", "mono"}
    assert "serif" not in re.sub(r"sans-serif", "", site + print_)  # one family of letters, as on GitHub
    families = [name.strip().strip('"').replace(" ", "-") for name in stacks[0]["sans"].split(",")]
    used = fonts_of(PdfReader(io.BytesIO(seed_pdf.content)))
    # The PDF's fonts are the first of the page's stack that the server has (web fonts are never fetched).
    assert used and all(any(name.startswith(family) for family in families) for name in used if "Mono" not in name)


def first_page_fill(pdf: bytes) -> float:
    """How far down page 1's text area (print.css: margins of 22 and 20 mm) its last line of text ends, 0 to 1."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    # WeasyPrint's text matrices are in CSS pixels from the top of the page (its content stream scales them).
    height = float(page.mediabox.height) / 0.75
    top, bottom = 22 * 96 / 25.4, height - 20 * 96 / 25.4
    lines = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: text.strip() and lines.append(tm[5]))
    in_body = [y for y in lines if top < y < bottom]  # not the running header and footer
    return (max(in_body) - top) / (bottom - top)


def test_page_one_is_filled_even_when_a_long_roadmap_follows(draft):
    label = Horizon.choices[0][1]
    # A horizon longer than what is left of page 1, shorter than a page: kept whole, it went to page 2.
    draft.set_roadmap(text_to_entries(f"## {label}\n" + "".join(f"- Promise {n} of a long list\n" for n in range(35))))

    assert first_page_fill(render_pdf(draft)) > 0.9


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def pdf_images(data: bytes) -> int:
    """Images on the pages (one picture counts once per page whose resources hold it)."""
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def bucket(settings):
    """The media storage is a bucket elsewhere (S3 in production): pictures at its address, not under /media/."""
    BucketStorage.empty()
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.support.bucket.BucketStorage"}}
    yield default_storage
    BucketStorage.empty()


class TestPicturesFromTheMediaStorage:
    def test_a_picture_uploaded_to_the_bucket_is_in_the_pdf(self, seed_meeting, bucket):
        name = bucket.save("uploads/2026/12/chart.png", ContentFile(png_bytes()))
        assert bucket.url(name) == BUCKET_URL + "uploads/2026/12/chart.png"
        report = seed_meeting.reports.get(team__slug="cli")
        report.body = f"![chart]({bucket.url(name)})"
        report.save()

        assert pdf_images(render_pdf(seed_meeting)) >= 1
        bucket.delete(name)
        assert pdf_images(render_pdf(seed_meeting)) == 0  # the control: it came from the storage

    def test_the_fetcher_reads_uploads_through_the_storage(self, bucket):
        picture = png_bytes()
        name = bucket.save("uploads/2026/12/chart.png", ContentFile(picture))
        response = LocalFilesFetcher().fetch(bucket.url(name))
        assert response.content_type == "image/png"
        assert response.read() == picture

    def test_the_editors_upload_limits_hold(self, bucket, settings):
        settings.MARKDOWNX_UPLOAD_MAX_SIZE = 100
        large = bucket.save("uploads/2026/12/large.png", ContentFile(png_bytes() + b"\0" * 100))
        page = bucket.save("uploads/2026/12/page.html", ContentFile(b"<script>alert(1)</script>"))
        for name in (large, page):
            with pytest.raises(NotFetched):
                LocalFilesFetcher().fetch(bucket.url(name))

    @pytest.mark.parametrize(
        "url",
        [
            BUCKET_URL + "uploads/2026/12/missing.png",
            BUCKET_URL + "uploads/../secret.png",
            BUCKET_URL + "uploads/%2e%2e/secret.png",
            BUCKET_URL + "secret.png",  # in the bucket, not an upload
            "https://bucket.example.net/another-bucket/uploads/2026/12/chart.png",
            DEFAULT_BASE_URL + "media/uploads/2026/12/chart.png",  # the disk is not the storage now
        ],
    )
    def test_nothing_else_is_read(self, bucket, url):
        bucket.save("uploads/2026/12/chart.png", ContentFile(png_bytes()))
        bucket.save("secret.png", ContentFile(png_bytes()))
        with pytest.raises(NotFetched):
            LocalFilesFetcher().fetch(url)


def test_the_pdf_of_a_later_meeting_says_what_became_of_the_open_actions(people, draft):
    record_action(
        draft.items.get(title="Announcements"),
        action=ActionLine("cli", "Cut v7"),
        by=people["chair"],
        expected_version=1,
    )
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    record_outcome(
        ActionItem.objects.get(), meeting=later, outcome=Outcome.DONE, note="Shipped in 2.9", by=people["chair"]
    )

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(later))).pages).split())

    assert "Open action items" in text
    assert "Cut v7" in text and "Done: Shipped in 2.9" in text
    assert "Record the outcome" not in text


def test_a_task_list_prints_each_box_as_a_glyph_on_the_line_of_its_text(draft, people):
    report = draft.reports.get(team=people["team_x"])
    report.body = "- [ ] Write the release notes\n- [x] Tag v2.9\n\nThe plan: [link](https://example.org/plan).\n"
    report.save()

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(draft))).pages)

    assert "☐ Write the release notes" in text
    assert "☑ Tag v2.9" in text
    assert "link (https://example.org/plan)" in " ".join(text.split())
