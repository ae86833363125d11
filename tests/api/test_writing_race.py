"""Two API clients PUT the same report from the same version at the same moment: exactly one wins, every round.

The same race as tests/services/test_editing_concurrency.py, through HTTP:
each client runs in its own thread, with its own database connection.
"""

from datetime import date

import pytest
from django.test import Client

from meetings.models import BacklogReport, Revision, TokenScope
from meetings.services.scheduling import create_meeting
from tests.support.api import put_report, report_url, token_for
from tests.support.builders import make_committee, make_team, make_user
from tests.support.racing import postgresql_only, race

ROUNDS = 50

pytestmark = postgresql_only


@pytest.mark.django_db(transaction=True)
def test_two_clients_putting_one_version_exactly_one_wins_each_round(settings):
    settings.PMC_API_RATE_LIMIT = 10 * ROUNDS
    committee = make_committee()
    alice, bob = make_user("alice"), make_user("bob")
    make_team(committee, "Diego", leads=[alice, bob])
    meeting = create_meeting(committee, day=date(2030, 1, 8))
    report = meeting.reports.get()
    url = report_url(meeting, "diego")
    secrets = {"alice": token_for(alice, TokenScope.REPORT), "bob": token_for(bob, TokenScope.REPORT)}

    for round_number in range(ROUNDS):
        version = BacklogReport.objects.get(pk=report.pk).version
        texts = {name: f"{name} {round_number}" for name in secrets}

        def put(name, version=version, texts=texts):
            return put_report(Client(), url, texts[name], secret=secrets[name], version=version)

        responses = race([lambda: put("alice"), lambda: put("bob")])

        statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
        assert statuses == [200, 412], f"round {round_number}: {responses}"
        winner = "alice" if responses[0].status_code == 200 else "bob"
        loser = responses[1] if winner == "alice" else responses[0]
        saved = BacklogReport.objects.get(pk=report.pk)
        assert saved.body == texts[winner]
        assert saved.version == version + 1
        # The loser is told what won, and at which version to try again.
        assert loser.json()["current"] == {**loser.json()["current"], "body": texts[winner], "version": version + 1}
        assert Revision.objects.filter(report=report).count() == round_number + 1
