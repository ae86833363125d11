"""The chair's controls of the live room through HTTP (meetings/views/live_run.py): who may use them, plain POSTs
coming back to the room, JSON for run.js, clear refusals, query budgets; and the panels the room page includes."""

import json

import pytest
from django.contrib.messages import get_messages
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from meetings.models import ActionItem, BacklogReport, MeetingRun
from meetings.queries.live_run import room_sections
from meetings.services import live_events
from meetings.services.meeting_run import set_current_section, start_meeting
from meetings.views.live_run import run_panel_context
from tests.support.accounts import login_redirect
from tests.support.builders import make_team, make_user
from tests.support.html_tree import parse_html
from tests.support.live import drop_rooms
from tests.support.pages import form_errors

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
ROOM = DRAFT + "live/"
RUN = DRAFT + "live/run/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def nobody_told(monkeypatch):
    """No channel layer in these tests: what the followers would be told is kept here."""
    sent = []
    monkeypatch.setattr(live_events, "publish", lambda meeting_id, event: sent.append(event))
    yield sent
    drop_rooms()


@pytest.fixture
def started(draft, people):
    start_meeting(draft, by=people["chair"])
    return draft


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- who may -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["start/", "current/", "end/"])
def test_a_lead_cannot_start_move_or_end_the_meeting(client, people, started, url):
    client.force_login(people["lead_x"])

    response = client.post(RUN + url, {"section": "diego"})

    assert response.status_code == 403
    assert MeetingRun.objects.get().current_key is None and MeetingRun.objects.get().is_running


@pytest.mark.parametrize("url", ["start/", "current/", "end/", "attendance/", "sections/diego/decisions/"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, draft, url):
    response = client.post(RUN + url)

    assert response.status_code == 302 and response["Location"] == login_redirect(RUN + url)


def test_a_member_who_may_not_see_the_draft_gets_a_404(client, people, draft):
    client.force_login(people["member"])

    assert client.post(RUN + "start/").status_code == 404
    assert client.get(RUN).status_code == 404


def test_a_chair_of_another_committee_cannot_start_it(client, people, draft):
    client.force_login(people["other_chair"])

    assert client.post(RUN + "start/").status_code == 404  # a draft of a committee they do not work on


def test_published_minutes_are_not_run(client, people, published):
    client.force_login(people["chair"])

    assert client.post("/runtime/2029-12-25/live/run/start/").status_code == 403
    assert not MeetingRun.objects.exists()


def test_the_controls_need_the_csrf_token(people, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["chair"])

    assert client.post(RUN + "start/").status_code == 403
    assert not MeetingRun.objects.exists()


def test_the_controls_are_posts_only(client, people, draft):
    client.force_login(people["chair"])

    assert client.get(RUN + "start/").status_code == 405
    assert not MeetingRun.objects.exists()


def test_a_lead_cannot_take_attendance(client, people, started):
    client.force_login(people["lead_x"])

    response = client.post(RUN + "attendance/", {"person": "name:Abby Chau", "present": "1"})

    assert response.status_code == 403 and not started.attendees.exists()


def test_a_lead_records_a_decision_only_in_their_own_teams_section(client, people, started):
    client.force_login(people["lead_x"])

    refused = client.post(RUN + "sections/cli/decisions/", {"text": "Adopt Xenial"})
    in_discussion = client.post(RUN + "sections/section-discussion/decisions/", {"text": "Adopt Xenial"})

    assert refused.status_code == in_discussion.status_code == 403
    assert "Decision" not in started.reports.get(team=people["team_y"]).body


# --- the chair runs it, without JavaScript ---------------------------------------------------------------------------


def test_the_chair_starts_walks_through_and_ends_the_meeting_coming_back_to_the_room(
    client, people, draft, nobody_told
):
    client.force_login(people["chair"])

    started = client.post(RUN + "start/")
    moved = client.post(RUN + "current/", {"section": "diego"})
    ended = client.post(RUN + "end/")

    assert (started.status_code, started["Location"]) == (302, ROOM)
    assert (moved.status_code, moved["Location"]) == (302, ROOM + "#diego")
    assert "Now discussing Diego." in message_texts(moved)
    assert (ended.status_code, ended["Location"]) == (302, DRAFT + "publish/")
    run = MeetingRun.objects.get()
    assert (run.started_by, run.ended_by) == (people["chair"], people["chair"])
    assert run.times.get().report == draft.reports.get(team=people["team_x"])


def test_moving_to_a_section_that_does_not_exist_says_so(client, people, started):
    client.force_login(people["chair"])

    response = client.post(RUN + "current/", {"section": "no-such-team"})

    assert (response.status_code, response["Location"]) == (302, ROOM)
    assert message_texts(response) == ["There is no such section in these minutes (renamed or removed?)."]
    assert MeetingRun.objects.get().current_key is None


def test_moving_before_the_start_says_to_start_first(client, people, draft):
    client.force_login(people["chair"])

    response = client.post(RUN + "current/", {"section": "diego"}, **JSON)

    assert response.status_code == 400
    assert response.json() == {"ok": False, "message": "Start the meeting first."}


def test_ending_a_meeting_never_started_is_refused(client, people, draft):
    client.force_login(people["chair"])

    response = client.post(RUN + "end/")

    assert response["Location"] == ROOM and message_texts(response) == [
        "The meeting has not started: there is nothing to end."
    ]


@pytest.mark.parametrize("data", [{}, {"section": ""}, {"section": "x" * 1000}, {"section": "diego\x00"}])
def test_bad_input_gets_a_message_never_a_500(client, people, started, data):
    client.force_login(people["chair"])

    response = client.post(RUN + "current/", data, **JSON)

    assert response.status_code == 400 and response.json()["message"]


def test_attendance_is_clicked_one_person_at_a_time(client, people, started, nobody_told):
    client.force_login(people["chair"])

    response = client.post(RUN + "attendance/", {"person": "name:Abby Chau", "present": "1"})
    again = client.post(RUN + "attendance/", {"person": "name:Abby Chau", "present": "1"}, **JSON)

    assert (response.status_code, response["Location"]) == (302, ROOM + "#run-attendance")
    assert again.json()["attendees"] == ["Abby Chau"]
    assert [str(row) for row in started.attendees.all()] == ["Abby Chau"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"person": "name:Someone Else", "present": "1"}, "This person is not on the committee's roster."),
        ({"person": "name:Abby Chau", "present": "yes"}, "Select a valid choice. yes is not one of the available"),
        ({"present": "1"}, "This field is required."),
    ],
)
def test_attendance_of_someone_unknown_or_garbled_is_refused(client, people, started, data, message):
    client.force_login(people["chair"])

    response = client.post(RUN + "attendance/", data, **JSON)

    assert response.status_code == 400 and response.json()["message"].startswith(message)
    assert not started.attendees.exists()


