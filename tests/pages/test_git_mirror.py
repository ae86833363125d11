"""The git mirror seen from the site: the chair sets its remote on the settings page, an edit page's save is committed,
and a failure is shown to the chairs (committee page, settings page) until "Try again now" succeeds."""

import pytest
from django.contrib.messages import get_messages

from meetings.models import Committee, MirrorSync
from meetings.services.publishing import publish_meeting
from tests.support.builders import import_seed, make_user
from tests.support.mirror import bare_repository, changed_lines, commits, use_mirror
from tests.support.pages import browser_form, form_errors

SETTINGS = "/runtime/settings/"
COMMITTEE = "/runtime/"


def settings_with(client, **mirror) -> dict:
    data = browser_form(client.get(SETTINGS))
    data.update({f"mirror_{name}": value for name, value in mirror.items()})
    return data


def test_the_mirrors_fields_have_a_section_of_their_own_on_the_settings_page(client, people):
    client.force_login(people["chair"])

    page = client.get(SETTINGS).content.decode()

    mirror_section = page[page.index('id="mirror-heading"') :]
    for name in ("mirror_remote", "mirror_branch"):
        assert page.count(f'name="{name}"') == 1
        assert f'name="{name}"' in mirror_section
    assert 'name="mirror_path"' not in page  # where the server writes is the site's to decide
    assert 'name="description"' not in mirror_section
    assert "State of the git mirror" not in page  # no mirror yet: nothing to show of it


def test_the_chair_names_a_remote_and_a_branch_and_saving_writes_nothing_to_the_disk(client, people, settings):
    client.force_login(people["chair"])

    response = client.post(SETTINGS, settings_with(client, remote="git@github.com:org/minutes.git", branch="minutes"))

    assert response.status_code == 302, form_errors(response)
    committee = Committee.objects.get(slug="runtime")
    assert (committee.mirror_remote, committee.mirror_branch) == ("git@github.com:org/minutes.git", "minutes")
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("committed and pushed there" in message for message in shown)
    assert not settings.PMC_GIT_MIRROR_ROOT.exists()  # the first sync makes the site's working copy


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("branch", "two..dots", "not a valid git branch name"),
        ("remote", "--upload-pack=touch /tmp/x", "without spaces"),
        ("remote", "ext::sh -c touch% /tmp/x", "without spaces"),
        ("remote", "ext::sh", "runs a command"),
        ("remote", "/srv/pmc-minutes/.git", "a folder on this server"),
    ],
)
def test_a_remote_or_branch_git_cannot_use_is_explained_and_not_saved(client, people, field, value, message):
    client.force_login(people["chair"])
    mirror = {"remote": "git@github.com:org/minutes.git", field: value}

    response = client.post(SETTINGS, settings_with(client, **mirror))

    assert response.status_code == 200
    assert any(message in error for error in form_errors(response)), form_errors(response)
    assert Committee.objects.get(slug="runtime").mirror_remote == ""


def test_a_report_amended_on_its_edit_page_is_committed_by_the_chair_with_only_its_line(
    client, db, tmp_path, local_remotes, django_capture_on_commit_callbacks
):
    meeting = import_seed()
    chair = make_user("chair", first_name="Chris", last_name="Chair", email="chris@example.org")
    meeting.committee.chairs.add(chair)
    remote = bare_repository(tmp_path / "remote.git")
    use_mirror(meeting.committee, remote)
    client.force_login(chair)
    client.post("/runtime/settings/mirror/", {"action": "all"})  # the meeting published before the mirror
    [added] = commits(remote)
    edit = "/runtime/2018-06-12/reports/diego/edit/"
    data = browser_form(client.get(edit))
    old = "- Validating compatibility of Diego components with Xenial-based stemcells"
    data["body"] = data["body"].replace(old, "- Validated it")
    data["reason"] = "The stemcell work is done"  # published minutes: an amendment says why

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, data)

    assert response.status_code == 302
    latest, first = commits(remote)
    assert (first.sha, added.subject) == (added.sha, "Add Runtime minutes of 2018-06-12")
    assert (latest.subject, latest.author) == ("Diego report amended", "Chris Chair <chris@example.org>")
    assert changed_lines(remote) == ["-" + old, "+- Validated it"]


@pytest.fixture
def failing(people, published, tmp_path, local_remotes, django_capture_on_commit_callbacks):
    """Runtime's mirror pushes to a remote that does not exist yet; the chair has just published the draft."""
    use_mirror(people["runtime"], tmp_path / "remote.git")
    draft = people["runtime"].meetings.get(date="2030-01-08")
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    return tmp_path / "remote.git"


def test_a_failing_mirror_is_shown_to_the_chairs_on_the_committee_page_with_its_error(client, people, failing):
    client.force_login(people["chair"])

    page = client.get(COMMITTEE).content.decode()

    assert "The git mirror is behind" in page
    assert "2030-01-08: Publish Runtime minutes of 2030-01-08 (1 attempt" in page
    assert "does not appear to be a git repository" in page
    assert "manage.py sync_git_mirror --committee runtime" in page


@pytest.mark.parametrize("who", ["anonymous", "lead_x", "other_chair"])
def test_nobody_but_the_chairs_sees_the_mirrors_failure(client, people, failing, who):
    if who != "anonymous":
        client.force_login(people[who])

    assert "git mirror" not in client.get(COMMITTEE).content.decode()


def test_the_settings_page_shows_the_failure_and_trying_again_once_fixed_clears_it(client, people, failing):
    client.force_login(people["chair"])
    assert "does not appear to be a git repository" in client.get(SETTINGS).content.decode()

    bare_repository(failing)
    response = client.post("/runtime/settings/mirror/", {"action": "retry"}, follow=True)

    assert "The git mirror is up to date: 1 commit, pushed." in response.content.decode()
    assert not MirrorSync.objects.exists()
    assert [c.subject for c in commits(failing)] == ["Publish Runtime minutes of 2030-01-08"]
    assert "The git mirror is behind" not in client.get(COMMITTEE).content.decode()
    assert "Every change of published minutes is mirrored." in client.get(SETTINGS).content.decode()


def test_only_the_chairs_may_make_the_mirror_try_again(client, people, failing):
    client.force_login(people["lead_x"])

    response = client.post("/runtime/settings/mirror/", {"action": "retry"})

    assert response.status_code == 403
    assert MirrorSync.objects.get().attempts == 1
