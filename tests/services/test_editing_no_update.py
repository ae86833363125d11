"""“No update this cycle” (services/editing.py mark_no_update): a save of the report, with its revision and version."""

from datetime import date

import pytest

from meetings.demo import SEED
from meetings.models import NO_UPDATE_TEXT, BacklogReport, ReportState, Revision
from meetings.services.editing import mark_no_update, save_report
from meetings.services.exporting import meeting_to_markdown
from meetings.services.importing import import_file
from meetings.services.scheduling import create_meeting
from meetings.services.search_index import documents_for


@pytest.fixture
def report(draft, people) -> BacklogReport:
    return draft.reports.get(team=people["team_x"])


def test_no_update_is_a_save_with_the_sentence_a_revision_and_a_new_version(report, people):
    assert mark_no_update(report, by=people["lead_x"], expected_version=1) is True

    stored = BacklogReport.objects.get(pk=report.pk)
    assert (stored.no_update, stored.body, stored.version, stored.updated_by) == (
        True,
        NO_UPDATE_TEXT,
        2,
        people["lead_x"],
    )
    [revision] = Revision.objects.filter(report=report)
    assert (revision.before, revision.after, revision.author) == ("", NO_UPDATE_TEXT, people["lead_x"])


def test_no_update_is_refused_when_someone_saved_meanwhile(report, people):
    save_report(BacklogReport.objects.get(pk=report.pk), body="- Colleague's text\n", by=people["chair"])

    assert mark_no_update(report, by=people["lead_x"], expected_version=1) is False

    stored = BacklogReport.objects.get(pk=report.pk)
    assert (stored.no_update, stored.body) == (False, "- Colleague's text\n")


def test_writing_text_afterwards_clears_it(report, people):
    mark_no_update(report, by=people["lead_x"], expected_version=1)

    save_report(report, body="- Routing: done\n", by=people["lead_x"], expected_version=2)

    stored = BacklogReport.objects.get(pk=report.pk)
    assert (stored.no_update, stored.body) == (False, "- Routing: done\n")


def test_restoring_the_no_update_revision_says_it_again(report, people):
    mark_no_update(report, by=people["lead_x"], expected_version=1)
    save_report(report, body="- Routing: done\n", by=people["lead_x"], expected_version=2)

    save_report(report, body=NO_UPDATE_TEXT, by=people["lead_x"], expected_version=3)

    assert BacklogReport.objects.get(pk=report.pk).no_update is True


def test_no_update_is_a_report_not_an_empty_section(report, people):
    mark_no_update(report, by=people["lead_x"], expected_version=1)

    stored = BacklogReport.objects.with_previous().get(pk=report.pk)
    assert not stored.is_empty
    assert stored.state == ReportState.NO_UPDATE


def test_the_markdown_and_the_search_say_no_update(report, people, draft):
    mark_no_update(report, by=people["lead_x"], expected_version=1)

    draft.refresh_from_db()
    markdown = meeting_to_markdown(draft)
    assert f"{report.heading}\n\n{NO_UPDATE_TEXT}" in markdown
    assert any(doc.anchor == "diego" and NO_UPDATE_TEXT in doc.text for doc in documents_for(draft))


def test_a_no_update_report_is_not_the_last_report_to_start_from(people, draft):
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    save_report(draft.reports.get(team=people["team_x"]), body="- Real text\n", by=people["lead_x"])
    middle = create_meeting(people["runtime"], day=date(2030, 1, 15))
    mark_no_update(middle.reports.get(team=people["team_x"]), by=people["lead_x"], expected_version=1)

    previous = later.reports.get(team=people["team_x"]).previous_report()

    assert previous.meeting == draft
    assert BacklogReport.objects.with_previous().get(pk=later.reports.get(team=people["team_x"]).pk).previous_body == (
        "- Real text\n"
    )


def test_an_imported_section_saying_no_update_is_a_no_update_report(db, tmp_path):
    file = tmp_path / "2018-06-12-runtime.md"
    file.write_text(
        SEED.read_text().replace("### Garden - Julz Friedman\n", f"### Garden - Julz Friedman\n\n{NO_UPDATE_TEXT}\n")
    )

    result = import_file(file, "runtime")

    reports = {report.team_name: report for report in result.meeting.reports.all()}
    assert (reports["Garden"].no_update, reports["Garden"].state) == (True, ReportState.NO_UPDATE)
    assert not reports["CLI"].no_update
