"""Questions on a report before the meeting (services/questions.py): asking, answering, copying into the Discussion."""

import pytest

from meetings.models import Question, Revision
from meetings.services.exporting import meeting_to_markdown
from meetings.services.questions import answer_question, ask_question, copy_into_discussion


@pytest.fixture
def question(people, draft) -> Question:
    report = draft.reports.get(team=people["team_x"])
    return ask_question(report, text="When does routing ship?", by=people["lead_y"])


def test_a_question_is_unanswered_until_the_lead_answers(people, question):
    assert list(Question.objects.unanswered()) == [question]

    answer_question(question, answer="Next sprint.", by=people["lead_x"])

    question.refresh_from_db()
    assert (question.answer, question.answered_by, question.is_answered) == ("Next sprint.", people["lead_x"], True)
    assert question.answered_at is not None
    assert not Question.objects.unanswered().exists()


def test_questions_are_not_part_of_the_minutes(people, draft, question):
    answer_question(question, answer="Next sprint.", by=people["lead_x"])

    draft.refresh_from_db()
    assert "routing ship" not in meeting_to_markdown(draft)


def test_the_chair_copies_a_question_and_its_answer_into_the_discussion(people, draft, question):
    answer_question(question, answer="Next sprint.", by=people["lead_x"])

    item = copy_into_discussion(question, by=people["chair"])

    assert item.title == "Discussion"
    # The minutes are the public's: names, never usernames (Eric Malm leads Diego; lead-y has no name).
    assert "**Question on Diego** (a member): When does routing ship?" in item.body
    assert "**Answer** (Eric Malm): Next sprint." in item.body
    assert "lead-" not in item.body
    draft.refresh_from_db()
    assert "When does routing ship?" in meeting_to_markdown(draft)
    assert Revision.objects.filter(meeting=draft, target="item:discussion", author=people["chair"]).exists()
    question.refresh_from_db()
    assert question.copied_at is not None


def test_an_unanswered_question_is_not_copied(people, question):
    with pytest.raises(ValueError, match="Only an answered question"):
        copy_into_discussion(question, by=people["chair"])


def test_a_meeting_without_a_discussion_says_so(people, draft, question):
    answer_question(question, answer="Next sprint.", by=people["lead_x"])
    draft.items.filter(title="Discussion").delete()

    with pytest.raises(ValueError, match="no Discussion section"):
        copy_into_discussion(question, by=people["chair"])
