"""Images uploaded from the editor: only real PNG, JPEG, GIF and WebP pictures, re-encoded clean.

What a file is is decided by decoding its content with Pillow, never by its
name or the content type the browser sent. The picture is then written anew,
which drops its metadata (EXIF with the camera's GPS position, comments, ICC
profiles) and anything appended to it. Files that also read as HTML or script
(polyglots), decompression bombs and oversized files are refused with a message
the editor shows. Stored under uploads/YYYY/MM/ with a random name.
"""

import contextlib
import errno
import io
import logging
import re
import secrets
import threading
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import Image, ImageFile, ImageOps, ImageSequence, UnidentifiedImageError

# Pillow's format name → (stored extension, Content-Type). Only these decoders are ever tried.
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
# The Content-Type of a stored upload, by its extension (what the media view serves).
CONTENT_TYPES = dict(FORMATS.values())

# Markup a browser or a server could execute if the file were ever taken for a page. Tokens of five
# characters or more, so that compressed image data matches one by chance about once in 10,000 files.
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|head|iframe|object|embed|meta|!doctype|\?php|svg[\s/>]|img[\s/])|javascript:",
    re.IGNORECASE,
)
_TRUNCATED = ("truncated", "broken", "premature", "corrupt")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanImage:
    """A decoded, re-encoded picture, ready to store."""

    data: bytes
    extension: str
    content_type: str
    width: int
    height: int


def clean_image(upload) -> CleanImage:
    """The uploaded file (anything with .size and .read()) as a clean picture, or a ValidationError saying why not."""
    max_bytes = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    if upload.size > max_bytes:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; images of at most {filesizeformat(max_bytes)} are accepted."
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(f"The file is larger than {filesizeformat(max_bytes)}.")
    if _MARKUP.search(data):
        raise ValidationError("The file contains HTML or script besides a picture, so it is refused.")
    with _strict_decoding(), warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; a bomb is a bomb.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _reencode(data)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(_too_many_pixels()) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
            if isinstance(error, OSError) and any(word in str(error).lower() for word in _TRUNCATED):
                raise ValidationError("The picture is damaged or incomplete; export it again and retry.") from None
            raise ValidationError(
                "This is not a PNG, JPEG, GIF or WebP picture (SVG and other files are refused)."
            ) from None


_decoding = threading.Lock()


@contextmanager
def _strict_decoding():
    """Refuse truncated pictures while decoding an upload.

    WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES (a cut-off picture is then completed
    with black). It is a global, so uploads are decoded one at a time in a process; they are rare.
    """
    with _decoding:
        lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _too_many_pixels() -> str:
    megapixels = settings.PMC_UPLOAD_MAX_PIXELS / 1_000_000
    return f"The picture is too large: at most {megapixels:g} megapixels are accepted."


def _reencode(data: bytes) -> CleanImage:
    max_pixels = settings.PMC_UPLOAD_MAX_PIXELS
    with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
        if image.width * image.height > max_pixels:  # read from the header, before decoding anything
            raise ValidationError(_too_many_pixels())
        extension, content_type = FORMATS[image.format]
        animated = getattr(image, "n_frames", 1) > 1
        if animated:
            frames, durations, total = [], [], 0
            for frame in ImageSequence.Iterator(image):
                total += frame.width * frame.height
                if total > max_pixels:  # every frame is decoded: count them all
                    raise ValidationError(_too_many_pixels())
                frames.append(_without_metadata(frame, image.format))
                durations.append(frame.info.get("duration", 100))
            options = {"save_all": True, "append_images": frames[1:], "duration": durations, "loop": 0}
        else:
            image.load()
            # The EXIF orientation goes with the metadata: turn the pixels first so the picture stays upright.
            frames, options = [_without_metadata(ImageOps.exif_transpose(image), image.format)], {}
        fmt = image.format
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 90
    output = io.BytesIO()
    frames[0].save(output, fmt, **options)
    return CleanImage(output.getvalue(), extension, content_type, frames[0].width, frames[0].height)


def _without_metadata(frame: Image.Image, fmt: str) -> Image.Image:
    """The pixels alone, in a mode the format writes: a new image with no info, EXIF, ICC or comment."""
    has_alpha = frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info
    if fmt == "JPEG":
        mode = "L" if frame.mode == "L" else "RGB"
    else:
        mode = "RGBA" if has_alpha else ("L" if frame.mode in ("1", "L") else "RGB")
    clean = frame.convert(mode)
    clean.info = {}
    return clean


def upload_name(extension: str, day: date | None = None) -> str:
    """uploads/YYYY/MM/<random>.<ext>: nothing of the uploader's file name, nothing guessable."""
    day = day or timezone.localdate()
    return f"{settings.MARKDOWNX_MEDIA_PATH.strip('/')}/{day:%Y/%m}/{secrets.token_urlsafe(16)}.{extension}"


class NotStored(Exception):
    """The picture could not be written (a full disk, say); the message is for the editor."""

    def __init__(self, message: str, *, full: bool):
        super().__init__(message)
        self.full = full


def save_image(image: CleanImage) -> str:
    """Store the picture; its URL. Raises NotStored, leaving no partial file behind."""
    name = upload_name(image.extension)
    try:
        name = default_storage.save(name, ContentFile(image.data))
    except OSError as error:
        logger.exception("Could not store the uploaded image %s", name)
        # Whatever was written (an empty or truncated file) is ours: the random name is no one else's.
        with contextlib.suppress(OSError):
            if default_storage.exists(name):
                default_storage.delete(name)
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        raise NotStored(
            "The image could not be stored: the server is out of space. Try again later, or tell the site's "
            "administrators."
            if full
            else "The image could not be stored because of a problem on the server. Try again later.",
            full=full,
        ) from error
    return default_storage.url(name)


class ImageUploadForm(forms.Form):
    """The editor's upload (django-markdownx posts the file as “image”)."""

    image = forms.FileField()

    def clean_image(self) -> CleanImage:
        return clean_image(self.cleaned_data["image"])


def _upload_url() -> re.Pattern:
    """An uploaded picture's URL as the editor inserts it (site-relative), alone: not the path of another address."""
    folder = default_storage.url(settings.MARKDOWNX_MEDIA_PATH.strip("/") + "/")
    name = r"\d{4}/\d{2}/[A-Za-z0-9_-]+\.(?:" + "|".join(extension for extension, _ in FORMATS.values()) + ")"
    return re.compile(rf"(?<![\w.:/%~-]){re.escape(folder)}(?P<name>{name})(?![\w.:/%~-])")


def replace_upload_urls(text: str, replace: Callable[[str], str]) -> str:
    """The text with each uploaded picture's URL replaced by `replace(storage name)` (uploads/YYYY/MM/x.png).

    Nothing else changes: a text without uploads comes back as it was, byte for byte.
    """
    folder = settings.MARKDOWNX_MEDIA_PATH.strip("/")
    return _upload_url().sub(lambda match: replace(f"{folder}/{match['name']}"), text)
