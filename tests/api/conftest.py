"""Fixtures of the API tests: the pages' published meeting, and rate counts that start at zero."""

import pytest
from django.core.cache import cache

from tests.pages.conftest import published  # noqa: F401 (a fixture: the same meeting the page tests use)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Token ids come back after a rollback: their request counts must not."""
    cache.clear()
    yield
    cache.clear()
