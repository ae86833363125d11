"""Two people saving the same text at the same moment: exactly one save applies.

The version check is part of the UPDATE, so the database decides the race, not
a read-then-write in Python. Each thread uses its own database connection.
"""

from datetime import date

import pytest

from meetings.models import AgendaItem, BacklogReport, ItemKind, Revision
from meetings.services.editing import save_item, save_report
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_committee, make_team, make_user
from tests.support.racing import postgresql_only, race

REPETITIONS = 50

pytestmark = postgresql_only


@pytest.mark.django_db(transaction=True)
def test_two_leads_saving_one_report_at_once_exactly_one_wins_every_time():
    committee = make_committee()
    alice, bob = make_user("alice"), make_user("bob")
    make_team(committee, "Diego", leads=[alice, bob])
    meeting = create_meeting(committee, day=date(2030, 1, 8))
    report = meeting.reports.get()

    for round_number in range(REPETITIONS):
        version = BacklogReport.objects.get(pk=report.pk).version
        texts = {alice: f"alice {round_number}", bob: f"bob {round_number}"}

        def save(user, version=version, texts=texts):
            return save_report(
                BacklogReport.objects.get(pk=report.pk), body=texts[user], by=user, expected_version=version
            )

        results = race([lambda: save(alice), lambda: save(bob)])

        assert sorted(results, key=str) == [False, True], f"round {round_number}: {results}"
        saved = BacklogReport.objects.get(pk=report.pk)
        winner = alice if results[0] is True else bob
        assert saved.body == texts[winner]
        assert saved.version == version + 1
        assert Revision.objects.filter(report=report).count() == round_number + 1


@pytest.mark.django_db(transaction=True)
def test_two_chairs_saving_one_section_at_once_exactly_one_wins():
    committee = make_committee()
    meeting = create_meeting(committee, day=date(2030, 1, 8))
    item = meeting.items.filter(kind=ItemKind.NOTES).first()

    for round_number in range(10):
        version = AgendaItem.objects.get(pk=item.pk).version

        def save(text, version=version):
            fresh = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
            return save_item(
                fresh, body=text, title=fresh.title, agenda_label=fresh.agenda_label, expected_version=version
            )

        results = race([lambda n=round_number: save(f"one {n}"), lambda n=round_number: save(f"two {n}")])

        assert sorted(results, key=str) == [False, True], f"round {round_number}: {results}"
