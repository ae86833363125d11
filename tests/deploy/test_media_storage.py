"""Uploads in an S3-compatible store (django-storages) when a bucket is named; MEDIA_ROOT otherwise."""

import json

from tests.support.production import run

CODE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "from django.core.files.storage import default_storage, storages; "
    "print(json.dumps([settings.STORAGES['default'], type(storages['default']).__name__, "
    "default_storage.url('uploads/2026/12/x.png')]))"
)


def storage(**env) -> list:
    result = run("-c", CODE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_bucket_uploads_stay_in_media_root():
    config, backend, url = storage()
    assert config == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert backend == "FileSystemStorage" and url == "/media/uploads/2026/12/x.png"


def test_a_named_bucket_stores_uploads_in_it_at_plain_public_urls():
    config, backend, url = storage(
        AWS_STORAGE_BUCKET_NAME="pmc-uploads",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
        AWS_ACCESS_KEY_ID="test-key",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"]["bucket_name"] == "pmc-uploads"
    assert backend == "S3Storage"
    # No signature or expiry in the URL: pictures in published minutes must keep working.
    assert url == "https://s3.example.org/pmc-uploads/uploads/2026/12/x.png"


def test_a_custom_domain_serves_the_pictures():
    _, _, url = storage(AWS_STORAGE_BUCKET_NAME="pmc-uploads", AWS_S3_CUSTOM_DOMAIN="media.example.org")
    assert url == "https://media.example.org/uploads/2026/12/x.png"
