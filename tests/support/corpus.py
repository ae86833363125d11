"""Where the tests find minutes files: the project's own fixtures, and the real archive when it is there.

The fixtures (tests/fixtures/minutes/) are short files written for the tests, one
per format generation and heading variant the parser knows; they are in the
repository, so the parser's and importer's tests run everywhere. The real
archive lives outside the repository, in ../shared/corpus next to it; the tests
over the whole of it skip where it is absent.
"""

from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parents[1]
FIXTURES = _TESTS / "fixtures" / "minutes"
LAYOUTS = _TESTS / "fixtures" / "layouts"  # one file per committee layout (tests/fixtures/README.md)
CORPUS = _TESTS.parents[1] / "shared" / "corpus"


def require_corpus() -> Path:
    """The real archive, or a skip that says where it was looked for."""
    if not CORPUS.is_dir():
        pytest.skip(
            f"the minutes corpus is not at {CORPUS} (it lives in the project's shared/ folder, outside the repository)"
        )
    return CORPUS
