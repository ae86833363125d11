"""Chairs import minutes files through the site; each file on its own, nothing half-imported."""

from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.demo import SEED
from meetings.models import BacklogReport, Meeting

IMPORT = "/runtime/import/"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/markdown")


def test_chair_imports_files_and_sees_each_outcome(client, people):
    client.force_login(people["chair"])
    response = client.post(
        IMPORT,
        {
            "files": [
                upload("2018-06-12-runtime.md", SEED.read_bytes()),
                upload("2018-06-26-runtime.md", b"\xff\xfe not text"),
                upload("notes.md", b"# Some notes\n\nNo date anywhere.\n"),
            ]
        },
    )
    assert response.status_code == 200
    outcomes = [result.outcome for result in response.context["results"]]
    assert outcomes == ["imported", "failed", "skipped"]
    page = response.content.decode()
    assert "not valid UTF-8" in page
    meeting = Meeting.objects.get(committee=people["runtime"])
    assert meeting.is_published and meeting.reports.count() == 19
    # The failed file left nothing behind.
    assert not Meeting.objects.filter(date="2018-06-26").exists()


def test_import_as_draft_keeps_new_meetings_private(client, people):
    client.force_login(people["chair"])
    client.post(IMPORT, {"files": [upload("2018-06-12-runtime.md", SEED.read_bytes())], "draft": "on"})
    assert not Meeting.objects.get(committee=people["runtime"]).is_published


def test_importing_the_same_file_twice_changes_nothing(client, people):
    client.force_login(people["chair"])
    client.post(IMPORT, {"files": [upload("2018-06-12-runtime.md", SEED.read_bytes())]})
    versions = list(BacklogReport.objects.values_list("pk", "version"))
    response = client.post(IMPORT, {"files": [upload("2018-06-12-runtime.md", SEED.read_bytes())]})
    assert [r.outcome for r in response.context["results"]] == ["unchanged"]
    assert list(BacklogReport.objects.values_list("pk", "version")) == versions


def test_no_file_is_a_form_error(client, people):
    client.force_login(people["chair"])
    response = client.post(IMPORT, {})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]


def test_leads_may_not_import(client, people):
    client.force_login(people["lead_x"])
    assert client.get(IMPORT).status_code == 403
    response = client.post(IMPORT, {"files": [upload("2018-06-12-runtime.md", SEED.read_bytes())]})
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, people):
    response = client.get(IMPORT)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_file_with_a_line_too_long_is_refused_naming_the_file_and_the_line(client, people):
    client.force_login(people["chair"])
    text = "# Runtime PMC Meeting 2018-06-12\n\n## Notes\n\n" + "x" * 40_006 + "\n"
    response = client.post(IMPORT, {"files": [upload("2018-06-12-runtime.md", text.encode())]})
    [result] = response.context["results"]
    assert result.outcome == "failed"
    page = response.content.decode()
    assert "2018-06-12-runtime.md" in page
    assert "line 5: the line is 40,006 characters long; expected at most 20,000" in page
    assert not Meeting.objects.exists()
