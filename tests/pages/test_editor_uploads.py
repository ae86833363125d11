"""Image uploads from the editor: real pictures only, re-encoded without metadata, served so no browser runs them."""

import errno
import io
import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image, PngImagePlugin

from meetings.views.media import serve_media

UPLOAD_URL = "/markdownx/upload/"
STORED_NAME = re.compile(r"^!\[\]\(/media/uploads/(\d{4})/(\d{2})/([A-Za-z0-9_-]{22})\.(png|jpg|gif|webp)\)$")


def picture(fmt: str, size=(32, 16), mode="RGB", **save_options) -> bytes:
    output = io.BytesIO()
    image = Image.new(mode, size, "red" if mode != "P" else 1)
    image.save(output, fmt, **save_options)
    return output.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header announces width × height pixels (a decompression bomb's first bytes)."""
    data = bytearray(picture("PNG", (1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"  # Make
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    output = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(output, "JPEG", exif=exif, comment=b"a private comment")
    return output.getvalue()


def upload_file(content: bytes, name: str = "picture.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def uploader(people, client, media):
    """A team lead's browser, uploading from the editor as markdownx does (an XMLHttpRequest)."""
    client.force_login(people["lead_x"])

    def upload(content: bytes, name: str = "picture.png", content_type: str = "image/png"):
        return client.post(
            UPLOAD_URL,
            {"image": upload_file(content, name, content_type)},
            headers={"x-requested-with": "XMLHttpRequest"},
        )

    return upload


def stored_file(media: Path, response) -> Path:
    assert response.status_code == 200, response.content
    match = STORED_NAME.match(response.json()["image_code"])
    assert match, response.json()
    year, month, name, extension = match.groups()
    return media / "uploads" / year / month / f"{name}.{extension}"


def refusal(response) -> str:
    """The message markdownx's editor gets: the form's errors as JSON, status 400."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    (message,) = response.json()["image"]
    return message


class TestWhoMayUpload:
    def test_anonymous_is_sent_to_sign_in(self, client, media):
        response = client.post(UPLOAD_URL, {"image": upload_file(picture("PNG"))})
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert not any(media.rglob("*.*"))

    def test_a_member_who_edits_nothing_is_refused(self, people, client, media):
        client.force_login(people["member"])
        assert client.post(UPLOAD_URL, {"image": upload_file(picture("PNG"))}).status_code == 403
        assert not any(media.rglob("*.*"))

    @pytest.mark.parametrize("who", ["lead_x", "chair", "superuser"])
    def test_editors_may(self, people, client, media, who):
        client.force_login(people[who])
        response = client.post(UPLOAD_URL, {"image": upload_file(picture("PNG"))})
        assert stored_file(media, response).is_file()

    def test_only_by_post(self, people, client):
        client.force_login(people["lead_x"])
        assert client.get(UPLOAD_URL).status_code == 405


class TestAccepted:
    @pytest.mark.parametrize(
        ("fmt", "extension", "mode"),
        [("PNG", "png", "RGBA"), ("JPEG", "jpg", "RGB"), ("GIF", "gif", "P"), ("WEBP", "webp", "RGB")],
    )
    def test_the_four_formats_are_stored_as_themselves(self, uploader, media, fmt, extension, mode):
        stored = stored_file(media, uploader(picture(fmt, mode=mode), f"x.{extension}", f"image/{fmt.lower()}"))
        assert stored.suffix == f".{extension}"
        with Image.open(stored) as image:
            assert image.format == fmt
            assert image.size == (32, 16)

    def test_the_format_comes_from_the_content_not_the_name(self, uploader, media):
        stored = stored_file(media, uploader(picture("PNG"), "holiday.jpg", "image/jpeg"))
        assert stored.suffix == ".png"

    def test_names_are_random_under_a_dated_folder(self, uploader, media):
        first = stored_file(media, uploader(picture("PNG"), "../../../etc/evil name.png"))
        second = stored_file(media, uploader(picture("PNG"), "../../../etc/evil name.png"))
        today = timezone.localdate()
        assert first.parent == second.parent == media / "uploads" / f"{today:%Y}" / f"{today:%m}"
        assert first.name != second.name
        assert "evil" not in first.name

    def test_exif_and_comments_are_gone_and_the_picture_stays_upright(self, uploader, media):
        original = jpeg_with_exif()
        assert b"SpyCam" in original and b"private comment" in original
        stored = stored_file(media, uploader(original, "photo.jpg", "image/jpeg"))
        data = stored.read_bytes()
        assert b"SpyCam" not in data and b"Secret Photographer" not in data and b"private comment" not in data
        with Image.open(stored) as image:
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info and "comment" not in image.info
            assert image.size == (20, 40), "the EXIF orientation is applied before it is dropped"

    def test_png_text_chunks_are_gone(self, uploader, media):
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Secret Author")
        info.add_text("Comment", "GPS 52.37N 4.89E")
        stored = stored_file(media, uploader(picture("PNG", pnginfo=info)))
        assert b"Secret Author" not in stored.read_bytes() and b"GPS" not in stored.read_bytes()

    def test_trailing_bytes_are_not_kept(self, uploader, media):
        stored = stored_file(media, uploader(picture("PNG") + b"TRAILING-JUNK" * 10))
        assert b"TRAILING-JUNK" not in stored.read_bytes()

    def test_animated_gifs_keep_their_frames(self, uploader, media):
        frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "green", "blue")]
        output = io.BytesIO()
        frames[0].save(output, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
        stored = stored_file(media, uploader(output.getvalue(), "anim.gif", "image/gif"))
        with Image.open(stored) as image:
            assert image.n_frames == 3


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


class TestRefused:
    @pytest.mark.parametrize(
        ("content", "name", "content_type", "message"),
        [
            (SVG, "drawing.svg", "image/svg+xml", "refused"),
            (SVG_SCRIPT, "drawing.png", "image/png", "HTML or script"),
            (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "page.png", "image/png", "HTML or script"),
            (b"GIF89a<script>alert(1)</script>", "polyglot.gif", "image/gif", "HTML or script"),
            (picture("PNG") + b"<html><body><script>alert(1)</script>", "polyglot.png", "image/png", "HTML or script"),
            (picture("JPEG") + b"<SCRIPT>alert(1)</SCRIPT>", "polyglot.jpg", "image/jpeg", "HTML or script"),
            (b"GIF89a\x01\x00\x01\x00", "truncated.gif", "image/gif", "picture"),
            (picture("PNG")[:60], "truncated.png", "image/png", "damaged or incomplete"),
            (b"%PDF-1.7 not a picture", "doc.png", "image/png", "not a PNG, JPEG, GIF or WebP"),
            (picture("BMP"), "bitmap.png", "image/png", "not a PNG, JPEG, GIF or WebP"),
            (picture("TIFF"), "scan.png", "image/png", "not a PNG, JPEG, GIF or WebP"),
            (b"", "empty.png", "image/png", ""),
        ],
        ids=[
            "svg",
            "svg with script named png",
            "html named png",
            "gif header then script",
            "png with trailing html",
            "jpeg with trailing script",
            "truncated gif",
            "truncated png",
            "pdf",
            "bmp",
            "tiff",
            "empty",
        ],
    )
    def test_with_a_clear_message(self, uploader, media, content, name, content_type, message):
        assert message in refusal(uploader(content, name, content_type))
        assert not any(media.rglob("*.*")), "nothing is stored"

    def test_a_file_over_5_mb(self, uploader, media, settings):
        assert settings.MARKDOWNX_UPLOAD_MAX_SIZE == 5 * 1024 * 1024
        message = refusal(uploader(picture("PNG") + b"\0" * (5 * 1024 * 1024)))
        assert "at most 5.0 MB" in message.replace("\xa0", " ")
        assert not any(media.rglob("*.*"))

    def test_more_than_40_megapixels(self, uploader, media, settings):
        assert settings.PMC_UPLOAD_MAX_PIXELS == 40_000_000
        assert "at most 40 megapixels" in refusal(uploader(png_claiming(8000, 5001)))

    @pytest.mark.parametrize("size", [(10_000, 10_000), (20_000, 20_000)], ids=["bomb warning", "bomb error"])
    def test_a_decompression_bomb_even_with_a_higher_pixel_limit(self, uploader, media, settings, size):
        """Pillow's own guard (MAX_IMAGE_PIXELS) stays on behind ours, its warning made an error."""
        settings.PMC_UPLOAD_MAX_PIXELS = 10**12
        assert "too large" in refusal(uploader(png_claiming(*size)))

    def test_no_file(self, people, client):
        client.force_login(people["lead_x"])
        response = client.post(UPLOAD_URL, {})
        assert response.status_code == 400
        assert response.json() == {"image": ["This field is required."]}


class TestServing:
    def test_an_upload_is_served_as_an_image_that_no_browser_sniffs(self, uploader, media, client):
        code = uploader(picture("PNG")).json()["image_code"]
        url = code.removeprefix("![](").removesuffix(")")
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == "inline"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    @pytest.mark.parametrize(
        ("extension", "content_type"), [("jpg", "image/jpeg"), ("gif", "image/gif"), ("webp", "image/webp")]
    )
    def test_the_view_sets_its_own_headers(self, db, media, extension, content_type):
        """Called directly, without the security middleware: the view itself says nosniff.

        (db: closing a response ends the request, which looks at the database connections.)
        """
        (media / f"x.{extension}").write_bytes(b"whatever")
        response = serve_media(RequestFactory().get(f"/media/x.{extension}"), f"x.{extension}")
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        response.close()

    @pytest.mark.parametrize("name", ["page.html", "drawing.svg", "script.js", "notes.txt", "noextension"])
    def test_anything_but_pictures_is_not_served(self, media, client, name):
        (media / name).write_bytes(b"<script>alert(1)</script>")
        assert client.get(f"/media/{name}").status_code == 404

    def test_nothing_outside_media_root_is_served(self, media, tmp_path_factory, client):
        outside = tmp_path_factory.mktemp("outside")
        (outside / "secret.png").write_bytes(picture("PNG"))
        (media / "link.png").symlink_to(outside / "secret.png")
        request = RequestFactory().get("/media/x")
        for path in [f"../{outside.name}/secret.png", "link.png", str(outside / "secret.png"), "a\0.png"]:
            with pytest.raises(Exception) as raised:
                serve_media(request, path)
            assert raised.type.__name__ == "Http404", path
        assert client.get("/media/%2e%2e/%2e%2e/etc/passwd").status_code == 404

    def test_served_in_production_too(self, media, client, settings):
        settings.DEBUG = False
        (media / "x.png").write_bytes(picture("PNG"))
        assert client.get("/media/x.png").status_code == 200


class TestFullDisk:
    @pytest.fixture
    def full_disk(self, monkeypatch):
        """Files open for writing take some bytes, then the disk is full."""
        real_fdopen = os.fdopen

        class Filling:
            def __init__(self, file):
                self.file = file

            def write(self, data):
                self.file.write(data[: len(data) // 2])
                self.file.flush()
                raise OSError(errno.ENOSPC, "No space left on device")

            def __getattr__(self, name):
                return getattr(self.file, name)

        def fdopen(fd, mode="r", *args, **kwargs):
            file = real_fdopen(fd, mode, *args, **kwargs)
            return Filling(file) if "w" in mode else file

        monkeypatch.setattr(os, "fdopen", fdopen)

    def test_a_full_disk_answers_json_the_editor_shows_and_leaves_no_file(self, uploader, media, full_disk):
        response = uploader(picture("PNG"))

        assert response.status_code == 507
        assert response["Content-Type"] == "application/json"
        (message,) = response.json()["image"]
        assert "could not be stored" in message
        assert [path for path in media.rglob("*") if path.is_file()] == []
