"""Production readiness: `manage.py check --deploy` is clean with the README's production environment."""

from meetings.checks import check_git_mirror
from tests.support.production import production_settings, run


def test_check_deploy_reports_nothing_in_production():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "no issues" in output


def test_production_turns_on_https_and_hsts():
    assert production_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
    ) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_production_refuses_to_start_without_a_secret_key():
    result = run("manage.py", "check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_warns_when_the_site_url_is_unset():
    result = run("manage.py", "check", "--deploy", PMC_SITE_URL="")
    output = result.stdout + result.stderr
    assert "meetings.W001" in output and "PMC_SITE_URL is not set" in output, output


def test_check_deploy_warns_when_the_site_url_is_local():
    result = run("manage.py", "check", "--deploy", PMC_SITE_URL="http://127.0.0.1:8000")
    assert "meetings.W001" in result.stdout + result.stderr


def test_check_deploy_warns_when_the_git_mirror_root_is_left_beside_the_code():
    result = run("manage.py", "check", "--deploy", PMC_GIT_MIRROR_ROOT="")
    output = result.stdout + result.stderr
    assert "meetings.W021" in output and "inside the app's own folder" in output, output


def test_the_git_mirror_check_warns_of_a_root_the_server_cannot_write_and_of_local_remotes(settings, tmp_path):
    settings.PMC_GIT_MIRROR_ROOT = tmp_path / "a-file" / "mirrors"
    (tmp_path / "a-file").write_text("not a folder")
    settings.PMC_GIT_MIRROR_LOCAL_REMOTES = True

    found = {warning.id: warning.msg for warning in check_git_mirror(None)}

    assert set(found) == {"meetings.W022", "meetings.W023"}
    assert "may not write" in found["meetings.W022"] and "the app's own .git" in found["meetings.W023"]


def test_the_git_mirror_check_is_quiet_for_a_writable_folder_of_the_sites_data(settings, tmp_path):
    settings.PMC_GIT_MIRROR_ROOT = tmp_path / "mirrors"

    assert check_git_mirror(None) == []
