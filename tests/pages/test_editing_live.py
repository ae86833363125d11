"""The edit forms and the API's PUT while a live room of the section is open, on this server or another.

Their text merges into the room's document (its people see it, the version moves on); a stale form still gets
its 409 and a stale If-Match its 412.
"""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client
from pycrdt import Doc, Text

from meetings.models import LiveState, TokenScope
from meetings.services import live
from meetings.services.editing import save_report
from tests.support.api import put_report, report_url, token_for
from tests.support.live import drop_rooms
from tests.support.pages import browser_form

EDIT = "/runtime/2030-01-08/reports/diego/edit/"


@pytest.fixture(autouse=True)
def no_room_outlives_its_test():
    yield
    drop_rooms()


@pytest.fixture
def report(draft, people):
    report = draft.reports.get(team=people["team_x"])
    assert save_report(report, body="Shipped cells.\n", by=people["lead_x"], expected_version=1)
    return report


class Writer:
    """A browser in the live room: a Yjs document joined to a room, taking every change the room sends it."""

    def __init__(self, room):
        self.room, self.doc = room, Doc()
        self.doc.apply_update(room.answer_step1(self.doc.get_state()))
        room.observe(self.doc.apply_update)

    @property
    def text(self) -> str:
        return str(self.doc.get("body", type=Text))

    def type(self, index: int, text: str, *, by) -> None:
        before = self.doc.get_state()
        self.doc.get("body", type=Text).insert(index, text)
        async_to_sync(self.room.apply)(self.doc.get_update(before), by=by)
        self.room._cancel_timers()  # saved when the test says


def open_here(report):
    return async_to_sync(live.open_room)(report)


def open_elsewhere(report):
    """The room as another app server holds it: not this process's."""
    return async_to_sync(sync_to_async(live._load))(report)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("where", ["here", "elsewhere"])
def test_a_form_save_merges_into_the_open_room(people, report, where):
    room = open_here(report) if where == "here" else open_elsewhere(report)
    writer = Writer(room)
    chair = signed_in(people["chair"])
    form = browser_form(chair.get(EDIT))

    response = chair.post(EDIT, {**form, "body": "Shipped cells.\nAgreed.\n"})

    assert response.status_code == 302
    if where == "elsewhere":
        room.catch_up_now()  # what the relayed update (or the connections' next look at the database) does
    assert writer.text == room.text == "Shipped cells.\nAgreed.\n"
    report.refresh_from_db()
    assert (report.body, report.version) == ("Shipped cells.\nAgreed.\n", 3)
    assert LiveState.objects.get(report=report).version == 3


@pytest.mark.parametrize("where", ["here", "elsewhere"])
def test_a_form_read_before_the_room_s_typing_gets_its_409_and_loses_nothing(people, report, where):
    room = open_here(report) if where == "here" else open_elsewhere(report)
    writer = Writer(room)
    chair = signed_in(people["chair"])
    form = browser_form(chair.get(EDIT))
    writer.type(0, "Diego: ", by=people["lead_x"])
    room.write_log()  # the batch of the last 200 ms

    response = chair.post(EDIT, {**form, "body": "Overwritten.\n"})

    assert response.status_code == 409
    assert browser_form(response)["body"] == "Overwritten.\n"  # the chair's text, to merge
    report.refresh_from_db()
    assert report.body == writer.text == "Diego: Shipped cells.\n"


@pytest.mark.parametrize("where", ["here", "elsewhere"])
def test_the_api_s_put_merges_into_the_open_room_and_a_stale_one_gets_412(client, people, report, where):
    room = open_here(report) if where == "here" else open_elsewhere(report)
    writer = Writer(room)
    secret = token_for(people["lead_x"], TokenScope.REPORT)
    url = report_url(report.meeting, "diego")

    response = put_report(client, url, "Shipped cells.\nVia the API.\n", secret=secret, version=2)

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 3
    if where == "elsewhere":
        room.catch_up_now()
    assert writer.text == room.text == "Shipped cells.\nVia the API.\n"

    stale = put_report(client, url, "Old.\n", secret=secret, version=2)

    assert stale.status_code == 412
    assert stale.json()["current"]["body"] == writer.text


@pytest.mark.parametrize("where", ["here", "elsewhere"])
def test_a_decision_recorded_on_its_page_goes_into_the_open_room_after_what_was_typed(people, report, where):
    room = open_here(report) if where == "here" else open_elsewhere(report)
    writer = Writer(room)
    lead = signed_in(people["lead_x"])
    url = "/runtime/2030-01-08/reports/diego/decisions/new/"
    form = browser_form(lead.get(url))
    writer.type(0, "Diego: ", by=people["lead_x"])
    room.write_log()  # typed after the decision's page was read

    stale = lead.post(url, {**form, "text": "Adopt the Xenial stemcell"})
    assert stale.status_code == 409  # the page was read before the typing: nothing is overwritten
    response = lead.post(url, {**browser_form(stale), "text": "Adopt the Xenial stemcell"})

    assert response.status_code == 302
    if where == "elsewhere":
        room.catch_up_now()
    report.refresh_from_db()
    assert report.body.startswith("Diego: Shipped cells.\n")
    assert "Adopt the Xenial stemcell" in report.body
    assert writer.text == room.text == report.body
