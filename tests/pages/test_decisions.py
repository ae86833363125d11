"""Decisions through HTTP: recording one in a section, and the committee's decisions page."""

import pytest

from meetings.format.decisions import DecisionLine, Vote
from meetings.models import Decision, Revision
from meetings.services.decisions import record_decision
from meetings.services.publishing import publish_meeting
from tests.support.accounts import login_redirect, sign_in
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, form_errors

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
REPORT_X = DRAFT + "reports/diego/decisions/new/"
REPORT_Y = DRAFT + "reports/cli/decisions/new/"
DECISIONS = "/runtime/decisions/"


def item_url(draft, title: str) -> str:
    return f"{DRAFT}items/{draft.items.get(title=title).pk}/decisions/new/"


# --- recording a decision -----------------------------------------------------------------------


def test_a_lead_records_a_decision_with_its_vote_in_their_report(client, people, draft):
    client.force_login(people["lead_x"])
    fields = browser_form(client.get(REPORT_X))

    response = client.post(
        REPORT_X,
        {
            **fields,
            "text": "Adopt the Xenial stemcell",
            "votes_for": "5",
            "votes_against": "0",
            "votes_abstain": "1",
            "link": "https://lists.example.org/vote/7",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == DRAFT + "reports/diego/edit/"
    report = draft.reports.get(team=people["team_x"])
    assert report.body == (
        "> **Decision:** Adopt the Xenial stemcell (for 5, against 0, abstain 1) [link](https://lists.example.org/vote/7)\n"
    )
    assert report.updated_by == people["lead_x"]


def test_recording_a_decision_in_published_minutes_needs_a_reason_which_the_history_keeps(client, people, published):
    url = "/runtime/2029-12-25/reports/diego/decisions/new/"
    client.force_login(people["chair"])
    page = client.get(url)
    assert "These minutes are published." in page.content.decode()
    decision = {**browser_form(page), "text": "Adopt the Xenial stemcell"}

    refused = client.post(url, decision)

    assert refused.status_code == 200
    assert "This field is required." in form_errors(refused)
    assert published.reports.get(team=people["team_x"]).body == ""
    assert not Revision.objects.filter(meeting=published).exists() and not Decision.objects.exists()

    response = client.post(url, {**decision, "reason": "The vote was taken at the meeting"})

    assert response.status_code == 302
    assert "Adopt the Xenial stemcell" in published.reports.get(team=people["team_x"]).body
    amendment = Revision.objects.get(meeting=published)
    assert (amendment.after_publication, amendment.reason) == (True, "The vote was taken at the meeting")
    assert "The vote was taken at the meeting" in client.get("/runtime/2029-12-25/history/").content.decode()


def test_recording_a_decision_in_a_draft_asks_no_reason(client, people, draft):
    client.force_login(people["lead_x"])
    page = client.get(REPORT_X)

    assert "reason" not in browser_form(page) and "These minutes are published." not in page.content.decode()


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("lead_y", REPORT_X, 403),  # another team's report
        ("lead_x", REPORT_Y, 403),
        ("lead_x_elsewhere", REPORT_X, 404),  # a draft of a committee they have no team in
        ("member", REPORT_X, 404),
        ("chair", REPORT_X, 200),
        ("chair", REPORT_Y, 200),
    ],
)
def test_who_may_record_a_decision_in_a_report(client, people, draft, who, url, status):
    assert sign_in(client, people, who).get(url).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, draft):
    assert client.get(REPORT_X)["Location"] == login_redirect(REPORT_X)


def test_only_the_chair_records_a_decision_in_the_chairs_sections(client, people, draft):
    url = item_url(draft, "Announcements")
    assert sign_in(client, people, "lead_x").post(url, {"text": "Sneak", "version": "1"}).status_code == 403
    client.force_login(people["chair"])
    response = client.post(url, {"text": "Meet weekly", "version": "1"})
    assert response.status_code == 302
    assert Decision.objects.get().text == "Meet weekly"


def test_no_decision_in_the_agenda_list_or_a_bullet_without_a_section(client, people, draft):
    client.force_login(people["chair"])
    agenda = draft.items.filter(kind="agenda").first()
    assert agenda is not None
    assert client.get(f"{DRAFT}items/{agenda.pk}/decisions/new/").status_code == 404
    bullet = draft.items.create(position=99, level=0, agenda_label="Any other business", agenda_position=99)
    assert client.post(f"{DRAFT}items/{bullet.pk}/decisions/new/", {"text": "Lost", "version": "1"}).status_code == 404
    assert not Decision.objects.exists()


def test_a_lead_cannot_record_a_decision_once_the_minutes_are_published(client, people, draft):
    publish_meeting(draft)
    assert sign_in(client, people, "lead_x").get(REPORT_X).status_code == 403


def test_a_vote_needs_its_three_counts(client, people, draft):
    client.force_login(people["lead_x"])
    response = client.post(REPORT_X, {"text": "Adopt X", "votes_for": "5", "version": "1"})
    assert response.status_code == 200
    assert "Give all three counts of the vote (0 where nobody), or none." in form_errors(response)
    assert draft.reports.get(team=people["team_x"]).body == ""


def test_a_text_the_minutes_would_read_as_a_vote_is_refused(client, people, draft):
    client.force_login(people["lead_x"])
    response = client.post(REPORT_X, {"text": "Adopt X (for 1, against 2, abstain 3)", "version": "1"})
    assert response.status_code == 200
    assert any("read this decision differently" in error for error in form_errors(response))
    assert not Decision.objects.exists()


