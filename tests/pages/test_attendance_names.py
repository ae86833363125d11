"""The attendance page: a name typed beside an account that has none, and an error that keeps the rest of the form."""

from datetime import date

from meetings.models import Attendee, Profile
from meetings.services.scheduling import create_meeting
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form

ATTENDANCE = "/runtime/2030-01-08/attendance/"


def row_of(response, label: str):
    page = parse_html(response.content.decode())
    return next(row for row in page.find_all("div", class_="attendee-account") if row.find("label").text == label)


def test_an_account_without_a_name_has_a_name_field_in_its_row(client, people, draft):
    client.force_login(people["chair"])
    response = client.get(ATTENDANCE)

    nameless = row_of(response, "lead-y (no name yet)")
    named = row_of(response, "Eric Malm")
    assert [i.attrs["name"] for i in nameless.find_all("input") if i.attrs.get("type") == "text"] == [
        f"name_{people['lead_y'].pk}",
        f"affiliation_{people['lead_y'].pk}",
    ]
    assert [i.attrs["name"] for i in named.find_all("input") if i.attrs.get("type") == "text"] == [
        f"affiliation_{people['lead_x'].pk}"
    ]


def test_the_name_typed_for_an_account_is_the_one_the_minutes_list(client, people, draft):
    client.force_login(people["chair"])
    form = browser_form(client.get(ATTENDANCE))
    form["users"] = [str(people["lead_y"].pk)]
    form[f"name_{people['lead_y'].pk}"] = "  Stev Witt "
    form[f"affiliation_{people['lead_y'].pk}"] = "SAP"

    response = client.post(ATTENDANCE, form)

    assert response.status_code == 302, response.content.decode()
    assert [(a.name, a.affiliation, a.user) for a in draft.attendees.all()] == [("Stev Witt", "SAP", people["lead_y"])]
    # The minutes list the typed name, never the account's username; the name is offered again next time.
    markdown = client.get("/runtime/2030-01-08.md").content.decode()
    assert "## Attendees\n\n* Stev Witt, SAP\n" in markdown and "lead-y" not in markdown
    assert browser_form(client.get(ATTENDANCE))[f"name_{people['lead_y'].pk}"] == "Stev Witt"


def test_a_name_typed_in_an_earlier_meeting_is_offered_in_the_next(client, people, draft):
    client.force_login(people["chair"])
    form = browser_form(client.get(ATTENDANCE))
    client.post(ATTENDANCE, {**form, "users": [str(people["lead_y"].pk)], f"name_{people['lead_y'].pk}": "Stev Witt"})
    create_meeting(people["runtime"], day=date(2030, 1, 22))

    response = client.get("/runtime/2030-01-22/attendance/")

    assert browser_form(response)[f"name_{people['lead_y'].pk}"] == "Stev Witt"


def test_a_ticked_account_left_without_a_name_is_that_rows_error_and_the_form_keeps_everything(client, people, draft):
    Profile.objects.create(user=people["chair"], display_name="Dieu Cao")
    client.force_login(people["chair"])
    form = browser_form(client.get(ATTENDANCE))
    form["users"] = [str(people["chair"].pk), str(people["lead_x"].pk), str(people["lead_y"].pk)]
    form[f"affiliation_{people['lead_x'].pk}"] = "Pivotal"
    form[f"affiliation_{people['lead_y'].pk}"] = "SAP"
    form["others"] = "Chip Childers, Cloud Foundry Foundation"

    response = client.post(ATTENDANCE, form)

    assert response.status_code == 200
    assert not Attendee.objects.exists()
    # The error sits in lead-y's row and names it; no error on the form as a whole.
    row = row_of(response, "lead-y (no name yet)")
    [error] = row.find_all("div", class_="form-errors")
    assert "lead-y has no name yet" in error.text and "type their name" in error.text
    page = parse_html(response.content.decode())
    assert [e.text for e in page.find_all("div", class_="form-errors")] == [error.text]
    # Every tick, affiliation and typed line stays as entered.
    again = browser_form(response)
    assert sorted(again["users"]) == sorted(form["users"])  # the three ticks
    assert again[f"affiliation_{people['lead_x'].pk}"] == "Pivotal"
    assert again[f"affiliation_{people['lead_y'].pk}"] == "SAP"
    assert again["others"].strip() == "Chip Childers, Cloud Foundry Foundation"


def test_a_typed_name_also_listed_under_other_attendees_is_refused_as_twice(client, people, draft):
    client.force_login(people["chair"])
    form = browser_form(client.get(ATTENDANCE))
    form["users"] = [str(people["lead_y"].pk)]
    form[f"name_{people['lead_y'].pk}"] = "Stev Witt"
    form["others"] = "Stev Witt, SAP"

    response = client.post(ATTENDANCE, form)

    assert response.status_code == 200
    assert "Stev Witt is listed twice" in response.content.decode()
    assert not Attendee.objects.exists()


def test_a_name_typed_beside_an_account_not_ticked_lists_no_one(client, people, draft):
    client.force_login(people["chair"])
    form = browser_form(client.get(ATTENDANCE))
    form["users"] = []
    form[f"name_{people['lead_y'].pk}"] = "Stev Witt"

    assert client.post(ATTENDANCE, form).status_code == 302
    assert not Attendee.objects.exists()
