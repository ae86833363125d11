"""Where the archive layout (meetings/services/exporting.py) puts a committee's files."""

import pytest

from meetings.models import Committee
from meetings.services.exporting import archive_folder


@pytest.mark.parametrize("name", [".git", ".GIT", ".git.", ".git ", ".g\u200cit", "git~1", "a/b", "..", ""])
def test_a_name_that_would_lead_into_gits_folder_or_elsewhere_gives_the_slug(name):
    assert archive_folder(Committee(name=name, slug="runtime")) == "runtime"


@pytest.mark.parametrize("name", ["Runtime", "Git", ".NET", "BOSH Director"])
def test_a_plain_name_is_the_folder(name):
    assert archive_folder(Committee(name=name, slug="x")) == name
