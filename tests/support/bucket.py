"""A stand-in for an S3 bucket as the media storage: files kept in memory, served from another host, no network."""

from django.core.files.storage import InMemoryStorage
from django.core.files.storage.memory import InMemoryDirNode

BUCKET_URL = "https://bucket.example.net/pmc-uploads/"


class BucketStorage(InMemoryStorage):
    """Every instance sees the same files, as every client of one bucket does."""

    files = InMemoryDirNode()

    def __init__(self, **kwargs):
        super().__init__(base_url=BUCKET_URL, **kwargs)
        self._root = BucketStorage.files

    @classmethod
    def empty(cls) -> None:
        cls.files = InMemoryDirNode()