def test_an_account_without_a_name_is_refused_with_the_reason(client, people, started):
    client.force_login(people["chair"])

    response = client.post(RUN + "attendance/", {"person": f"user:{people['lead_y'].pk}", "present": "1"}, **JSON)

    assert response.status_code == 400
    assert response.json()["message"] == "lead-y has no name yet, and the minutes never list a username."


# --- decisions and actions inline -----------------------------------------------------------------------------------


def test_a_lead_records_a_decision_in_their_section_and_comes_back_to_it(client, people, started):
    client.force_login(people["lead_x"])

    response = client.post(RUN + "sections/diego/decisions/", {"text": "Adopt Xenial", "votes_for": ""})

    assert (response.status_code, response["Location"]) == (302, ROOM + "#diego")
    assert started.reports.get(team=people["team_x"]).body == "> **Decision:** Adopt Xenial\n"


def test_the_chair_records_an_action_in_the_discussion_with_fetch(client, people, started):
    client.force_login(people["chair"])

    response = client.post(
        RUN + "sections/section-discussion/actions/", {"text": "Write the RFC", "owner": "diego"}, **JSON
    )

    assert response.json() == {"ok": True, "message": "Recorded the action in Discussion."}
    assert ActionItem.objects.get().created_by == people["chair"]


def test_a_refused_decision_shows_its_form_again_with_the_reason_and_the_way_back(client, people, started):
    client.force_login(people["lead_x"])

    response = client.post(RUN + "sections/diego/decisions/", {"text": "", "votes_for": "3"})

    assert response.status_code == 400
    assert "This field is required." in form_errors(response)
    [back] = [link for link in parse_html(response.content.decode()).find_all("a") if link.text == "Cancel"]
    assert back.attrs["href"] == ROOM + "#diego"


def test_a_refused_action_with_fetch_says_why_per_field(client, people, started):
    client.force_login(people["chair"])

    response = client.post(RUN + "sections/diego/actions/", {"text": "Write it", "owner": "nobody"}, **JSON)

    assert response.status_code == 400
    assert "owner" in response.json()["errors"] and not ActionItem.objects.exists()


def test_a_decision_in_a_section_that_does_not_exist_is_a_404(client, people, started):
    client.force_login(people["chair"])

    assert client.post(RUN + "sections/no-such/decisions/", {"text": "x"}).status_code == 404


def test_the_backlog_reviews_footnote_is_no_section_of_its_own(client, people, started):
    """The review's body and footnote share an anchor: a line goes into the body."""
    client.force_login(people["chair"])

    client.post(RUN + "sections/section-backlog-reviews/decisions/", {"text": "Adopt Xenial"})

    review = started.items.get(title="Backlog Reviews")
    assert review.body.endswith("> **Decision:** Adopt Xenial\n") and "Decision" not in review.footnote


# --- the run as JSON, for the cached meeting page ---------------------------------------------------------------------


