"""Every picker of teams groups them by status (Active, Incubating, Proposed, Retired), sorted by name within each
group, and is marked for the type-ahead filter; the roster's import order (`position`) no longer shows through."""

import pytest

from meetings.models import TeamStatus
from tests.support.builders import make_team
from tests.support.html_tree import parse_html

DRAFT = "/runtime/2030-01-08/"
ROSTER = "/runtime/roster/"


@pytest.fixture
def more_teams(people):
    """Teams added out of alphabetical order, of every status, to Runtime's Diego, CLI and the retired Old Team."""
    make_team(people["runtime"], "zebra", position=3)
    make_team(people["runtime"], "Bits", status=TeamStatus.INCUBATING, position=4)
    make_team(people["runtime"], "Abacus", status=TeamStatus.INCUBATING, position=5)
    make_team(people["runtime"], "Newcomer", status=TeamStatus.PROPOSED, position=6)
    make_team(people["runtime"], "Ancient", status=TeamStatus.RETIRED, position=7)


def groups_of(response, name: str) -> list[tuple[str, list[str]]]:
    """The <optgroup>s of the page's select `name`: (label, option texts)."""
    page = parse_html(response.content.decode())
    select = next(e for e in page.find_all("select") if e.attrs["name"] == name)
    assert "data-type-ahead" in select.attrs, "a team picker gets the type-ahead filter"
    return [(group.attrs["label"], [o.text for o in group.find_all("option")]) for group in select.find_all("optgroup")]


def test_the_action_owner_picker_groups_teams_by_status_and_sorts_them_then_lists_people(
    client, people, draft, more_teams
):
    client.force_login(people["chair"])
    url = f"{DRAFT}items/{draft.items.get(title='Announcements').pk}/actions/new/"

    groups = groups_of(client.get(url), "owner")

    assert groups[:4] == [
        ("Active teams", ["CLI", "Diego", "zebra"]),
        ("Incubating teams", ["Abacus", "Bits"]),
        ("Proposed teams", ["Newcomer"]),
        ("Retired teams", ["Ancient", "Old Team"]),
    ]
    assert groups[4][0] == "People"


def test_a_grouped_owner_is_still_recorded_by_its_slug(client, people, draft, more_teams):
    client.force_login(people["chair"])
    url = f"{DRAFT}items/{draft.items.get(title='Announcements').pk}/actions/new/"
    page = parse_html(client.get(url).content.decode())
    version = next(i for i in page.find_all("input") if i.attrs.get("name") == "version").attrs["value"]

    response = client.post(url, {"text": "Cut v1", "owner": "abacus", "version": version})

    assert response.status_code == 302
    assert draft.items.get(title="Announcements").body == "- [ ] @abacus: Cut v1\n"


def test_the_actions_filter_groups_its_teams(client, people, more_teams):
    assert groups_of(client.get("/runtime/actions/"), "team") == [
        ("Active", ["CLI", "Diego", "zebra"]),
        ("Incubating", ["Abacus", "Bits"]),
        ("Proposed", ["Newcomer"]),
        ("Retired", ["Ancient", "Old Team"]),
    ]


def test_the_invitation_picker_groups_the_teams_not_retired_and_still_invites_to_one(client, people, more_teams):
    client.force_login(people["chair"])

    assert groups_of(client.get(ROSTER), "invite-team") == [
        ("Active", ["CLI", "Diego", "zebra"]),
        ("Incubating", ["Abacus", "Bits"]),
        ("Proposed", ["Newcomer"]),
    ]
    abacus = people["runtime"].teams.get(slug="abacus")
    response = client.post(
        ROSTER, {"action": "invite", "invite-email": "new@example.org", "invite-team": str(abacus.pk)}
    )
    assert response.status_code == 302
    assert people["runtime"].invitations.get().team == abacus


def test_the_pages_with_a_team_picker_load_the_type_ahead_script(client, people, draft):
    client.force_login(people["chair"])
    item = draft.items.get(title="Announcements").pk
    for url in (ROSTER, "/runtime/actions/", f"{DRAFT}items/{item}/actions/new/"):
        scripts = [s.attrs.get("src", "") for s in parse_html(client.get(url).content.decode()).find_all("script")]
        assert any(src.endswith("js/type-ahead.js") for src in scripts), url