def test_a_decision_on_a_report_saved_meanwhile_is_a_conflict(client, people, draft):
    client.force_login(people["lead_x"])
    fields = browser_form(client.get(REPORT_X))
    report = draft.reports.get(team=people["team_x"])
    record_decision(report, decision=DecisionLine("First"), by=people["chair"], expected_version=1)

    response = client.post(REPORT_X, {**fields, "text": "Second"})

    assert response.status_code == 409
    assert [d.text for d in Decision.objects.all()] == ["First"]
    assert browser_form(response)["version"] == "2"


def test_the_edit_pages_link_to_recording_a_decision(client, people, draft):
    client.force_login(people["chair"])
    assert REPORT_X in client.get(DRAFT + "reports/diego/edit/").content.decode()
    item = draft.items.get(title="Announcements")
    assert item_url(draft, "Announcements") in client.get(f"{DRAFT}items/{item.pk}/edit/").content.decode()


# --- one click from the chair's page, and back to the section ---------------------------------------------


def plus_links(response, section_id: str) -> dict[str, str]:
    """The "+ Decision" and "+ Action" links of a section of the chair's page, by their visible words."""
    section = parse_html(response.content.decode()).by_id(section_id)
    return {a.text.split(" in ")[0]: a.attrs["href"] for a in section.find_all("a") if a.text.startswith("+ ")}


def test_each_section_of_the_chairs_page_has_its_decision_and_action_one_click_away(client, people, draft):
    client.force_login(people["chair"])
    page = client.get(DRAFT + "edit/")
    item = draft.items.get(title="Announcements").pk

    assert plus_links(page, "section-announcements") == {
        "+ Decision": f"{DRAFT}items/{item}/decisions/new/?next=/runtime/2030-01-08/edit/%23section-announcements",
        "+ Action": f"{DRAFT}items/{item}/actions/new/?next=/runtime/2030-01-08/edit/%23section-announcements",
    }
    assert plus_links(page, "diego") == {
        "+ Decision": f"{REPORT_X}?next=/runtime/2030-01-08/edit/%23diego",
        "+ Action": f"{DRAFT}reports/diego/actions/new/?next=/runtime/2030-01-08/edit/%23diego",
    }
    agenda = parse_html(page.content.decode()).find("section", class_="kind-agenda")
    assert not [a for a in agenda.find_all("a") if a.text.startswith("+ ")]  # the list is made, not written


@pytest.mark.parametrize("section_id", ["section-announcements", "diego"])
def test_a_decision_recorded_from_the_chairs_page_returns_to_its_section(client, people, draft, section_id):
    client.force_login(people["chair"])
    url = plus_links(client.get(DRAFT + "edit/"), section_id)["+ Decision"]
    form = client.get(url)
    assert parse_html(form.content.decode()).find("input", name="next").attrs["value"] == f"{DRAFT}edit/#{section_id}"

    response = client.post(url, {**browser_form(form), "text": "Meet weekly"})

    assert response["Location"] == f"{DRAFT}edit/#{section_id}"
    assert Decision.objects.get().text == "Meet weekly"


def test_a_decision_recorded_from_the_sections_editor_returns_to_the_section_on_the_chairs_page(client, people, draft):
    client.force_login(people["chair"])
    url = item_url(draft, "Announcements")

    response = client.post(url, {**browser_form(client.get(url)), "text": "Meet weekly"})

    assert response["Location"] == f"{DRAFT}edit/#section-announcements"


# --- the committee's decisions page ---------------------------------------------------------------


@pytest.fixture
def decided(people, draft):
    """The draft with two decisions, published, and a later draft with one the public may not see yet."""
    report = draft.reports.get(team=people["team_x"])
    record_decision(
        report,
        decision=DecisionLine("Retire the v0 API", Vote(4, 1, 0), "https://e.org/t/1"),
        by=people["lead_x"],
        expected_version=1,
    )
    item = draft.items.get(title="Announcements")
    record_decision(item, decision=DecisionLine("Meet *weekly*"), by=people["chair"], expected_version=1)
    publish_meeting(draft)
    later = draft.__class__.objects.create(committee=people["runtime"], date="2030-02-05", title="Later")
    later_item = later.items.create(position=0, title="Notes", body="> **Decision:** Secret plan\n")
    record_decision(later_item, decision=DecisionLine("Also secret"), by=people["chair"], expected_version=1)
    return draft


def decision_rows(response) -> list[str]:
    tree = parse_html(response.content.decode())
    return [" ".join(li.text.split()) for li in tree.find_all("li") if "decision" in li.attrs.get("class", "")]


def test_the_decisions_page_lists_published_decisions_with_vote_link_and_section(client, decided):
    response = client.get(DECISIONS)
    assert response.status_code == 200
    assert decision_rows(response) == [
        "Meet weekly — Announcements",
        "Retire the v0 API (for 4, against 1, abstain 0) link for this decision — Diego",
    ]
    page = response.content.decode()
    assert "<em>weekly</em>" in page
    assert 'href="https://e.org/t/1"' in page
    assert 'href="/runtime/2030-01-08/#diego"' in page
    assert 'href="/runtime/2030-01-08/#section-announcements"' in page
    assert "secret" not in page.lower()


def test_the_decisions_page_filters_by_words(client, decided):
    assert decision_rows(client.get(DECISIONS + "?q=v0+retire")) == [
        "Retire the v0 API (for 4, against 1, abstain 0) link for this decision — Diego"
    ]
    assert decision_rows(client.get(DECISIONS + "?q=announcements")) == ["Meet weekly — Announcements"]
    response = client.get(DECISIONS + "?q=nothing-like-it")
    assert decision_rows(response) == []
    assert "No decision holds “nothing-like-it”." in response.content.decode()


def test_the_committee_page_links_its_decisions(client, decided):
    assert f'href="{DECISIONS}"' in client.get("/runtime/").content.decode()


def test_an_unknown_committee_has_no_decisions_page(client, db):
    assert client.get("/nowhere/decisions/").status_code == 404
