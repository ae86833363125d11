"""Uploaded files, served by the app itself so that `gunicorn` alone is a complete deployment.

Only pictures under MEDIA_ROOT are served, with the Content-Type of their
stored extension, `nosniff` (a browser never guesses HTML from the content)
and a sandboxing Content-Security-Policy; anything else is a 404.
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from ..lib.uploads import CONTENT_TYPES


@require_safe
def serve_media(request, path: str):
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        file = (root / path).resolve()
        found = file.is_relative_to(root) and file.is_file()
    except (OSError, ValueError):  # a NUL byte, a name too long
        found = False
    content_type = CONTENT_TYPES.get(file.suffix.lower().removeprefix(".")) if found else None
    if content_type is None:
        raise Http404("No such file.")
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Names are random and never reused: a file at a URL never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
