"""Pages for signed-in people are private and never stored by a browser or proxy; the public's pages stay shared."""

import pytest

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("lead_x", DRAFT + "reports/diego/edit/"),
        ("chair", DRAFT + "edit/"),
        ("chair", DRAFT + "readiness/"),
        ("chair", "/runtime/roster/"),
        ("lead_x", "/my-sections/"),
        ("chair", "/my-sections/"),
        ("lead_x", DRAFT),
        ("chair", DRAFT),
    ],
)
def test_private_pages_are_private_and_not_stored(people, draft, client, who, url):
    client.force_login(people[who])

    response = client.get(url)

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response), response.get("Cache-Control")


def test_a_refusal_to_a_signed_in_user_is_not_stored_either(people, draft, client):
    client.force_login(people["member"])
    response = client.get(DRAFT + "reports/diego/edit/")
    assert response.status_code == 404  # a draft is not found by those who may not see it
    assert {"private", "no-store"} <= cache_control(response)


def test_published_minutes_for_anonymous_readers_stay_public(seed_meeting, client, settings):
    response = client.get(seed_meeting.get_absolute_url())

    assert response.status_code == 200
    assert cache_control(response) == {"public", f"max-age={settings.PMC_PUBLIC_MAX_AGE}"}
