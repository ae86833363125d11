"""Action items through HTTP: recording one, its outcome in a later meeting's "Open action items", the
committee's actions page."""

from datetime import date

import pytest

from meetings.format.actions import ActionLine
from meetings.format.choices import ItemKind
from meetings.models import ActionItem, ActionOutcome, ActionStatus, Profile, Revision
from meetings.services.actions import record_action
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from meetings.services.search_index import reindex_meeting
from tests.support.accounts import sign_in
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, form_errors, pdf_text

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture: meeting A
LATER = "/runtime/2030-01-22/"  # meeting B
ACTIONS = "/runtime/actions/"


def record(draft, people, owner="cli", text="Cut v7", who="chair"):
    item = draft.items.get(title="Announcements")
    item.refresh_from_db()
    assert record_action(item, action=ActionLine(owner, text), by=people[who], expected_version=item.version)
    return ActionItem.objects.get(text=text)


@pytest.fixture
def later(people, draft):
    return create_meeting(people["runtime"], day=date(2030, 1, 22))


def outcome_url(action) -> str:
    return f"{LATER}actions/{action.pk}/outcome/"


def open_list(response):
    page = parse_html(response.content.decode())
    return page.by_id("section-open-action-items")


# --- recording -------------------------------------------------------------------------------------


def test_the_chair_records_an_action_for_a_team_in_a_section(client, people, draft):
    client.force_login(people["chair"])
    url = f"{DRAFT}items/{draft.items.get(title='Announcements').pk}/actions/new/"
    fields = browser_form(client.get(url))

    response = client.post(url, {**fields, "text": "Cut v7", "owner": "cli", "due": "2030-02-01"})

    assert response.status_code == 302
    assert draft.items.get(title="Announcements").body == "- [ ] @cli: Cut v7 (due 2030-02-01)\n"
    action = ActionItem.objects.get()
    assert (action.owner_team, action.created_by, action.due) == (people["team_y"], people["chair"], date(2030, 2, 1))


@pytest.mark.parametrize(
    ("link", "back"),
    [
        ("items/{item}/actions/new/?next=/runtime/2030-01-08/edit/%23section-announcements", "section-announcements"),
        ("reports/cli/actions/new/?next=/runtime/2030-01-08/edit/%23cli", "cli"),
    ],
)
def test_an_action_recorded_from_the_chairs_page_returns_to_its_section(client, people, draft, link, back):
    client.force_login(people["chair"])
    url = DRAFT + link.format(item=draft.items.get(title="Announcements").pk)
    assert url in client.get(DRAFT + "edit/").content.decode().replace("&amp;", "&")

    response = client.post(url, {**browser_form(client.get(url)), "text": "Cut v7", "owner": "cli"})

    assert response["Location"] == f"{DRAFT}edit/#{back}"
    assert ActionItem.objects.get().text == "Cut v7"


def test_an_action_with_a_next_off_the_site_returns_to_the_section_instead(client, people, draft):
    client.force_login(people["chair"])
    url = f"{DRAFT}items/{draft.items.get(title='Announcements').pk}/actions/new/?next=https://evil.example/"

    response = client.post(url, {**browser_form(client.get(url)), "text": "Cut v7", "owner": "cli"})

    assert response["Location"] == f"{DRAFT}edit/#section-announcements"


@pytest.mark.parametrize(
    ("who", "team", "status"),
    [("lead_x", "diego", 200), ("lead_x", "cli", 403), ("lead_x_elsewhere", "diego", 404), ("chair", "cli", 200)],
)
def test_who_records_an_action_in_a_report(client, people, draft, who, team, status):
    sign_in(client, people, who)
    assert client.get(f"{DRAFT}reports/{team}/actions/new/").status_code == status


def test_an_action_whose_text_reads_as_a_due_date_is_refused_and_nothing_saved(client, people, draft):
    client.force_login(people["lead_x"])
    url = f"{DRAFT}reports/diego/actions/new/"
    fields = browser_form(client.get(url))

    response = client.post(url, {**fields, "text": "Ship it (due 2030-01-01)", "owner": "diego"})

    assert response.status_code == 200
    assert any("due date in its own field" in error for error in form_errors(response))
    assert not ActionItem.objects.exists()


