"""Creating meetings: one from the roster, or the next ones of the committee's cadence.

A new meeting is several tables at once (its agenda, a report per team, the
roadmap carried over), so it is made here rather than by the model.
"""

from typing import NamedTuple

from django.db import IntegrityError, transaction

from ..format.choices import ItemKind
from ..models import AgendaItem, BacklogReport, Committee, Meeting
from ..queries.timeline import current_roadmap_meeting


@transaction.atomic
def create_meeting(committee: Committee, *, day, title: str = "") -> Meeting:
    """A new draft meeting, pre-filled as the chair expects.

    Its agenda comes from the committee's default agenda, one empty report
    per reporting team (with the team's leads as they stand today), and the
    committee's current roadmap (the one its roadmap page shows), else the
    latest earlier meeting's.
    """
    meeting = Meeting.objects.create(
        committee=committee,
        date=day,
        title=title or committee.meeting_title(day),
        starts_at=committee.starts_at_on(day),
    )
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                position=position,
                level=2,
                title=template.title,
                kind=template.kind,
                body=template.body,
                agenda_label=template.agenda_label,
                agenda_position=position if template.agenda_label else None,
                footnote=committee.roadmap_disclaimer if template.kind == ItemKind.ROADMAP else "",
            )
            for position, template in enumerate(committee.agenda_for_new_meeting())
        ]
    )

    teams = committee.teams.reporting().prefetch_related("leads")
    BacklogReport.objects.bulk_create(
        [BacklogReport.for_team(meeting, team, position) for position, team in enumerate(teams)]
    )

    if meeting.items.filter(kind=ItemKind.ROADMAP).exists():
        # The roadmap page's, published: a draft, or an earlier meeting imported without a table, may hold less.
        source = current_roadmap_meeting(committee)
        if source is None:
            earlier = Meeting.objects.for_committee(committee).filter(date__lt=day, roadmap_entries__isnull=False)
            source = earlier.order_by("-date").first()
        if source is not None:
            meeting.copy_roadmap_from(source)
    return meeting


class Scheduled(NamedTuple):
    """What `schedule_meetings` did: the meetings it created, the dates it left alone."""

    created: list[Meeting]
    skipped: list


def schedule_meetings(committee: Committee, *, count: int, first=None) -> Scheduled:
    """Create the meetings of the committee's next `count` cadence dates, each as `create_meeting` does.

    Dates that already have a meeting (cancelled ones included) are skipped,
    so scheduling the same dates again creates nothing.
    """
    created, skipped = [], []
    for day in committee.next_meeting_dates(count, first=first):
        if Meeting.objects.for_committee(committee).filter(date=day).exists():
            skipped.append(day)
            continue
        try:
            created.append(create_meeting(committee, day=day))
        except IntegrityError:
            # Created meanwhile by someone else (its own savepoint was rolled back).
            skipped.append(day)
    return Scheduled(created, skipped)
