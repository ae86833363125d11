"""The live room's page (views/live.py): who may see it, what each may write there, and the note-takers."""

from datetime import date

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.format.choices import ItemKind
from meetings.services import live
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_committee, make_team, make_user
from tests.support.html_tree import parse_html
from tests.support.live import drop_rooms
from tests.support.pages import browser_form

MEETING = "/runtime/2030-01-08"
ROOM = f"{MEETING}/live/"
NOTE_TAKERS = f"{ROOM}note-takers/"


def room_of(client, user=None, url=ROOM):
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return parse_html(response.content.decode())


def sections(tree) -> dict[str, str]:
    """Each section of the room by anchor: "live" (a live editor with its form), "live-only" (an editor
    without a form to post), "read" (rendered text)."""
    found = {}
    for section in tree.find_all("section", class_="live-section"):
        anchor = section.attrs["id"]
        editors = [e for e in section.find_all("div", class_="live-editor") if _owner(e) is section]
        if editors:
            form = next((a for a in editors[0].ancestors() if a.tag == "form"), None)
            found[anchor] = "live" if form is not None else "live-only"
        else:
            found[anchor] = "read"
    return found


def _owner(element):
    return next(a for a in element.ancestors() if a.tag == "section" and "live-section" in a.classes)


# --- who sees the room ------------------------------------------------------------------------------------


def test_a_draft_s_room_is_a_404_to_anonymous_visitors_and_to_people_outside_the_committee(client, people, draft):
    assert client.get(ROOM).status_code == 404
    client.force_login(people["member"])
    assert client.get(ROOM).status_code == 404
    client.force_login(people["lead_x_elsewhere"])  # leads a Diego, but of another committee
    assert client.get(ROOM).status_code == 404


def test_a_published_meeting_s_room_is_read_only_for_anonymous_readers(client, people, draft):
    publish_meeting(draft)
    tree = room_of(client)
    assert set(sections(tree).values()) == {"read"}
    assert not tree.find_all("textarea")
    assert not tree.find(id_="note-takers")


def test_the_chair_writes_every_section_with_a_form_to_fall_back_on(client, people, draft):
    tree = room_of(client, people["chair"])
    kinds = sections(tree)
    assert kinds and set(kinds.values()) == {"live"}
    diego = tree.by_id("diego")
    form = diego.find("form")
    assert form.attrs["action"] == f"{MEETING}/reports/diego/edit/"
    assert form.find("input", name="next").attrs["value"] == f"{ROOM}#diego"
    editor = diego.find("div", class_="live-editor")
    assert editor.attrs["data-live-url"] == "/ws/live/runtime/2030-01-08/diego/"
    assert editor.attrs["data-live-room"] == "diego"
    assert editor.attrs["data-live-label"] == "diego-title"
    assert editor.find("textarea").attrs["name"] == "body"


def test_a_lead_writes_their_team_s_section_and_reads_the_others(client, people, draft):
    draft.reports.filter(team__slug="cli").update(body="CLI **shipped**.")
    kinds = sections(room_of(client, people["lead_x"]))
    assert kinds["diego"] == "live"
    assert kinds["cli"] == "read"
    assert kinds["section-discussion"] == "read"
    cli = room_of(client).by_id("cli")
    assert cli.find("strong").text == "shipped"  # rendered, not the Markdown source


def test_a_co_lead_writes_the_team_s_section(client, people, draft):
    co_lead = make_user("co-lead")
    people["team_x"].co_leads.add(co_lead)
    assert sections(room_of(client, co_lead))["diego"] == "live"