def test_an_unknown_owner_is_refused(client, people, draft):
    client.force_login(people["chair"])
    url = f"{DRAFT}reports/diego/actions/new/"
    response = client.post(url, {**browser_form(client.get(url)), "text": "Ship", "owner": "nobody"})

    assert response.status_code == 200
    assert not ActionItem.objects.exists()


def test_recording_an_action_in_published_minutes_needs_a_reason_which_the_history_keeps(client, people, published):
    item = published.items.get(title="Announcements")
    url = f"/runtime/2029-12-25/items/{item.pk}/actions/new/"
    client.force_login(people["chair"])
    page = client.get(url)
    assert "These minutes are published." in page.content.decode()
    action = {**browser_form(page), "text": "Cut v7", "owner": "cli"}

    refused = client.post(url, action)

    assert refused.status_code == 200
    assert "This field is required." in form_errors(refused)
    item.refresh_from_db()
    assert (item.body, ActionItem.objects.exists(), Revision.objects.filter(meeting=published).exists()) == (
        "",
        False,
        False,
    )

    response = client.post(url, {**action, "reason": "Agreed at the meeting, left out by mistake"})

    assert response.status_code == 302
    assert ActionItem.objects.get().text == "Cut v7"
    amendment = Revision.objects.get(meeting=published)
    assert (amendment.after_publication, amendment.reason) == (True, "Agreed at the meeting, left out by mistake")
    assert "Agreed at the meeting, left out by mistake" in client.get("/runtime/2029-12-25/history/").content.decode()


def test_recording_an_action_in_a_draft_asks_no_reason(client, people, draft):
    client.force_login(people["chair"])
    page = client.get(f"{DRAFT}reports/diego/actions/new/")

    assert "reason" not in browser_form(page) and "These minutes are published." not in page.content.decode()


# --- the next meeting's open action items ----------------------------------------------------------


def test_open_actions_appear_in_the_next_meeting_with_origin_and_age(client, people, draft, later):
    record(draft, people)
    client.force_login(people["lead_x"])

    section = open_list(client.get(LATER))

    assert "Cut v7" in section.text
    assert "2030-01-08, Announcements" in section.text and "14 days old" in section.text
    origin = section.find("p", class_="action-origin").find("a")
    assert origin.attrs["href"] == DRAFT + "#section-announcements"
    # Placed after the chair's sections, before the teams' (the standard agenda has no such item).
    ids = [s.attrs["id"] for s in parse_html(client.get(LATER).content.decode()).find_all("section")]
    assert ids.index("section-open-action-items") < ids.index("section-backlog-reviews")
    assert "section-open-action-items" not in ids[: ids.index("section-announcements")]


def test_the_agenda_template_places_the_open_actions(client, people, draft):
    record(draft, people)
    people["runtime"].set_default_agenda(
        [
            {"title": "Open action items", "kind": ItemKind.ACTIONS, "agenda_label": "Action items", "body": ""},
            {"title": "", "kind": ItemKind.BACKLOG, "agenda_label": "", "body": ""},
            {"title": "Discussion", "kind": ItemKind.NOTES, "agenda_label": "", "body": ""},
        ]
    )
    create_meeting(people["runtime"], day=date(2030, 1, 22))
    client.force_login(people["chair"])

    sections = parse_html(client.get(LATER).content.decode()).find_all("section")

    assert sections[0].attrs["id"] == "section-open-action-items"
    assert "Cut v7" in sections[0].text


