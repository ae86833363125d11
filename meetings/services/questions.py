"""Questions on a report before the meeting: asking, answering, and the chair copying one into the Discussion."""

from django.db import transaction
from django.utils import timezone

from ..format.choices import ItemKind
from ..models import AgendaItem, BacklogReport, Question, person_name, public_name
from .editing import save_item

DISCUSSION = "Discussion"


def ask_question(report: BacklogReport, *, text: str, by) -> Question:
    return Question.objects.create(report=report, text=text, asked_by=by)


def answer_question(question: Question, *, answer: str, by) -> Question:
    """Store (or replace) the answer; an empty answer makes the question unanswered again."""
    question.answer = answer
    question.answered_by = by if answer.strip() else None
    question.answered_at = timezone.now() if answer.strip() else None
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    return question


def discussion_item(meeting) -> AgendaItem | None:
    """The meeting's Discussion section, where questions raised before the meeting are minuted."""
    return next(
        (
            item
            for item in meeting.items.all()
            if item.title.strip().lower() == DISCUSSION.lower() and item.kind == ItemKind.NOTES and item.has_section
        ),
        None,
    )


def question_markdown(question: Question) -> str:
    """The question and its answer as the Discussion writes them: the minutes the public reads name people by name
    (the answerer's team, the asker "a member", when they have none), never by username."""
    report = question.report
    asker = public_name(question.asked_by) if question.asked_by else "someone"
    answerer = (person_name(question.answered_by) if question.answered_by else "") or report.team_name
    return (
        f"- **Question on {report.team_name}** ({asker}): {_one_paragraph(question.text)}\n"
        f"  - **Answer** ({answerer}): {_one_paragraph(question.answer)}\n"
    )


def _one_paragraph(text: str) -> str:
    return " ".join(text.split())


@transaction.atomic
def copy_into_discussion(question: Question, *, by) -> AgendaItem:
    """Append the question and its answer to the Discussion, as the chair's save of that section.

    Raises ValueError when the question has no answer yet, or the meeting has no Discussion section.
    """
    if not question.is_answered:
        raise ValueError("Only an answered question can be copied into the Discussion.")
    item = discussion_item(question.report.meeting)
    if item is None:
        raise ValueError("This meeting has no Discussion section to copy the question into.")
    body = item.body.rstrip()
    body = f"{body}\n\n{question_markdown(question)}" if body else question_markdown(question)
    if not save_item(
        item, body=body, title=item.title, agenda_label=item.agenda_label, by=by, expected_version=item.version
    ):
        raise ValueError("The Discussion was saved meanwhile; try again.")
    question.copied_at = timezone.now()
    question.save(update_fields=["copied_at"])
    return item