def test_the_run_is_read_as_json_by_whoever_reads_the_meeting(client, people, started):
    set_current_section(started, started.reports.get(team=people["team_x"]), by=people["chair"])
    client.force_login(people["lead_y"])

    response = client.get(RUN)

    event = response.json()
    assert (event["type"], event["state"], event["current"], event["current_title"]) == (
        "run",
        "running",
        "diego",
        "Diego",
    )
    assert "no-store" in response["Cache-Control"]
    assert "chair" not in json.dumps(event)  # nobody's account in what every reader receives


def test_an_anonymous_reader_cannot_read_a_drafts_run(client, started):
    assert client.get(RUN).status_code == 404


# --- query budgets ----------------------------------------------------------------------------------------------------


def test_the_controls_stay_within_their_query_budgets(client, people, started, django_assert_max_num_queries):
    client.force_login(people["chair"])

    with django_assert_max_num_queries(17):
        client.post(RUN + "current/", {"section": "diego"}, **JSON)
    with django_assert_max_num_queries(24):
        client.post(RUN + "attendance/", {"person": "name:Abby Chau", "present": "1"}, **JSON)
    with django_assert_max_num_queries(8):
        client.get(RUN)


@pytest.mark.parametrize("teams", [0, 6])
def test_the_panels_cost_the_same_queries_however_many_sections(
    people, started, django_assert_max_num_queries, rf, teams
):
    for number in range(teams):
        team = make_team(people["runtime"], f"Team {number}", leads=[make_user(f"lead-{number}", first_name="L")])
        BacklogReport.for_team(started, team, position=10 + number).save()
    set_current_section(started, started.reports.get(team=people["team_x"]), by=people["chair"])

    with django_assert_max_num_queries(18):  # 2 of them the test's own (the sections it includes the tools for)
        context = run_panel_context(started, people["chair"])
        render_panels(rf, people["chair"], started, context)


# --- the panels the room page includes ------------------------------------------------------------------------------


def render_panels(rf: RequestFactory, user, meeting, context) -> str:
    request = rf.get(ROOM)
    request.user = user
    html = render_to_string("meetings/live/_run_panel.html", context, request=request)
    for section in room_sections(meeting):
        html += render_to_string("meetings/live/_section_tools.html", {**context, "section": section}, request=request)
    return html


def buttons(tree) -> list[str]:
    return [button.text for button in tree.find_all("button")]


def actions(tree) -> list[str]:
    return [form.attrs.get("action", "") for form in tree.find_all("form")]


def test_the_chair_sees_the_controls_and_a_lead_only_the_forms_of_their_section(people, started, rf):
    set_current_section(started, started.reports.get(team=people["team_x"]), by=people["chair"])

    chair = parse_html(render_panels(rf, people["chair"], started, run_panel_context(started, people["chair"])))
    lead = parse_html(render_panels(rf, people["lead_x"], started, run_panel_context(started, people["lead_x"])))

    assert "End the meeting" in buttons(chair) and "End the meeting" not in buttons(lead)
    assert len([action for action in actions(chair) if action.endswith("/decisions/")]) == 7
    assert [action for action in actions(lead) if "/sections/" in action] == [
        RUN + "sections/diego/decisions/",
        RUN + "sections/diego/actions/",
    ]
    badges = {
        tools.attrs["data-run-tools"]: "hidden" not in tools.find(**{"data-run-badge": ""}).attrs
        for tools in chair.iter()
        if "data-run-tools" in tools.attrs
    }
    assert [anchor for anchor, shown in badges.items() if shown] == ["diego"]  # the section under discussion
    assert lead.find("a", **{"data-run-current-link": ""}).text == "Diego"


def test_the_chair_clicks_names_and_a_lead_reads_who_is_present(client, people, started, rf):
    client.force_login(people["chair"])
    client.post(RUN + "attendance/", {"person": "name:Abby Chau", "present": "1"})

    chair = parse_html(render_panels(rf, people["chair"], started, run_panel_context(started, people["chair"])))
    lead = parse_html(render_panels(rf, people["lead_x"], started, run_panel_context(started, people["lead_x"])))

    assert chair.find("button", **{"data-run-name": "Abby Chau"}).attrs["aria-pressed"] == "true"
    assert chair.find("button", **{"data-run-name": "Eric Malm"}).attrs["aria-pressed"] == "false"
    assert [item.text for item in lead.find("ul", **{"data-run-present": ""}).find_all("li")] == ["Abby Chau"]


def test_the_meeting_page_of_a_draft_offers_to_follow_the_chair_and_published_minutes_do_not(client, people, published):
    client.force_login(people["chair"])

    assert "data-run-follow" in client.get(DRAFT).content.decode()
    assert "data-run-follow" not in client.get("/runtime/2029-12-25/").content.decode()


def test_the_panels_read_the_sections_the_room_prefetched(people, started, django_assert_max_num_queries):
    reports = Prefetch("reports", queryset=BacklogReport.objects.select_related("team"))
    prefetch_related_objects([started], "items", reports)

    with django_assert_max_num_queries(14):  # the panels' 16, less the items and the reports
        run_panel_context(started, people["chair"])