def test_the_owner_closes_an_action_in_the_later_meeting(client, people, draft, later):
    action = record(draft, people)
    client.force_login(people["lead_y"])  # leads CLI, the owner
    page = client.get(LATER)
    assert open_list(page).find("form") is not None

    response = client.post(outcome_url(action), {"outcome": "done", "note": "Released on Monday"})

    assert response.status_code == 302
    assert response["Location"] == f"{LATER}#action-{action.pk}"
    action.refresh_from_db()
    assert (action.status, action.closed_in) == (ActionStatus.DONE, later)
    outcome = ActionOutcome.objects.get()
    assert (outcome.meeting, outcome.note, outcome.by) == (later, "Released on Monday", people["lead_y"])
    assert "Done: Released on Monday" in open_list(client.get(LATER)).text


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("lead_x_elsewhere", 404), ("chair", 302)])
def test_only_the_owner_or_the_chair_records_an_outcome(client, people, draft, later, who, status):
    action = record(draft, people)
    sign_in(client, people, who)

    response = client.post(outcome_url(action), {"outcome": "dropped", "note": ""})

    assert response.status_code == status
    assert ActionOutcome.objects.exists() == (status == 302)


def test_another_lead_sees_the_open_actions_without_a_form(client, people, draft, later):
    record(draft, people)
    client.force_login(people["lead_x"])

    assert open_list(client.get(LATER)).find("form") is None


def test_a_bad_outcome_is_a_clear_400_and_records_nothing(client, people, draft, later):
    action = record(draft, people)
    client.force_login(people["chair"])

    response = client.post(outcome_url(action), {"outcome": "finished"})

    assert response.status_code == 400
    assert form_errors(response)
    assert not ActionOutcome.objects.exists()


def test_the_outcome_forms_start_at_no_choice(client, people, draft, later):
    action = record(draft, people)
    client.force_login(people["chair"])

    own_page = parse_html(client.get(outcome_url(action)).content.decode()).find("select", name="outcome")
    listed = open_list(client.get(LATER)).find("select", name="outcome")

    for select in (own_page, listed):
        first, *others = select.find_all("option")
        assert (first.attrs["value"], first.text) == ("", "Choose an outcome")
        assert not any("selected" in option.attrs for option in others)


def test_an_outcome_not_chosen_is_a_clear_400_and_records_nothing(client, people, draft, later):
    action = record(draft, people)
    client.force_login(people["chair"])

    response = client.post(outcome_url(action), {"outcome": "", "note": "Forgot to choose"})

    assert response.status_code == 400
    assert form_errors(response) == ["Choose what became of the action: done, dropped or carried."]
    assert not ActionOutcome.objects.exists()


def test_no_outcome_in_a_meeting_before_the_action(client, people, draft, later):
    action = record(draft, people)
    client.force_login(people["chair"])

    assert client.post(f"{DRAFT}actions/{action.pk}/outcome/", {"outcome": "done"}).status_code == 404


def test_a_published_meeting_lists_no_action_of_draft_minutes(client, people, draft, later):
    record(draft, people, text="Draft-only action")
    publish_meeting(later)

    response = client.get(LATER)

    assert response.status_code == 200
    assert "Draft-only action" not in response.content.decode()


# --- the committee's actions page ------------------------------------------------------------------


def test_the_actions_page_shows_published_actions_to_everyone_and_drafts_to_the_committee(client, people, draft):
    record(draft, people, text="Draft-only action")
    assert "Draft-only action" not in client.get(ACTIONS).content.decode()

    client.force_login(people["lead_x"])
    assert "Draft-only action" in client.get(ACTIONS).content.decode()

    publish_meeting(draft)
    client.logout()
    assert "Draft-only action" in client.get(ACTIONS).content.decode()


def test_the_actions_page_filters_by_team_and_person(client, people, draft):
    record(draft, people, owner="cli", text="For the CLI team")
    record(draft, people, owner="lead-x", text="For Eric")
    publish_meeting(draft)

    by_team = client.get(ACTIONS, {"team": "cli"}).content.decode()
    by_person = client.get(ACTIONS, {"person": "lead-x"}).content.decode()

    assert "For the CLI team" in by_team and "For Eric" not in by_team
    assert "For Eric" in by_person and "For the CLI team" not in by_person


