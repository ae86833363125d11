"""Who sees what: drafts for their chairs and leads, published minutes for all, sign-in for the rest."""

import pytest

from tests.support.accounts import LOGIN, login_redirect, sign_in

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
DRAFT_EDIT = DRAFT + "edit/"
REPORT_X = DRAFT + "reports/diego/edit/"
PUBLISHED = "/runtime/2029-12-25/"
NEW_MEETING = "/runtime/meetings/new/"


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("member", 404),
        ("other_chair", 404),
        ("lead_x_elsewhere", 404),
        ("chair", 200),
        ("lead_x", 200),
        ("lead_y", 200),
        ("superuser", 200),
    ],
)
def test_a_draft_is_seen_only_by_its_chairs_and_leads(client, people, draft, who, status):
    sign_in(client, people, who)
    assert client.get(DRAFT).status_code == status
    assert client.get("/runtime/2030-01-08.md").status_code == status


@pytest.mark.parametrize("who", ["anonymous", "member", "other_chair", "lead_x"])
def test_published_minutes_are_public(client, people, published, who):
    sign_in(client, people, who)
    assert client.get(PUBLISHED).status_code == 200


@pytest.mark.parametrize("who", ["member", "other_chair"])
def test_a_draft_edit_page_is_a_404_to_whoever_may_not_see_the_draft(client, people, draft, who):
    sign_in(client, people, who)
    assert client.get(REPORT_X).status_code == 404
    assert client.get(DRAFT_EDIT).status_code == 404


@pytest.mark.parametrize("meeting", ["draft", "published"])
@pytest.mark.parametrize(
    "page",
    ["edit/", "roadmap/edit/", "reports/diego/edit/", "item"],
)
def test_anonymous_users_are_sent_to_sign_in_from_edit_pages(client, people, draft, published, meeting, page):
    base = {"draft": DRAFT, "published": PUBLISHED}[meeting]
    if page == "item":
        target = draft if meeting == "draft" else published
        page = f"items/{target.items.first().pk}/edit/"
    url = base + page
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, login_redirect(url))


@pytest.mark.parametrize("url", [NEW_MEETING, "/my-sections/"])
def test_anonymous_users_are_sent_to_sign_in_from_the_chairs_and_leads_start_pages(client, db, url):
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, login_redirect(url))


def test_lead_is_sent_to_the_page_they_asked_for_after_signing_in(client, people, draft):
    response = client.post(LOGIN, {"username": "lead-x", "password": "pw-lead-x", "next": REPORT_X})
    assert (response.status_code, response["Location"]) == (302, REPORT_X)
    assert client.get(REPORT_X).status_code == 200
