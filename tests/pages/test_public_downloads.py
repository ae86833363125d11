"""The minutes as Markdown to download: the archive's text, its uploaded pictures, never a draft's to the public."""

import io
import zipfile
from datetime import date
from pathlib import Path, PurePosixPath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from PIL import Image

from meetings.demo import SEED
from meetings.lib import uploads
from meetings.models import Meeting
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting

SEED_MD_URL = "/runtime/2018-06-12.md"


def content_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def test_markdown_download_is_markdown_text(seed_meeting, client):
    response = client.get(SEED_MD_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="2018-06-12-runtime.md"'


def test_markdown_download_keeps_every_line_of_the_seed_in_order(seed_meeting, client):
    downloaded = iter(content_lines(client.get(SEED_MD_URL).content.decode("utf-8")))
    seed = content_lines(SEED.read_text(encoding="utf-8"))
    # Each seed line must be found after the previous one: in it, in the same order.
    missing = [line for line in seed if not any(line == got for got in downloaded)]
    assert missing == []


def test_markdown_download_adds_no_line_of_its_own(seed_meeting, client):
    downloaded = content_lines(client.get(SEED_MD_URL).content.decode("utf-8"))
    assert downloaded == content_lines(SEED.read_text(encoding="utf-8"))


def test_markdown_download_carries_an_edited_report(seed_meeting, client):
    report = seed_meeting.reports.get(team__slug="garden")
    save_report(report, body="- Rootless containers are on by default", expected_version=report.version)
    lines = content_lines(client.get(SEED_MD_URL).content.decode("utf-8"))
    heading = lines.index("### Garden - Julz Friedman")
    assert lines[heading + 1] == "- Rootless containers are on by default"
    assert lines[heading + 2] == "### Eirini - Julz Friedman"


@pytest.mark.parametrize("suffix", [".md", ".pdf"])
def test_a_drafts_downloads_are_not_found_for_the_public(people, draft, client, suffix):
    url = draft.get_absolute_url().rstrip("/") + suffix
    assert client.get(url).status_code == 404
    client.force_login(people["member"])
    assert client.get(url).status_code == 404


def test_a_drafts_markdown_is_there_for_its_chair(people, draft):
    chair = Client()
    chair.force_login(people["chair"])
    response = chair.get(draft.get_markdown_url())
    assert response.status_code == 200
    assert response.content.decode().startswith(f"# {draft.title}\n")


# --- uploaded pictures travel with the minutes ------------------------------------------------------

SITE = "https://minutes.example.org"


def test_an_untouched_imported_meetings_markdown_is_its_file_byte_for_byte(seed_meeting, client, settings):
    settings.PMC_SITE_URL = SITE
    assert client.get(SEED_MD_URL).content == SEED.read_bytes()


@pytest.fixture
def uploaded(settings, tmp_path) -> str:
    """A picture stored as the editor's upload stores it; its URL as the editor inserts it."""
    settings.MEDIA_ROOT = tmp_path
    output = io.BytesIO()
    Image.new("RGB", (24, 16), (11, 92, 173)).save(output, "PNG")
    return uploads.save_image(uploads.clean_image(SimpleUploadedFile("chart.png", output.getvalue())))


@pytest.fixture
def illustrated(people, uploaded) -> Meeting:
    """A published Runtime meeting whose Diego report shows the uploaded picture, among other links."""
    meeting = create_meeting(people["runtime"], day=date(2029, 12, 25))
    body = (
        f"- Start times: ![start times chart]({uploaded})\n"
        "- Logo: ![logo](https://example.org/logo.png), see [the archive](/runtime/)\n"
    )
    save_report(meeting.reports.get(team=people["team_x"]), body=body)
    publish_meeting(meeting)
    return meeting


def test_the_markdown_download_links_uploaded_pictures_on_the_sites_address(illustrated, uploaded, client, settings):
    settings.PMC_SITE_URL = SITE + "/"

    text = client.get(illustrated.get_markdown_url()).content.decode()

    assert uploaded.startswith("/media/uploads/")
    assert f"![start times chart]({SITE}{uploaded})" in text
    # Only the uploads' links: other pictures and the site's other relative links stay as written.
    assert "![logo](https://example.org/logo.png), see [the archive](/runtime/)" in text


def test_without_a_site_address_the_markdown_download_links_pictures_on_the_requests_host(
    illustrated, uploaded, client, settings
):
    settings.PMC_SITE_URL = ""
    settings.ALLOWED_HOSTS = ["minutes.test"]
    text = client.get(illustrated.get_markdown_url(), HTTP_HOST="minutes.test").content.decode()
    assert f"![start times chart](http://minutes.test{uploaded})" in text


def test_the_archive_zip_carries_the_pictures_beside_the_minutes_linked_relatively(
    illustrated, uploaded, client, settings
):
    settings.PMC_SITE_URL = SITE
    response = client.get("/runtime/archive.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    name = uploaded.rsplit("/", 1)[1]

    assert sorted(archive.namelist()) == ["Runtime/2029/2029-12-25-runtime.md", f"Runtime/2029/images/{name}"]
    text = archive.read("Runtime/2029/2029-12-25-runtime.md").decode()
    assert f"![start times chart](images/{name})" in text
    assert "/media/" not in text
    # The link resolves, from the file's folder, to the picture itself.
    picture = archive.read(str(PurePosixPath("Runtime/2029") / f"images/{name}"))
    assert picture == (Path(settings.MEDIA_ROOT) / uploaded.removeprefix("/media/")).read_bytes()
    assert Image.open(io.BytesIO(picture)).size == (24, 16)


def test_a_picture_no_longer_stored_keeps_an_absolute_link_in_the_zip(illustrated, uploaded, client, settings):
    settings.PMC_SITE_URL = SITE
    (Path(settings.MEDIA_ROOT) / uploaded.removeprefix("/media/")).unlink()

    archive = zipfile.ZipFile(io.BytesIO(client.get("/runtime/archive.zip").content))

    assert archive.namelist() == ["Runtime/2029/2029-12-25-runtime.md"]
    assert f"({SITE}{uploaded})" in archive.read("Runtime/2029/2029-12-25-runtime.md").decode()


def test_a_cached_markdown_download_keeps_each_hosts_own_links(illustrated, uploaded, client, settings):
    settings.PMC_SITE_URL = ""
    settings.ALLOWED_HOSTS = ["one.test", "two.test"]
    first = client.get(illustrated.get_markdown_url(), HTTP_HOST="one.test").content.decode()
    second = client.get(illustrated.get_markdown_url(), HTTP_HOST="two.test").content.decode()
    assert f"(http://one.test{uploaded})" in first
    assert f"(http://two.test{uploaded})" in second


def test_export_minutes_writes_the_pictures_beside_the_minutes(illustrated, uploaded, tmp_path, settings):
    settings.PMC_SITE_URL = SITE
    name = uploaded.rsplit("/", 1)[1]

    call_command("export_minutes", "--out", str(tmp_path), stdout=io.StringIO())

    text = (tmp_path / "Runtime/2029/2029-12-25-runtime.md").read_text(encoding="utf-8")
    assert f"![start times chart](images/{name})" in text
    stored = (Path(settings.MEDIA_ROOT) / uploaded.removeprefix("/media/")).read_bytes()
    assert (tmp_path / "Runtime/2029/images" / name).read_bytes() == stored
