"""A committee's name and slug become folders and file names (export, archive.zip, the git mirror): never hidden,
never a control character, whichever way the committee is made."""

import pytest
from django.core.exceptions import ValidationError

from meetings.models import Committee


@pytest.mark.django_db
@pytest.mark.parametrize("name", [".git", ".github", "..", " .hidden", "Run\x1b[31mtime", "Run\ntime", "\u202eemitnuR"])
def test_a_hidden_or_control_name_is_refused_by_model_validation(name):
    with pytest.raises(ValidationError) as raised:
        Committee(name=name, slug="runtime").full_clean()

    assert "name" in raised.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [".git", "..", "../runtime", "run/time", "run\x1btime", "run time", "admin"])
def test_no_committee_is_ever_saved_with_a_slug_that_is_not_one(slug):
    with pytest.raises(ValidationError):
        Committee.objects.create(name="Runtime", slug=slug)

    assert not Committee.objects.exists()


@pytest.mark.django_db
def test_a_plain_name_of_any_script_is_a_committee():
    Committee(name="Zoë 数据 CLI/Tools", slug="zoe").full_clean()
