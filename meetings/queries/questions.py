"""What the pages read of the questions on reports: counts of unanswered ones, the questions of a meeting."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import Question


def with_unanswered(reports):
    """Annotate each report of the queryset with `unanswered`: its questions without an answer (a subquery, no join)."""
    counts = (
        Question.objects.unanswered()
        .filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return reports.annotate(unanswered=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


def attach_questions(minutes) -> None:
    """Give each report of the gathered minutes its `question_list`, in the order asked: one query."""
    grouped: dict[int, list[Question]] = {}
    for question in Question.objects.filter(report__meeting=minutes.meeting).select_related(
        "asked_by__profile", "answered_by__profile"
    ):
        grouped.setdefault(question.report_id, []).append(question)
    for report in minutes.reports:
        report.question_list = grouped.get(report.pk, [])