def test_an_unknown_filter_says_so_and_lists_everything(client, people, draft):
    record(draft, people)
    publish_meeting(draft)

    response = client.get(ACTIONS, {"team": "<script>"})

    assert response.status_code == 200
    assert "Choose a team and a person from the lists." in response.content.decode()
    assert "Cut v7" in response.content.decode()


# --- the team's timeline and My sections -----------------------------------------------------------


def test_the_team_timeline_shows_its_published_actions(client, people, draft):
    record(draft, people, owner="cli", text="For the CLI team")
    team_page = "/runtime/teams/cli/"
    assert "For the CLI team" not in client.get(team_page).content.decode()

    publish_meeting(draft)

    section = parse_html(client.get(team_page).content.decode()).find("section", **{"aria-labelledby": "actions-title"})
    assert "Open" in section.text and "For the CLI team" in section.text


def test_my_sections_lists_my_open_actions_and_my_teams(client, people, draft, later):
    record(draft, people, owner="cli", text="For the CLI team")
    record(draft, people, owner="lead-y", text="For Abby")
    closed = record(draft, people, owner="cli", text="Already done")
    client.force_login(people["lead_y"])
    client.post(outcome_url(closed), {"outcome": "done"})

    client.get("/")  # the flash message of the outcome, said once
    listed = parse_html(client.get("/my-sections/").content.decode()).find("ul", class_="open-actions").text

    assert "For the CLI team" in listed and "For Abby" in listed and "Already done" not in listed
    client.force_login(people["lead_x"])
    assert "For the CLI team" not in client.get("/my-sections/").content.decode()


# --- public only once published --------------------------------------------------------------------


def test_actions_reach_the_public_page_pdf_and_markdown_only_once_published(client, people, draft, later):
    record(draft, people, text="Ship the zebra release")
    urls = [DRAFT, DRAFT.rstrip("/") + ".md", DRAFT.rstrip("/") + ".pdf"]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert "zebra" not in client.get(ACTIONS).content.decode()

    publish_meeting(draft)
    publish_meeting(later)

    assert "Ship the zebra release" in client.get(DRAFT).content.decode()
    assert "- [ ] @cli: Ship the zebra release\n" in client.get(urls[1]).content.decode()
    assert "Ship the zebra release" in pdf_text(client.get(urls[2]))
    assert "Ship the zebra release" in open_list(client.get(LATER)).text  # the next meeting's open list too


def test_the_chair_closes_an_action_from_the_chairs_page_too(client, people, draft, later):
    record(draft, people)
    client.force_login(people["chair"])

    page = parse_html(client.get(f"{LATER}edit/").content.decode())

    assert page.by_id("section-open-action-items").find("form", class_="outcome-form") is not None


def test_an_outcome_recorded_in_a_published_meeting_reaches_its_cached_page(client, people, draft, later):
    action = record(draft, people)
    publish_meeting(draft)
    publish_meeting(later)
    assert "Dropped" not in open_list(client.get(LATER)).text  # now cached for readers

    sign_in(client, people, "chair").post(outcome_url(action), {"outcome": "dropped", "note": "Not needed"})
    client.logout()

    assert "Dropped: Not needed" in open_list(client.get(LATER)).text


def test_no_action_is_recorded_in_the_open_action_items_section_itself(client, people, draft):
    people["runtime"].set_default_agenda(
        [{"title": "Open action items", "kind": ItemKind.ACTIONS, "agenda_label": "", "body": ""}]
    )
    meeting = create_meeting(people["runtime"], day=date(2030, 1, 22))
    item = meeting.items.get(kind=ItemKind.ACTIONS)
    client.force_login(people["chair"])

    assert "Record an action" not in client.get(f"{LATER}items/{item.pk}/edit/").content.decode()
    assert client.get(f"{LATER}items/{item.pk}/actions/new/").status_code == 404
    assert client.get(f"{LATER}items/{item.pk}/decisions/new/").status_code == 404


# --- names, not usernames ----------------------------------------------------------------------------


