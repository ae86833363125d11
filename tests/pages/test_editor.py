"""The editor's preview: the Markdown rendered as the page will show it, for those who edit."""

from tests.support.accounts import LOGIN

# --- the editor's preview ---------------------------------------------------------------------

PREVIEW = "/markdownx/markdownify/"


def test_the_preview_is_refused_to_anonymous_users(client, db):
    response = client.post(PREVIEW, {"content": "**bold**"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert b"<strong>" not in response.content


def test_the_preview_is_refused_to_members_who_edit_nothing(client, people):
    client.force_login(people["member"])
    assert client.post(PREVIEW, {"content": "**bold**"}).status_code == 403


def test_the_preview_renders_sanitised_markdown_for_a_lead(client, people):
    client.force_login(people["lead_x"])
    response = client.post(PREVIEW, {"content": "**bold**\n\n<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert "<script" not in response.content.decode()
    assert client.post(PREVIEW, {}).status_code == 400
    assert client.get(PREVIEW).status_code == 405
