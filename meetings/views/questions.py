"""Questions on a report before the meeting: asked by the committee's people, answered by the team's leads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms.questions import AnswerForm, QuestionForm
from ..models import Question
from ..services.questions import answer_question, ask_question, copy_into_discussion
from .lookup import check, get_meeting, get_report


@require_POST
@login_required
def question_ask(request, committee, date, team):
    report = get_report(request, committee, date, team, allowed=permissions.can_ask_question)
    form = QuestionForm(request.POST)
    if form.is_valid():
        ask_question(report, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, f"Asked the {report.team_name} team.")
    else:
        messages.error(request, "Write the question first.")
    return redirect(f"{report.meeting.get_absolute_url()}#{report.team.slug}")


def _question(request, committee, date, question) -> Question:
    meeting = get_meeting(request, committee, date)
    return get_object_or_404(
        Question.objects.select_related(
            "report__meeting__committee", "report__team", "answered_by__profile", "asked_by__profile"
        ),
        report__meeting=meeting,
        pk=question,
    )


@require_POST
@login_required
def question_answer(request, committee, date, question):
    question = _question(request, committee, date, question)
    check(permissions.can_answer_question(request.user, question))
    form = AnswerForm(request.POST)
    if form.is_valid():
        answer_question(question, answer=form.cleaned_data["answer"], by=request.user)
        messages.success(request, "Saved the answer.")
    return redirect(f"{question.report.get_edit_url()}#question-{question.pk}")  # back at the question answered


@require_POST
@login_required
def question_copy(request, committee, date, question):
    question = _question(request, committee, date, question)
    check(permissions.can_copy_question(request.user, question))
    try:
        item = copy_into_discussion(question, by=request.user)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Copied the question and its answer into “{item}”.")
    return redirect(f"{question.report.meeting.get_edit_url()}#{question.report.team.slug}")  # where it was copied
