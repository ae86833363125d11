"""Moving a report written in the wrong meeting: it moves with its history, and only where nothing is lost."""

from datetime import date

import pytest

from meetings.models import BacklogReport, Meeting, Revision, RevisionSource
from meetings.services.editing import move_report, save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.accounts import sign_in
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, revision_links, select_options

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
MOVE_X = DRAFT + "reports/diego/move/"


@pytest.fixture
def target(people, draft) -> Meeting:
    """The next Runtime meeting, where the Diego report should have been written."""
    return create_meeting(people["runtime"], day=date(2030, 1, 22))


@pytest.fixture
def written(people, draft) -> BacklogReport:
    """Diego's report in the draft, written in two saves."""
    report = draft.reports.get(team=people["team_x"])
    save_report(report, body="- Cell rebalancing\n", by=people["lead_x"])
    save_report(report, body="- Cell rebalancing\n- Xenial stemcells\n", by=people["lead_x"])
    return report


def diego_in(meeting: Meeting, people) -> BacklogReport:
    return meeting.reports.get(team=people["team_x"])


def test_the_chair_moves_a_report_with_its_history(client, people, draft, target, written):
    earlier = list(Revision.objects.filter(report=written).order_by("pk").values_list("pk", flat=True))
    client.force_login(people["chair"])
    form = client.get(MOVE_X)
    assert form.status_code == 200

    response = client.post(MOVE_X, {**browser_form(form), "meeting": target.pk})

    assert (response.status_code, response["Location"]) == (302, "/runtime/2030-01-22/edit/")
    moved = diego_in(target, people)
    assert moved.pk == written.pk
    assert moved.body == "- Cell rebalancing\n- Xenial stemcells\n"
    assert (moved.heading, moved.leads) == ("### Diego - Eric Malm", "Eric Malm")
    # Its revisions went with it, and the move is one more.
    history = list(Revision.objects.filter(report=moved).order_by("pk"))
    assert [r.pk for r in history[:-1]] == earlier
    assert {r.meeting_id for r in history} == {target.pk}
    assert (history[-1].source, history[-1].author, history[-1].after) == (
        RevisionSource.MOVE,
        people["chair"],
        moved.body,
    )
    assert revision_links(client.get("/runtime/2030-01-22/reports/diego/history/")) == [r.pk for r in reversed(history)]
    assert client.get(f"/runtime/2030-01-22/history/{earlier[0]}/").status_code == 200
    assert client.get(f"{DRAFT}history/{earlier[0]}/").status_code == 404
    # The meeting it left keeps an empty section for the team, with no history of its own.
    left = diego_in(draft, people)
    assert left.pk != moved.pk
    assert (left.body, left.heading, left.position) == ("", "### Diego - Eric Malm", written.position)
    assert not Revision.objects.filter(meeting=draft).exists()
    assert 'id="diego"' in client.get(DRAFT).content.decode()
    assert "Xenial stemcells" in client.get("/runtime/2030-01-22/").content.decode()
    assert "Xenial stemcells" not in client.get(DRAFT).content.decode()


def test_moving_onto_a_written_report_is_refused_and_changes_nothing(client, people, draft, target, written):
    there = diego_in(target, people)
    save_report(there, body="- Already written here\n", by=people["lead_x"])
    revisions = list(Revision.objects.order_by("pk").values_list("pk", "meeting_id", "report_id"))
    client.force_login(people["chair"])

    response = client.post(MOVE_X, {"meeting": target.pk})

    assert response.status_code == 200
    errors = parse_html(response.content.decode()).find(class_="errorlist")
    assert errors is not None
    assert errors.text == (
        "The 2030-01-22 meeting already has a written Diego report; merge the two texts by hand instead."
    )
    assert diego_in(draft, people).body == "- Cell rebalancing\n- Xenial stemcells\n"
    assert diego_in(target, people).body == "- Already written here\n"
    assert list(Revision.objects.order_by("pk").values_list("pk", "meeting_id", "report_id")) == revisions


def test_a_move_never_overwrites_a_text_saved_after_the_report_was_read(people, draft, target, written):
    """The chair's copy was read before the lead saved: the move is refused, the lead's text stays."""
    stale = BacklogReport.objects.get(pk=written.pk)
    save_report(diego_in(draft, people), body="- Saved by the lead meanwhile\n", by=people["lead_x"])

    with pytest.raises(ValueError, match="saved meanwhile"):
        move_report(stale, to=target, by=people["chair"])

    assert diego_in(draft, people).body == "- Saved by the lead meanwhile\n"
    assert diego_in(target, people).is_empty


def test_moving_onto_an_emptied_report_keeps_that_reports_history(client, people, draft, target, written):
    """The section it replaces was written once and emptied: its history is not deleted with it."""
    there = diego_in(target, people)
    save_report(there, body="- Written by mistake\n", by=people["lead_x"])
    save_report(there, body="", by=people["lead_x"])
    client.force_login(people["chair"])

    assert client.post(MOVE_X, {"meeting": target.pk}).status_code == 302

    kept = Revision.objects.filter(meeting=target, after="- Written by mistake\n")
    assert kept.count() == 1
    assert kept.get().report == diego_in(target, people)


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("lead_y", 403), ("member", 404), ("other_chair", 404)])
def test_only_the_chair_may_move_a_report(client, people, draft, target, written, who, status):
    sign_in(client, people, who)

    assert client.get(MOVE_X).status_code == status
    assert client.post(MOVE_X, {"meeting": target.pk}).status_code == status

    assert diego_in(draft, people).pk == written.pk
    assert diego_in(target, people).body == ""
    assert not Revision.objects.filter(meeting=target).exists()


def test_a_meeting_of_another_committee_is_neither_offered_nor_accepted(client, people, draft, target, written):
    elsewhere = create_meeting(people["extensions"], day=date(2030, 1, 22))
    published = create_meeting(people["runtime"], day=date(2029, 12, 25))
    publish_meeting(published)
    client.force_login(people["superuser"])

    assert select_options(client.get(MOVE_X), "meeting") == {str(target.pk), str(published.pk)}
    response = client.post(MOVE_X, {"meeting": elsewhere.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert diego_in(draft, people).pk == written.pk
    assert elsewhere.reports.get(team__slug="diego").body == ""
    assert not Revision.objects.filter(meeting=elsewhere).exists()


def test_a_report_is_not_moved_onto_its_own_meeting(client, people, draft, target, written):
    client.force_login(people["chair"])
    response = client.post(MOVE_X, {"meeting": draft.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert diego_in(draft, people).pk == written.pk