def test_readers_read_the_owners_name_or_team_never_the_username(client, people, draft, later):
    record(draft, people, owner="lead-x", text="Write the RFC")  # Eric Malm
    record(draft, people, owner="lead-y", text="Ask ops")  # no name given
    record(draft, people, owner="cli", text="Cut v7")
    publish_meeting(draft)
    publish_meeting(later)

    page = parse_html(client.get(DRAFT).content.decode()).by_id("section-announcements").text
    pdf = pdf_text(client.get(DRAFT.rstrip("/") + ".pdf"))
    listed = parse_html(client.get(ACTIONS).content.decode()).find("table").text
    feed = client.get(ACTIONS + "feed/").content.decode()
    next_meeting = open_list(client.get(LATER)).text

    for shown in [page, pdf, listed, next_meeting]:
        assert "Eric Malm: Write the RFC" in " ".join(shown.split())
        assert "a member: Ask ops" in " ".join(shown.split())
        assert "CLI: Cut v7" in " ".join(shown.split())
    assert "2030-01-08: Eric Malm: Write the RFC" in feed and "2030-01-08: a member: Ask ops" in feed
    for shown in [page, pdf, listed, feed, next_meeting]:
        assert "@lead-x" not in shown and "@lead-y" not in shown and "@cli" not in shown


def test_a_name_with_markdown_in_it_is_shown_as_written(client, people, draft):
    Profile.objects.create(user=people["lead_x"], display_name="Eric *the* Malm")
    record(draft, people, owner="lead-x", text="Write the RFC")
    publish_meeting(draft)

    section = parse_html(client.get(DRAFT).content.decode()).by_id("section-announcements")

    assert "Eric *the* Malm: Write the RFC" in section.text
    assert section.find("em") is None


def test_the_public_person_filter_lists_names_not_usernames(client, people, draft):
    Profile.objects.create(user=people["chair"], display_name="Dieu Cao")
    record(draft, people, owner="lead-x", text="For Eric")
    publish_meeting(draft)

    options = parse_html(client.get(ACTIONS).content.decode()).find("select", name="person")
    labels = [option.text for option in options.find_all("option")]

    assert labels == ["Anyone", "Dieu Cao", "Eric Malm"]  # lead-y has no name: it would read “a member”
    assert "For Eric" in client.get(ACTIONS, {"person": "lead-x"}).content.decode()


def test_the_committee_s_filter_names_people_with_their_handle(client, people, draft):
    client.force_login(people["chair"])

    options = parse_html(client.get(ACTIONS).content.decode()).find("select", name="person")

    assert [option.text for option in options.find_all("option")][1:] == [
        "chair (@chair)",
        "Eric Malm (@lead-x)",
        "lead-y (@lead-y)",
    ]


def test_the_publish_page_warns_of_owners_without_a_name(client, people, draft):
    record(draft, people, owner="lead-x", text="Write the RFC")
    client.force_login(people["chair"])
    publish = DRAFT + "publish/"
    assert "summary-nameless" not in client.get(publish).content.decode()

    record(draft, people, owner="lead-y", text="Ask ops")
    item = draft.items.get(title="Announcements")
    item.body += "- [ ] @someone-else: Not on the roster\n"
    item.save()
    reindex_meeting(draft)  # as every save does: the line's row

    warning = parse_html(client.get(publish).content.decode()).find("li", class_="summary-nameless")

    assert warning is not None
    assert "@lead-y, @someone-else will read “a member”" in " ".join(warning.text.split())


def test_a_name_with_html_in_it_reaches_the_page_as_text(client, people, draft):
    name = '<img src=x onerror="alert(1)">'
    Profile.objects.create(user=people["lead_x"], display_name=name)
    record(draft, people, owner="lead-x", text="Write the RFC")
    publish_meeting(draft)

    section = parse_html(client.get(DRAFT).content.decode()).by_id("section-announcements")
    listed = parse_html(client.get(ACTIONS).content.decode()).find("table")

    for shown in [section, listed]:
        assert f"{name}: Write the RFC" in shown.text
        assert shown.find("img") is None
