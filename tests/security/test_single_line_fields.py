"""Names, titles and labels are one line: a line break in one breaks e-mail headers and the exported Markdown."""

import pytest
from django.forms.models import model_to_dict

from meetings.forms.chair import ItemForm, MeetingCreateForm
from meetings.forms.committee import AgendaTemplateItemForm, CommitteeSettingsForm, TeamCreateForm, TeamForm
from meetings.forms.readiness import AttendanceForm
from meetings.models import Meeting

ONE_LINE = "one line"  # in the message
# Every character Python's str.splitlines() breaks a line at, e-mail and Markdown readers included.
BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def settings_data(committee, **fields) -> dict:
    data = model_to_dict(committee, fields=CommitteeSettingsForm._meta.fields)
    return {name: value for name, value in {**data, **fields}.items() if value is not None}


def team_data(team, **fields) -> dict:
    data = model_to_dict(team, fields=TeamForm._meta.fields)
    data = {**data, "leads": [user.pk for user in data["leads"]], "co_leads": [user.pk for user in data["co_leads"]]}
    return {name: value for name, value in {**data, **fields}.items() if value is not None}


# (form, its field): each builds the form with valid data but for `text` in that field.
FORMS = {
    "meeting title": (lambda p, text: MeetingCreateForm({"date": "2031-01-07", "title": text}, committee=p["runtime"])),
    "item title": (lambda p, text: ItemForm({"title": text, "agenda_label": "", "body": "", "version": "1"})),
    "item agenda label": (lambda p, text: ItemForm({"title": "x", "agenda_label": text, "body": "", "version": "1"})),
    "default item title": (lambda p, text: AgendaTemplateItemForm({"title": text, "kind": "notes"})),
    "default item label": (
        lambda p, text: AgendaTemplateItemForm({"title": "x", "kind": "notes", "agenda_label": text})
    ),
    "new team name": (lambda p, text: TeamCreateForm({"name": text, "status": "proposed"}, committee=p["runtime"])),
    "new team leads": (
        lambda p, text: TeamCreateForm(
            {"name": "New", "status": "proposed", "lead_names": text}, committee=p["runtime"]
        )
    ),
    "team name": (lambda p, text: TeamForm(team_data(p["team_y"], name=text), instance=p["team_y"])),
    "team leads": (lambda p, text: TeamForm(team_data(p["team_y"], lead_names=text), instance=p["team_y"])),
    "time zone": (
        lambda p, text: CommitteeSettingsForm(settings_data(p["runtime"], timezone=text), instance=p["runtime"])
    ),
    "team groups": (
        lambda p, text: CommitteeSettingsForm(settings_data(p["runtime"], team_groups=text), instance=p["runtime"])
    ),
    "roadmap disclaimer": (
        lambda p, text: CommitteeSettingsForm(
            settings_data(p["runtime"], roadmap_disclaimer=text), instance=p["runtime"]
        )
    ),
    "attendee affiliation": (
        lambda p, text: AttendanceForm(
            {"users": [str(p["lead_x"].pk)], f"affiliation_{p['lead_x'].pk}": text},
            accounts=[(p["lead_x"], "Eric Malm", "")],
        )
    ),
}
# One line that each field accepts; a line break and a second line make it refused.
GOOD_TEXT = {"time zone": "Europe/Berlin"}


@pytest.mark.parametrize("field", FORMS)
def test_a_single_line_field_refuses_every_line_break(people, field):
    build = FORMS[field]
    good = GOOD_TEXT.get(field, "Europe Berlin")
    assert build(people, good).is_valid(), build(people, good).errors
    for separator in BREAKS:
        form = build(people, f"{good}{separator}Bcc: all@example.org")
        assert not form.is_valid(), f"{separator!r} accepted"
        messages = " ".join(str(error) for errors in form.errors.values() for error in errors)
        assert ONE_LINE in messages, f"{separator!r}: {messages}"


def test_a_meeting_title_with_a_line_break_is_refused_on_the_page(client, people):
    client.force_login(people["chair"])
    response = client.post("/runtime/meetings/new/", {"date": "2031-01-07", "title": "Runtime\nBcc: all@example.org"})
    assert response.status_code == 200
    assert ONE_LINE in response.content.decode()
    assert not Meeting.objects.filter(committee=people["runtime"]).exists()
