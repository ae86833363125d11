"""Questions before the meeting on the site (views/questions.py): asked on the draft's page, answered in the editor,
counted on My sections and the readiness board, copied into the Discussion by the chair."""

import pytest

from meetings.models import Profile, Question
from meetings.services.publishing import publish_meeting
from meetings.services.questions import answer_question, ask_question
from tests.support.builders import make_user
from tests.support.html_tree import parse_html

MEETING = "/runtime/2030-01-08"
ASK = f"{MEETING}/reports/diego/questions/"
EDIT = f"{MEETING}/reports/diego/edit/"


def text_of(response) -> str:
    return parse_html(response.content.decode()).text


@pytest.mark.parametrize("who", ["chair", "lead_y", "co_lead"])
def test_the_committees_people_ask_on_any_teams_report_of_the_draft(client, people, draft, who):
    if who == "co_lead":
        people["co_lead"] = make_user("co-lead")
        people["team_y"].co_leads.add(people["co_lead"])
    client.force_login(people[who])
    page = parse_html(client.get(f"{MEETING}/").content.decode())
    assert any(form.attrs.get("action") == ASK for form in page.find_all("form"))

    response = client.post(ASK, {"text": "When does routing ship?"})

    assert response.status_code == 302 and response["Location"] == f"{MEETING}/#diego"
    [question] = Question.objects.all()
    assert (question.report.team.slug, question.asked_by, question.text) == (
        "diego",
        people[who],
        "When does routing ship?",
    )


@pytest.mark.parametrize("who", ["member", "lead_x_elsewhere", "other_chair"])
def test_people_outside_the_committee_cannot_ask(client, people, draft, who):
    client.force_login(people[who])

    assert client.post(ASK, {"text": "Hello?"}).status_code == 404  # they may not see the draft at all
    assert not Question.objects.exists()


def test_no_questions_on_published_minutes(client, people, draft):
    publish_meeting(draft)
    client.force_login(people["lead_y"])

    assert client.post(ASK, {"text": "Too late?"}).status_code == 403
    assert "Questions before the meeting" not in text_of(client.get(f"{MEETING}/"))
    client.logout()
    assert "Questions before the meeting" not in text_of(client.get(f"{MEETING}/"))


@pytest.fixture
def asked(people, draft) -> Question:
    return ask_question(draft.reports.get(team__slug="diego"), text="When does routing ship?", by=people["lead_y"])


def test_the_lead_sees_the_question_on_my_sections_and_answers_it_in_the_editor(client, people, asked):
    client.force_login(people["lead_x"])
    assert "1 unanswered question" in text_of(client.get("/my-sections/"))
    editor = parse_html(client.get(EDIT).content.decode()).find("section", id="questions")
    assert "When does routing ship?" in editor.text and "Not answered yet." in editor.text
    answer_url = f"{MEETING}/questions/{asked.pk}/answer/"
    assert any(form.attrs.get("action") == answer_url for form in editor.find_all("form"))

    response = client.post(answer_url, {"answer": "Next sprint."}, follow=True)

    # Back at the question answered, not the top of the editor.
    assert response.redirect_chain[-1][0] == f"{EDIT}#question-{asked.pk}"
    assert "Next sprint." in parse_html(response.content.decode()).by_id(f"question-{asked.pk}").text
    asked.refresh_from_db()
    assert (asked.answer, asked.answered_by) == ("Next sprint.", people["lead_x"])
    assert "unanswered question" not in text_of(client.get("/my-sections/"))


def test_another_teams_lead_cannot_answer(client, people, asked):
    client.force_login(people["lead_y"])

    assert client.post(f"{MEETING}/questions/{asked.pk}/answer/", {"answer": "Not mine"}).status_code == 403
    asked.refresh_from_db()
    assert asked.answer == ""


def test_the_readiness_board_shows_unanswered_questions(client, people, asked):
    client.force_login(people["chair"])

    page = parse_html(client.get(f"{MEETING}/readiness/").content.decode())
    assert "1 unanswered question" in page.find("tr", id="team-diego").text
    assert "1 question on the reports not answered yet" in page.text

    answer_question(asked, answer="Next sprint.", by=people["lead_x"])
    page = parse_html(client.get(f"{MEETING}/readiness/").content.decode())
    assert "unanswered" not in page.find("tr", id="team-diego").text


def test_the_chair_copies_an_answered_question_into_the_discussion(client, people, draft, asked):
    answer_question(asked, answer="Next sprint.", by=people["lead_x"])
    client.force_login(people["chair"])
    copy_url = f"{MEETING}/questions/{asked.pk}/copy/"
    chair_page = parse_html(client.get(f"{MEETING}/edit/").content.decode())
    assert any(form.attrs.get("action") == copy_url for form in chair_page.find_all("form"))

    response = client.post(copy_url)

    assert response["Location"] == f"{MEETING}/edit/#diego"  # the team's section the question was copied from
    discussion = draft.items.get(title="Discussion")
    assert "When does routing ship?" in discussion.body and "Next sprint." in discussion.body


def test_a_lead_cannot_copy_into_the_discussion(client, people, draft, asked):
    answer_question(asked, answer="Next sprint.", by=people["lead_x"])
    client.force_login(people["lead_x"])

    assert client.post(f"{MEETING}/questions/{asked.pk}/copy/").status_code == 403
    assert "routing" not in draft.items.get(title="Discussion").body


def test_the_drafts_page_gives_each_reports_questions_their_own_anchor(client, people, draft, asked):
    ask_question(draft.reports.get(team__slug="cli"), text="Is v7 out?", by=people["lead_x"])
    client.force_login(people["lead_y"])

    page = parse_html(client.get(f"{MEETING}/").content.decode())

    sections = page.find_all("section", class_="questions")
    assert sorted(section.attrs["id"] for section in sections) == ["questions-cli", "questions-diego"]
    assert "When does routing ship?" in page.find("section", id="questions-diego").text


def test_the_draft_folds_the_question_form_until_a_team_has_questions(client, people, draft):
    client.force_login(people["lead_y"])
    page = parse_html(client.get(f"{MEETING}/").content.decode())
    folded = page.find("section", id="diego").find("details", class_="ask-question")
    assert folded.find("summary").text.strip() == "Ask the Diego team a question"
    assert folded.find("textarea", name="text") is not None
    assert "Questions before the meeting" not in page.text and "No questions." not in page.text

    ask_question(draft.reports.get(team__slug="diego"), text="When does routing ship?", by=people["lead_y"])
    diego = parse_html(client.get(f"{MEETING}/").content.decode()).find("section", id="diego")
    assert "Questions before the meeting" in diego.text and "When does routing ship?" in diego.text
    assert diego.find("details", class_="ask-question").find("summary").text.strip() == (
        "Ask the Diego team another question"
    )


def test_questions_name_who_asked_and_answered(client, people, asked):
    Profile.objects.create(user=people["lead_x"], display_name="Eric M.")
    answer_question(asked, answer="Next sprint.", by=people["lead_x"])
    client.force_login(people["chair"])

    questions = parse_html(client.get(f"{MEETING}/").content.decode()).find("section", class_="questions").text

    assert "@lead-y asked" in questions  # no name given: the handle the committee knows
    assert "Answer (Eric M.): Next sprint." in " ".join(questions.split())