def test_once_published_only_the_chair_writes_and_is_asked_why(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    publish_meeting(draft)
    assert set(sections(room_of(client, people["lead_x"])).values()) == {"read"}
    chair = room_of(client, people["chair"])
    assert set(sections(chair).values()) == {"live"}
    assert chair.by_id("diego").find("input", name="reason").attrs["required"] == ""


def test_the_room_s_anchors_are_the_meeting_page_s_in_the_same_order(client, people, draft):
    client.force_login(people["chair"])
    page = parse_html(client.get(f"{MEETING}/").content.decode())
    page_ids = [e.attrs["id"] for e in page.find_all("section") if {"minutes-section", "report"} & e.classes]
    room_ids = list(sections(room_of(client)))
    assert room_ids == [anchor for anchor in page_ids if anchor in room_ids]
    assert {"diego", "cli", "section-discussion"} <= set(room_ids)


def test_the_room_is_linked_from_the_meeting_page_for_its_writers_only(client, people, draft):
    publish_meeting(draft)
    assert f'href="{ROOM}"' not in client.get(f"{MEETING}/").content.decode()  # an anonymous reader
    client.force_login(people["member"])
    assert ROOM not in client.get(f"{MEETING}/").content.decode()
    client.force_login(people["chair"])
    assert ROOM in client.get(f"{MEETING}/").content.decode()
    assert ROOM in client.get(f"{MEETING}/edit/").content.decode()


def test_the_room_s_page_allows_the_editor_s_styles_by_a_nonce_only(client, people, draft):
    client.force_login(people["chair"])
    response = client.get(ROOM)
    policy = response["Content-Security-Policy"]
    nonce = parse_html(response.content.decode()).find("div", class_="live-editor").attrs["data-csp-nonce"]
    assert nonce and f"style-src 'self' 'nonce-{nonce}'" in policy
    assert "unsafe-inline" not in policy
    assert "nonce" not in client.get(f"{MEETING}/").headers["Content-Security-Policy"]


# --- note-takers ------------------------------------------------------------------------------------------


def test_a_note_taker_writes_the_chair_s_sections_live_and_their_own_team_s_only(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    tree = room_of(client, people["lead_x"])
    kinds = sections(tree)
    assert kinds["section-discussion"] == "live"  # with a form to save the text without JavaScript
    assert kinds["diego"] == "live"
    assert kinds["cli"] == "read"
    assert "readonly" not in tree.by_id("section-discussion").find("textarea").attrs
    assert not tree.find(id_="note-takers")  # naming them is the chair's


def test_the_chair_names_note_takers_from_the_committee_s_people(client, people, draft):
    co_lead = make_user("co-lead")
    people["team_y"].co_leads.add(co_lead)
    client.force_login(people["chair"])
    offered = {e.attrs["value"] for e in room_of(client).by_id("note-takers").find_all("input", type="checkbox")}
    assert offered == {str(people[k].pk) for k in ("chair", "lead_x", "lead_y")} | {str(co_lead.pk)}

    response = client.post(NOTE_TAKERS, {"note_takers": [people["lead_x"].pk, co_lead.pk]})
    assert response.status_code == 302 and response["Location"] == f"{ROOM}#note-takers"
    assert set(draft.note_takers.all()) == {people["lead_x"], co_lead}

    client.post(NOTE_TAKERS, {"note_takers": [co_lead.pk]})  # lead_x unticked
    assert set(draft.note_takers.all()) == {co_lead}


@pytest.mark.parametrize("outsider", ["member", "lead_x_elsewhere", "other_chair"])
def test_someone_outside_the_committee_cannot_be_named_whatever_the_form_sent(client, people, draft, outsider):
    draft.note_takers.add(people["lead_y"])
    client.force_login(people["chair"])
    response = client.post(NOTE_TAKERS, {"note_takers": [people[outsider].pk]}, follow=True)
    assert "Note-takers not saved" in response.content.decode()
    assert set(draft.note_takers.all()) == {people["lead_y"]}  # unchanged


@pytest.mark.parametrize("who", ["lead_x", "lead_y"])
def test_only_the_chair_names_note_takers(client, people, draft, who):
    client.force_login(people[who])
    assert client.post(NOTE_TAKERS, {"note_takers": [people[who].pk]}).status_code == 403
    assert not draft.note_takers.exists()


def test_nobody_is_named_on_published_minutes_nor_by_anonymous_visitors(client, people, draft):
    publish_meeting(draft)
    assert client.post(NOTE_TAKERS, {"note_takers": [people["lead_x"].pk]}).status_code == 302  # to sign in
    client.force_login(people["chair"])
    assert client.post(NOTE_TAKERS, {"note_takers": [people["lead_x"].pk]}).status_code == 403
    assert not draft.note_takers.exists()


def test_a_note_taker_who_no_longer_leads_a_team_writes_nothing_more(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    people["team_x"].leads.remove(people["lead_x"])
    client.force_login(people["lead_x"])
    assert client.get(ROOM).status_code == 404  # no longer of the committee: the draft is not theirs to see


# --- the forms without JavaScript ---------------------------------------------------------------------------


def test_the_fallback_form_saves_and_comes_back_to_the_section(client, people, draft):
    form = room_of(client, people["lead_x"]).by_id("diego").find("form")
    data = {e.attrs["name"]: e.attrs.get("value", "") for e in form.find_all("input") if e.attrs.get("name")}
    response = client.post(form.attrs["action"], {**data, "body": "Saved without JavaScript."})
    assert response.status_code == 302 and response["Location"] == f"{ROOM}#diego"
    assert draft.reports.get(team__slug="diego").body == "Saved without JavaScript."


def test_the_fallback_form_of_a_stale_page_is_a_409_and_loses_nothing(client, people, draft):
    form = room_of(client, people["chair"]).by_id("section-discussion").find("form")
    data = {e.attrs["name"]: e.attrs.get("value", "") for e in form.find_all("input") if e.attrs.get("name")}
    discussion = draft.items.get(title="Discussion")
    discussion.body, discussion.version = "Written live meanwhile.", discussion.version + 1
    discussion.save()
    response = client.post(form.attrs["action"], {**data, "body": "Mine, from the old page."})
    assert response.status_code == 409
    assert "Mine, from the old page." in response.content.decode()
    discussion.refresh_from_db()
    assert discussion.body == "Written live meanwhile."


def discussion_form(client, user) -> tuple[str, dict]:
    """The Discussion's form in the room as `user` sees it: where it posts, and what it sends unchanged."""
    form = room_of(client, user).by_id("section-discussion").find("form")
    data = {e.attrs["name"]: e.attrs.get("value", "") for e in form.find_all("input") if e.attrs.get("name")}
    return form.attrs["action"], data


def test_a_chair_s_section_s_form_posts_its_text_alone(client, people, draft):
    discussion = draft.items.get(title="Discussion")
    action, data = discussion_form(client, people["chair"])
    assert action == f"{ROOM}items/{discussion.pk}/"
    assert set(data) == {"csrfmiddlewaretoken", "version", "next"}  # no heading to send back stale


def test_a_note_taker_saves_the_discussion_without_javascript(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    discussion = draft.items.get(title="Discussion")
    title, label = discussion.title, discussion.agenda_label
    action, data = discussion_form(client, people["lead_x"])

    response = client.post(action, {**data, "body": "Typed without JavaScript."})

    assert response.status_code == 302 and response["Location"] == f"{ROOM}#section-discussion"
    discussion.refresh_from_db()
    assert discussion.body == "Typed without JavaScript."
    assert (discussion.title, discussion.agenda_label) == (title, label)
    assert draft.revisions.latest("pk").author == people["lead_x"]


def test_a_note_taker_cannot_change_a_heading_or_label_through_the_text_s_form(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    discussion = draft.items.get(title="Discussion")
    action, data = discussion_form(client, people["lead_x"])
    client.post(action, {**data, "body": "Notes.", "title": "Renamed", "agenda_label": "Hijacked"})
    discussion.refresh_from_db()
    assert (discussion.body, discussion.title) == ("Notes.", "Discussion")
    assert discussion.agenda_label != "Hijacked"


def test_a_note_taker_s_stale_save_is_a_409_that_keeps_both_texts(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    action, data = discussion_form(client, people["lead_x"])
    discussion = draft.items.get(title="Discussion")
    discussion.body, discussion.version = "Written live meanwhile.", discussion.version + 1
    discussion.save()

    response = client.post(action, {**data, "body": "Mine, from the old page."})

    assert response.status_code == 409
    form = browser_form(response)
    assert form["body"] == "Mine, from the old page."
    assert form["version"] == str(discussion.version)  # a second save is on the new version
    assert "title" not in form and "agenda_label" not in form
    assert "Written live meanwhile." in response.content.decode()  # the saved text, to merge from
    discussion.refresh_from_db()
    assert discussion.body == "Written live meanwhile."
    assert client.post(action, form).status_code == 302  # the merged text saves
    discussion.refresh_from_db()
    assert discussion.body == "Mine, from the old page."


def test_a_note_taker_s_form_merges_into_the_open_room(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    discussion = draft.items.get(title="Discussion")
    action, data = discussion_form(client, people["lead_x"])
    room = async_to_sync(live.open_room)(discussion)
    try:
        assert client.post(action, {**data, "body": "Into the room."}).status_code == 302
        assert room.text == "Into the room."  # what the people in the room see
    finally:
        drop_rooms()


def test_the_text_s_form_is_refused_to_whoever_does_not_take_notes(client, people, draft):
    discussion = draft.items.get(title="Discussion")
    url = f"{ROOM}items/{discussion.pk}/"
    form = {"body": "Not theirs.", "version": discussion.version}
    assert client.post(url, form).status_code == 302  # to sign in
    client.force_login(people["lead_y"])  # a lead, not named
    assert client.post(url, form).status_code == 403
    client.force_login(people["lead_x_elsewhere"])  # named, but of another committee: the draft is not theirs
    draft.note_takers.add(people["lead_x_elsewhere"])
    assert client.post(url, form).status_code == 404
    draft.note_takers.add(people["lead_x"])
    publish_meeting(draft)
    client.force_login(people["lead_x"])  # note-takers write drafts only
    assert client.post(url, form).status_code == 403
    discussion.refresh_from_db()
    assert discussion.body != "Not theirs."


def test_on_published_minutes_the_chair_s_text_form_asks_why(client, people, draft):
    publish_meeting(draft)
    discussion = draft.items.get(title="Discussion")
    action, data = discussion_form(client, people["chair"])
    response = client.post(action, {**data, "body": "Amended."})
    assert response.status_code == 200 and "reason" in browser_form(response)
    discussion.refresh_from_db()
    assert discussion.body != "Amended."
    assert client.post(action, {**data, "body": "Amended.", "reason": "A typo"}).status_code == 302
    assert draft.revisions.latest("pk").reason == "A typo"


def test_the_agenda_list_has_no_text_form(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    agenda = draft.items.get(kind=ItemKind.AGENDA)
    client.force_login(people["lead_x"])
    assert client.post(f"{ROOM}items/{agenda.pk}/", {"body": "x", "version": agenda.version}).status_code == 404


def test_the_text_s_page_shows_the_section_s_text_to_a_note_taker(client, people, draft):
    draft.note_takers.add(people["lead_x"])
    discussion = draft.items.get(title="Discussion")
    discussion.body = "So far."
    discussion.save()
    client.force_login(people["lead_x"])
    response = client.get(f"{ROOM}items/{discussion.pk}/")
    assert response.status_code == 200
    assert browser_form(response)["body"] == "So far."
    # Its Save sits in the editor's action bar, as on the edit pages (sticky at the window's foot on a phone).
    actions = parse_html(response.content.decode()).find("div", class_="editor-actions")
    assert actions.find("button", type="submit").text == "Save"


# --- budget -----------------------------------------------------------------------------------------------


def room_queries(client, teams: int) -> int:
    committee = make_committee(f"Big{teams}")
    chair = make_user(f"chair{teams}")
    committee.chairs.add(chair)
    for n in range(teams):
        make_team(committee, f"Team {n}", leads=[make_user(f"lead{teams}-{n}")], position=n)
    meeting = create_meeting(committee, day=date(2030, 1, 8))
    client.force_login(chair)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/{committee.slug}/{meeting.date}/live/")
    assert response.status_code == 200
    return len(queries)


def test_the_room_costs_as_many_queries_for_20_teams_as_for_2(client, db):
    # The chair's page: sections, editors, note-takers, and the run panel (clocks, attendance, outcome forms).
    assert room_queries(client, 2) == room_queries(client, 20) <= 28
