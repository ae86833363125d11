"""Decisions recorded in sections (meetings/services/decisions.py), and their rows kept with the minutes' text."""

from datetime import date
from pathlib import Path

import pytest

from meetings.format.decisions import DecisionLine, Vote
from meetings.models import Decision, Meeting, Revision
from meetings.services.decisions import record_decision
from meetings.services.editing import save_item, save_report
from meetings.services.exporting import meeting_to_markdown
from meetings.services.importing import Outcome, import_data
from meetings.services.publishing import publish_meeting
from meetings.services.search_index import rebuild_index

pytestmark = pytest.mark.django_db

ADOPT = DecisionLine("Adopt the Xenial stemcell", Vote(5, 0, 1), "https://lists.example.org/vote/7")

MINUTES_FILE = """\ufeff# Runtime PMC Meeting 2018-07-10\r
\r
## Agenda\r
\r
* Announcements\r
* Backlog Reviews\r
\r
## Announcements\r
\r
- Summit next month.\r
\r
> **Decision:** Hold the next meeting online (for 7, against 1, abstain 0)\r
\r
## Backlog Reviews\r
\r
### Diego - Eric Malm\r
\r
- Shipped cell rebalancing.\r
\r
> **Decision:** Retire the v0 API [thread](https://lists.example.org/t/42)\r
\r
### CLI - Abby Chau\r
\r
```\r
> **Decision:** only an example, in code\r
```\r
"""


def fields(decision: Decision) -> tuple:
    return (
        decision.section,
        decision.anchor,
        decision.text,
        decision.votes_for,
        decision.votes_against,
        decision.votes_abstain,
        decision.link,
    )


def test_a_lead_records_a_decision_in_their_report_as_a_revision(people, draft):
    report = draft.reports.get(team=people["team_x"])
    save_report(report, body="- Shipped cell rebalancing.\n", by=people["lead_x"])

    assert record_decision(report, decision=ADOPT, by=people["lead_x"], expected_version=report.version)

    report.refresh_from_db()
    assert report.body == (
        "- Shipped cell rebalancing.\n\n> **Decision:** Adopt the Xenial stemcell "
        "(for 5, against 0, abstain 1) [link](https://lists.example.org/vote/7)\n"
    )
    revision = Revision.objects.filter(report=report).first()
    assert (revision.author, revision.after) == (people["lead_x"], report.body)
    [decision] = draft.decisions.all()
    assert fields(decision) == (
        "Diego",
        "diego",
        "Adopt the Xenial stemcell",
        5,
        0,
        1,
        "https://lists.example.org/vote/7",
    )
    assert decision.team == people["team_x"]


def test_the_chair_records_a_decision_in_a_section_of_their_own(people, draft):
    item = draft.items.get(title="Announcements")
    assert record_decision(item, decision=DecisionLine("Meet weekly"), by=people["chair"], expected_version=1)

    item.refresh_from_db()
    assert item.body.endswith("> **Decision:** Meet weekly\n")
    assert Revision.objects.filter(meeting=draft, target=item.revision_target, author=people["chair"]).exists()
    [decision] = draft.decisions.all()
    assert (decision.section, decision.anchor, decision.team) == ("Announcements", "section-announcements", None)


def test_a_decision_on_a_section_saved_meanwhile_is_not_recorded(people, draft):
    report = draft.reports.get(team=people["team_x"])
    read_at = report.version
    save_report(report, body="- Someone else's text.\n", by=people["chair"])

    assert not record_decision(report, decision=ADOPT, by=people["lead_x"], expected_version=read_at)

    report.refresh_from_db()
    assert report.body == "- Someone else's text.\n"
    assert not Decision.objects.exists()


def test_editing_the_line_away_takes_the_decision_off(people, draft):
    item = draft.items.get(title="Announcements")
    record_decision(item, decision=DecisionLine("Meet weekly"), by=people["chair"], expected_version=1)
    item.refresh_from_db()
    assert Decision.objects.count() == 1

    save_item(
        item,
        body="- Nothing decided.\n",
        title=item.title,
        agenda_label=item.agenda_label,
        by=people["chair"],
        expected_version=item.version,
    )

    assert not Decision.objects.exists()


def test_an_imported_file_gives_its_decisions_and_exports_byte_for_byte(people):
    result = import_data(MINUTES_FILE.encode(), Path("2018-07-10-runtime.md"), "runtime")
    assert result.outcome == Outcome.IMPORTED, result.message
    meeting = result.meeting

    decisions = [fields(d) for d in meeting.decisions.order_by("position")]
    assert decisions == [
        ("Announcements", "section-announcements", "Hold the next meeting online", 7, 1, 0, ""),
        ("Diego", "diego", "Retire the v0 API", None, None, None, "https://lists.example.org/t/42"),
    ]  # the CLI's fenced example is code, not a decision
    assert meeting_to_markdown(meeting) == MINUTES_FILE


def test_decisions_round_trip_through_export_and_import(people, draft):
    report = draft.reports.get(team=people["team_x"])
    record_decision(report, decision=ADOPT, by=people["lead_x"], expected_version=report.version)
    item = draft.items.get(title="Announcements")
    record_decision(
        item, decision=DecisionLine("Meet *weekly*", Vote(0, 0, 9)), by=people["chair"], expected_version=item.version
    )
    recorded = [fields(d) for d in draft.decisions.order_by("position")]
    exported = meeting_to_markdown(Meeting.objects.get(pk=draft.pk))
    assert "> **Decision:** Meet *weekly* (for 0, against 0, abstain 9)\n" in exported

    Meeting.objects.filter(pk=draft.pk).delete()
    result = import_data(exported.encode(), Path(f"{draft.date}-runtime.md"), "runtime")

    assert result.outcome == Outcome.IMPORTED, result.message
    assert [fields(d) for d in result.meeting.decisions.order_by("position")] == recorded
    assert meeting_to_markdown(result.meeting) == exported


def test_rebuilding_the_index_rebuilds_the_decisions(people, draft):
    item = draft.items.get(title="Announcements")
    record_decision(item, decision=DecisionLine("Meet weekly"), by=people["chair"], expected_version=1)
    Decision.objects.all().delete()

    rebuild_index()

    assert [d.text for d in Decision.objects.all()] == ["Meet weekly"]


def test_only_published_minutes_give_public_decisions(people, draft):
    item = draft.items.get(title="Announcements")
    record_decision(item, decision=DecisionLine("Meet weekly"), by=people["chair"], expected_version=1)
    assert not Decision.objects.published().exists()

    publish_meeting(draft)

    assert [d.meeting.date for d in Decision.objects.published()] == [date(2030, 1, 8)]
