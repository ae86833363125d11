"""The minutes as Markdown to download: the archive's own text, and never a draft's for the public."""

import pytest
from django.test import Client

from meetings.demo import SEED
from meetings.services.editing import save_report

SEED_MD_URL = "/runtime/2018-06-12.md"


def content_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def test_markdown_download_is_markdown_text(seed_meeting, client):
    response = client.get(SEED_MD_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="2018-06-12-runtime.md"'


def test_markdown_download_keeps_every_line_of_the_seed_in_order(seed_meeting, client):
    downloaded = iter(content_lines(client.get(SEED_MD_URL).content.decode("utf-8")))
    seed = content_lines(SEED.read_text(encoding="utf-8"))
    # Each seed line must be found after the previous one: in it, in the same order.
    missing = [line for line in seed if not any(line == got for got in downloaded)]
    assert missing == []


def test_markdown_download_adds_no_line_of_its_own(seed_meeting, client):
    downloaded = content_lines(client.get(SEED_MD_URL).content.decode("utf-8"))
    assert downloaded == content_lines(SEED.read_text(encoding="utf-8"))


def test_markdown_download_carries_an_edited_report(seed_meeting, client):
    report = seed_meeting.reports.get(team__slug="garden")
    save_report(report, body="- Rootless containers are on by default", expected_version=report.version)
    lines = content_lines(client.get(SEED_MD_URL).content.decode("utf-8"))
    heading = lines.index("### Garden - Julz Friedman")
    assert lines[heading + 1] == "- Rootless containers are on by default"
    assert lines[heading + 2] == "### Eirini - Julz Friedman"


@pytest.mark.parametrize("suffix", [".md", ".pdf"])
def test_a_drafts_downloads_are_not_found_for_the_public(people, draft, client, suffix):
    url = draft.get_absolute_url().rstrip("/") + suffix
    assert client.get(url).status_code == 404
    client.force_login(people["member"])
    assert client.get(url).status_code == 404


def test_a_drafts_markdown_is_there_for_its_chair(people, draft):
    chair = Client()
    chair.force_login(people["chair"])
    response = chair.get(draft.get_markdown_url())
    assert response.status_code == 200
    assert response.content.decode().startswith(f"# {draft.title}\n")
