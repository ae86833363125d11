"""Which reports are written, told from a few columns of many rows (format/placeholders.py decides).

Pages that count or list written reports over many meetings read each body's
length and first characters only; the whole body of a report is read only when
its start is placeholders and more follows (one query for all such reports).
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.db.models.functions import Length, Substr

from ..format.placeholders import written_from_start
from ..models import BacklogReport

PEEK = 200  # characters read to tell a written report from a blank or placeholder one


def with_peek(reports: QuerySet) -> QuerySet:
    """The reports annotated with `length` and `start`, what `written_ids` reads."""
    return reports.annotate(length=Length("body"), start=Substr("body", 1, PEEK))


def written_ids(rows: Iterable[tuple[int, int, str]], lines: frozenset[str]) -> set[int]:
    """The ids among (id, length, start) rows of the reports that hold more than placeholders."""
    written, undecided = set(), []
    for pk, length, start in rows:
        verdict = written_from_start(start or "", length or 0, lines)
        if verdict is None:
            undecided.append(pk)
        elif verdict:
            written.add(pk)
    if undecided:
        bodies = BacklogReport.objects.filter(pk__in=undecided).values_list("pk", "body")
        written.update(pk for pk, body in bodies if written_from_start(body, len(body), lines))
    return written


def count_reported(meetings: list, lines: frozenset[str]) -> None:
    """Set `reported` on each meeting: how many of its reports are written, as the minutes count them."""
    rows = list(
        with_peek(BacklogReport.objects.filter(meeting__in=[meeting.pk for meeting in meetings])).values_list(
            "meeting_id", "pk", "length", "start"
        )
    )
    written = written_ids([row[1:] for row in rows], lines)
    counts: dict[int, int] = {}
    for meeting_id, pk, _, _ in rows:
        counts[meeting_id] = counts.get(meeting_id, 0) + (pk in written)
    for meeting in meetings:
        meeting.reported = counts.get(meeting.pk, 0)
