"""The profile page: every account sets the name the minutes show and an affiliation; nobody else's."""

from meetings.models import NAMELESS, Profile, person_name, public_name
from tests.support.accounts import login_redirect
from tests.support.pages import browser_form

PROFILE = "/accounts/profile/"


def test_signing_in_is_required(client, db):
    assert client.get(PROFILE)["Location"] == login_redirect(PROFILE)


def test_the_page_starts_from_the_accounts_full_name(client, people):
    client.force_login(people["lead_x"])
    assert browser_form(client.get(PROFILE))["display_name"] == "Eric Malm"


def test_an_account_sets_its_name_and_affiliation(client, people):
    client.force_login(people["lead_y"])
    form = browser_form(client.get(PROFILE))

    response = client.post(PROFILE, {**form, "display_name": "Abby Chau", "affiliation": "SAP"})

    assert response.status_code == 302
    profile = Profile.objects.get(user=people["lead_y"])
    assert (profile.display_name, profile.affiliation) == ("Abby Chau", "SAP")
    assert Profile.objects.count() == 1  # only the signed-in account's


def test_a_name_stays_on_one_line(client, people):
    client.force_login(people["lead_y"])
    response = client.post(PROFILE, {"display_name": "Abby\nChau", "affiliation": ""})
    assert response.status_code == 200
    assert not Profile.objects.filter(display_name__contains="Abby").exists()


def test_the_public_name_is_never_the_username(people):
    assert public_name(people["lead_x"]) == "Eric Malm"  # the account's full name
    assert (person_name(people["lead_y"]), public_name(people["lead_y"])) == ("", NAMELESS)
    Profile.objects.create(user=people["lead_y"], display_name="Abby Chau")
    people["lead_y"].refresh_from_db()
    assert public_name(people["lead_y"]) == "Abby Chau"
