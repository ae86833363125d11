"""Saving a report (services/editing.py): versions, revisions, amendments."""

import pytest
from django.core.cache import cache

from meetings.lib import rendering
from meetings.lib.rendering import render_markdown
from meetings.models import (
    BacklogReport,
    Revision,
    RevisionSource,
)
from meetings.services.editing import AgendaRow, save_agenda, save_item, save_report
from meetings.services.publishing import publish_meeting


@pytest.fixture
def report(draft, people) -> BacklogReport:
    return draft.reports.get(team=people["team_x"])


def test_save_report_saves_and_bumps_the_version(report, people):
    assert save_report(report, body="- Shipped cell rebalancing\n", by=people["lead_x"], expected_version=1) is True

    stored = BacklogReport.objects.get(pk=report.pk)
    assert (stored.body, stored.version, stored.updated_by) == ("- Shipped cell rebalancing\n", 2, people["lead_x"])
    assert stored.updated_at is not None
    assert (report.body, report.version) == (stored.body, 2)


def test_save_report_refuses_a_stale_version_and_keeps_the_text_saved_in_between(report, people):
    colleague_copy = BacklogReport.objects.get(pk=report.pk)
    assert save_report(colleague_copy, body="Colleague's text", by=people["chair"], expected_version=1) is True

    assert save_report(report, body="My text", by=people["lead_x"], expected_version=1) is False

    stored = BacklogReport.objects.get(pk=report.pk)
    assert (stored.body, stored.version, stored.updated_by) == ("Colleague's text", 2, people["chair"])
    # The refused instance now shows what was saved in between, for the conflict page.
    assert (report.body, report.version) == ("Colleague's text", 2)
    assert Revision.objects.filter(report=report).count() == 1


def test_of_two_saves_from_the_same_version_exactly_one_applies(report, people):
    first = BacklogReport.objects.get(pk=report.pk)
    second = BacklogReport.objects.get(pk=report.pk)
    results = [
        save_report(first, body="first", by=people["lead_x"]),
        save_report(second, body="second", by=people["chair"]),
    ]
    assert results == [True, False]
    assert BacklogReport.objects.get(pk=report.pk).body == "first"


def test_save_report_records_a_revision(report, people):
    save_report(report, body="one", by=people["lead_x"], expected_version=1)
    save_report(report, body="two", by=people["chair"], expected_version=2)

    revisions = list(Revision.objects.filter(report=report).order_by("pk"))
    assert [(r.before, r.after, r.author, r.target) for r in revisions] == [
        ("", "one", people["lead_x"], "report:diego"),
        ("one", "two", people["chair"], "report:diego"),
    ]
    assert all(r.meeting_id == report.meeting_id for r in revisions)
    assert all(r.source == RevisionSource.WEB and not r.after_publication for r in revisions)


def test_a_revision_records_the_text_it_replaced_even_from_a_stale_instance(report, people):
    """`before` is the stored text the save replaced, not what an old copy in memory held."""
    save_report(BacklogReport.objects.get(pk=report.pk), body="saved in between", by=people["chair"])
    assert save_report(report, body="mine", by=people["lead_x"], expected_version=2) is True

    latest = Revision.objects.filter(report=report).order_by("-pk").first()
    assert (latest.before, latest.after) == ("saved in between", "mine")


def test_an_edit_after_publication_is_recorded_as_an_amendment(report, people):
    publish_meeting(report.meeting)
    save_report(report, body="Amended", by=people["chair"])
    assert list(Revision.objects.amendments().values_list("after", flat=True)) == ["Amended"]


def test_unchanged_text_records_no_revision_and_keeps_the_version(report, people):
    save_report(report, body="Same", by=people["lead_x"], expected_version=1)
    assert save_report(report, body="Same", by=people["lead_x"], expected_version=2) is True
    assert BacklogReport.objects.get(pk=report.pk).version == 2
    assert Revision.objects.filter(report=report).count() == 1


def test_save_report_by_an_anonymous_user_records_no_editor(report):
    from django.contrib.auth.models import AnonymousUser

    assert save_report(report, body="text", by=AnonymousUser()) is True
    assert BacklogReport.objects.get(pk=report.pk).updated_by is None
    assert Revision.objects.get(report=report).author is None


def test_a_saved_report_is_rendered_when_written_so_readers_get_it_from_the_cache(report, people, monkeypatch):
    cache.clear()
    body = "- " + "rebalanced cells " * 100  # long enough to be cached
    assert save_report(report, body=body, by=people["lead_x"], expected_version=report.version)
    renders = []
    real = rendering.gfm_to_html
    monkeypatch.setattr(rendering, "gfm_to_html", lambda text: renders.append(text) or real(text))
    assert "rebalanced cells" in render_markdown(body)
    assert renders == []


# --- save_agenda ----------------------------------------------------------------------------------------------


def agenda_rows(meeting) -> list[AgendaRow]:
    return [AgendaRow(item.pk, item.title, item.agenda_label) for item in meeting.items.all()]


def test_of_two_agenda_saves_from_the_same_version_only_the_first_applies(draft, people):
    first, second = agenda_rows(draft), agenda_rows(draft)
    first[1].title, second[1].title = "Mine", "Theirs"

    assert save_agenda(draft, rows=first, by=people["chair"], expected_version=1) is True
    assert save_agenda(draft, rows=second, by=people["chair"], expected_version=1) is False

    assert draft.items.filter(title="Mine").exists() and not draft.items.filter(title="Theirs").exists()
    assert draft.agenda_version == 2


def test_a_renamed_section_keeps_its_history(draft, people):
    item = draft.items.get(title="Announcements")
    save_item(item, body="- News\n", title=item.title, agenda_label=item.agenda_label, expected_version=1)
    rows = agenda_rows(draft)
    next(row for row in rows if row.item_id == item.pk).title = "News"

    save_agenda(draft, rows=rows, by=people["chair"], expected_version=1)

    assert set(draft.revisions.exclude(target="agenda").values_list("target", flat=True)) == {"item:news"}


def test_an_amendment_of_the_agenda_carries_its_reason(draft, people):
    publish_meeting(draft)
    rows = agenda_rows(draft)
    rows[1].presenter = "Dieu Cao"

    save_agenda(draft, rows=rows, by=people["chair"], expected_version=1, reason="Named the presenter")

    revision = draft.revisions.get(target="agenda")
    assert (revision.after_publication, revision.reason) == (True, "Named the presenter")
    assert "* Announcements (Dieu Cao)" in revision.after
