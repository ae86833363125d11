"""The history of the minutes: every save is a revision, shown newest first, diffed, and restorable.

Also who may see the history, restore, move a report or import minutes, as a table.
"""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import permissions
from meetings.demo import SEED
from meetings.format.outline import text_to_entries
from meetings.models import Meeting, Profile, Revision, RevisionSource, public_name
from meetings.services.editing import save_item, save_report, save_roadmap
from meetings.services.importing import Outcome, import_file
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.accounts import login_redirect, sign_in
from tests.support.builders import make_user
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, diff_rows, field_types, form_errors, revision_links

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
PUBLISHED = "/runtime/2029-12-25/"
SEED_URL = "/runtime/2018-06-12/"


@pytest.fixture
def published(people, draft) -> Meeting:
    meeting = create_meeting(people["runtime"], day=date(2029, 12, 25))
    publish_meeting(meeting)
    return meeting


def report_x(meeting: Meeting, people):
    return meeting.reports.get(team=people["team_x"])


def history_url(meeting: Meeting) -> str:
    return f"/{meeting.committee.slug}/{meeting.date:%Y-%m-%d}/history/"


def revision_url(revision: Revision) -> str:
    return f"{history_url(revision.meeting)}{revision.pk}/"


def save_notes(item, body: str, by, *, agenda_label: str | None = None) -> bool:
    """Save a chair's section as its edit form does, keeping its heading (and its label unless given)."""
    label = item.agenda_label if agenda_label is None else agenda_label
    return save_item(item, body=body, title=item.title, agenda_label=label, by=by, expected_version=item.version)


def newest(**filters) -> Revision:
    return Revision.objects.filter(**filters).order_by("-pk").first()


# --- every save is a revision -----------------------------------------------------------------


def test_each_save_of_a_report_records_who_when_and_both_full_texts(people, draft):
    report = report_x(draft, people)
    start = timezone.now()
    save_report(report, body="- First\n", by=people["lead_x"], expected_version=1)
    save_report(report, body="- First\n- Second\n", by=people["chair"], expected_version=2)

    revisions = list(Revision.objects.filter(meeting=draft).order_by("pk"))
    assert [(r.target, r.report, r.author, r.source, r.before, r.after) for r in revisions] == [
        ("report:diego", report, people["lead_x"], RevisionSource.WEB, "", "- First\n"),
        ("report:diego", report, people["chair"], RevisionSource.WEB, "- First\n", "- First\n- Second\n"),
    ]
    assert all(start <= r.created_at <= timezone.now() for r in revisions)
    assert not any(r.after_publication for r in revisions)


def test_each_save_of_a_chairs_section_records_a_revision(people, draft):
    item = draft.items.get(title="Announcements")
    save_notes(item, "- Welcome\n", people["chair"])
    save_notes(item, "- Welcome\n- Goodbye\n", people["superuser"])

    revisions = list(Revision.objects.filter(meeting=draft).order_by("pk"))
    assert [(r.target, r.author, r.before, r.after) for r in revisions] == [
        ("item:announcements", people["chair"], "", "- Welcome\n"),
        ("item:announcements", people["superuser"], "- Welcome\n", "- Welcome\n- Goodbye\n"),
    ]
    assert {r.report for r in revisions} == {None}


def test_changing_a_sections_agenda_label_records_an_agenda_revision(client, people, draft):
    item = draft.items.get(title="Discussion")  # a section the default agenda does not list
    url = f"{DRAFT}items/{item.pk}/edit/"
    client.force_login(people["chair"])

    response = client.post(url, {**browser_form(client.get(url)), "agenda_label": "Open discussion"})

    assert response.status_code == 302
    [revision] = Revision.objects.filter(meeting=draft)
    assert (revision.target, revision.author, revision.source) == ("agenda", people["chair"], RevisionSource.WEB)
    listed = "* Announcements\n* PMC Lifecycle Activities\n* Backlog Review\n* CF Feature Roadmap Review"
    assert revision.before == listed
    assert revision.after == listed + "\n* Open discussion"


def test_each_save_of_the_roadmap_records_its_outline_before_and_after(people, draft):
    first = "## Soon\n- Cell rebalancing (Diego)\n"
    second = "## Soon\n- Cell rebalancing (Diego)\n\n## Next\n- Server side manifests (CLI)\n"
    assert save_roadmap(draft, entries=text_to_entries(first), by=people["chair"], expected_version=1)
    assert save_roadmap(draft, entries=text_to_entries(second), by=people["chair"], expected_version=2)

    revisions = list(Revision.objects.filter(meeting=draft).order_by("pk"))
    assert [(r.target, r.author, r.before, r.after) for r in revisions] == [
        ("roadmap", people["chair"], "", first),
        ("roadmap", people["chair"], first, second),
    ]


def test_reimporting_a_changed_file_records_revisions_attributed_to_the_import(client, seed_meeting, tmp_path):
    """The seed, edited in a copy and imported again: the meeting is updated and the changes are in its history."""
    diego = seed_meeting.reports.get(team__slug="diego")
    old_diego = diego.body
    text = SEED.read_text(encoding="utf-8")
    edited = text.replace(
        "- Validating compatibility of Diego components with Xenial-based stemcells\n",
        "- Validated Diego components on Xenial-based stemcells\n",
    ).replace("## Announcements\n\n", "## Announcements\n\n- The PMC welcomes Eirini.\n")
    assert edited.count("Validated Diego") == 1 and edited.count("welcomes Eirini") == 1
    copy = tmp_path / "Runtime" / "2018" / "2018-06-12-runtime.md"
    copy.parent.mkdir(parents=True)
    copy.write_text(edited, encoding="utf-8")

    result = import_file(copy, "runtime")

    assert result.outcome == Outcome.UPDATED, result.message
    assert result.meeting.pk == seed_meeting.pk
    diego.refresh_from_db()
    assert "- Validated Diego components on Xenial-based stemcells" in diego.body
    report_revision = Revision.objects.get(target="report:diego")
    assert (report_revision.report, report_revision.before, report_revision.after) == (diego, old_diego, diego.body)
    item_revision = Revision.objects.get(target="item:announcements")
    assert "- The PMC welcomes Eirini." in item_revision.after
    for revision in (report_revision, item_revision):
        assert (revision.source, revision.author, revision.author_name) == (RevisionSource.IMPORT, None, "import")
        assert revision.after_publication  # the seed is published minutes

    chair = make_user("chair")
    seed_meeting.committee.chairs.add(chair)
    client.force_login(chair)
    page = client.get(SEED_URL + "history/")
    assert set(revision_links(page)) == {report_revision.pk, item_revision.pk}
    rows = parse_html(page.content.decode()).find("table", class_="history").find("tbody").find_all("tr")
    assert all("import" in row.text and "Imported from a file" in row.text for row in rows)


# --- the history pages --------------------------------------------------------------------------


def _spread_in_time(revisions: list[Revision]) -> None:
    """Give the revisions creation times an hour apart, in the order given, so that order is by time."""
    start = timezone.now() - timedelta(days=1)
    for hours, revision in enumerate(revisions):
        Revision.objects.filter(pk=revision.pk).update(created_at=start + timedelta(hours=hours))


def test_a_reports_history_lists_its_revisions_newest_first(client, people, draft):
    report = report_x(draft, people)
    for version, text in enumerate(["one\n", "two\n", "three\n"], start=1):
        save_report(report, body=text, by=people["lead_x"], expected_version=version)
    save_report(draft.reports.get(team=people["team_y"]), body="Another team's\n", by=people["lead_y"])
    oldest_first = list(Revision.objects.filter(report=report).order_by("pk"))
    _spread_in_time(oldest_first)
    client.force_login(people["lead_x"])

    response = client.get(DRAFT + "reports/diego/history/")

    assert response.status_code == 200
    assert revision_links(response) == [r.pk for r in reversed(oldest_first)]
    assert "History of the Diego report" in response.content.decode()


def test_the_meeting_history_lists_every_part_newest_first(client, people, draft):
    save_report(report_x(draft, people), body="- Report\n", by=people["lead_x"])
    item = draft.items.get(title="Announcements")
    save_notes(item, "- News\n", people["chair"], agenda_label="")
    save_roadmap(draft, entries=text_to_entries("## Soon\n- Thing\n"), by=people["chair"], expected_version=1)
    oldest_first = list(Revision.objects.filter(meeting=draft).order_by("pk"))
    assert [r.target for r in oldest_first] == ["report:diego", "item:announcements", "agenda", "roadmap"]
    _spread_in_time(oldest_first)
    client.force_login(people["chair"])

    response = client.get(DRAFT + "history/")

    assert response.status_code == 200
    assert revision_links(response) == [r.pk for r in reversed(oldest_first)]
    whats = [row.find_all("td")[1].text for row in parse_html(response.content.decode()).find("tbody").find_all("tr")]
    assert whats == ["The roadmap", "The agenda", "Announcements", "The Diego report"]


def test_a_revision_page_shows_a_readable_diff_and_renders_that_version(client, people, draft):
    report = report_x(draft, people)
    save_report(report, body="- Alpha\n- Beta\n- Delta gamma\n- Omega\n", by=people["lead_x"])
    save_report(report, body="- Beta\n- Delta epsilon\n- Omega\n- Zeta\n", by=people["lead_x"])
    revision = newest(report=report)
    client.force_login(people["lead_x"])

    response = client.get(revision_url(revision))

    assert response.status_code == 200
    page = response.content.decode()
    # Each changed line carries a sign and <ins>/<del>, so the change reads without colour.
    assert diff_rows(page) == [
        ("−", "- Alpha", [], ["- Alpha"]),
        ("", "- Beta", [], []),
        ("±", "- Delta gammaepsilon", ["epsilon"], ["gamma"]),
        ("", "- Omega", [], []),
        ("+", "- Zeta", ["- Zeta"], []),
    ]
    # The version itself, rendered as the minutes show it, not as Markdown source.
    rendered = parse_html(page).find("div", class_="rendered-version")
    assert [li.text for li in rendered.find_all("li")] == ["Beta", "Delta epsilon", "Omega", "Zeta"]
    assert "lead-x" in page


# --- restoring ----------------------------------------------------------------------------------


def test_the_chair_restores_an_earlier_report_text_as_a_new_revision(client, people, draft):
    report = report_x(draft, people)
    save_report(report, body="- The good text\n", by=people["lead_x"])
    good = newest(report=report)
    save_report(report, body="- An accident\n", by=people["lead_x"])
    client.force_login(people["chair"])

    response = client.post(revision_url(good) + "restore/")

    assert (response.status_code, response["Location"]) == (302, revision_url(good))
    report.refresh_from_db()
    assert (report.body, report.version, report.updated_by) == ("- The good text\n", 4, people["chair"])
    restored = newest(report=report)
    assert (restored.source, restored.author) == (RevisionSource.RESTORE, people["chair"])
    assert (restored.before, restored.after) == ("- An accident\n", "- The good text\n")
    # The restored text is current: in the history first, in the minutes, and in the editor.
    assert revision_links(client.get(DRAFT + "reports/diego/history/"))[0] == restored.pk
    assert "The good text" in client.get(DRAFT).content.decode()
    assert browser_form(client.get(DRAFT + "reports/diego/edit/"))["body"] == "- The good text\n"


def test_the_lead_restores_their_own_report_in_a_draft(client, people, draft):
    report = report_x(draft, people)
    save_report(report, body="- Mine\n", by=people["lead_x"])
    mine = newest(report=report)
    save_report(report, body="- The chair's\n", by=people["chair"])
    client.force_login(people["lead_x"])
    assert "Restore this version" in client.get(revision_url(mine)).content.decode()

    assert client.post(revision_url(mine) + "restore/").status_code == 302

    report.refresh_from_db()
    assert report.body == "- Mine\n"
    assert (newest(report=report).source, newest(report=report).author) == (RevisionSource.RESTORE, people["lead_x"])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),  # a draft is a 404 to whoever may not see it
        ("member", 404),
        ("lead_y", 403),
        ("lead_x_elsewhere", 404),
        ("other_chair", 404),
    ],
)
def test_only_the_chair_and_the_reports_lead_may_restore_it(client, people, draft, who, status):
    report = report_x(draft, people)
    save_report(report, body="- Old\n", by=people["lead_x"])
    old = newest(report=report)
    save_report(report, body="- New\n", by=people["lead_x"])
    url = revision_url(old) + "restore/"
    sign_in(client, people, who)

    response = client.post(url)

    assert response.status_code == status
    report.refresh_from_db()
    assert (report.body, Revision.objects.filter(report=report).count()) == ("- New\n", 2)


def test_a_lead_may_see_but_not_restore_another_teams_report(client, people, draft):
    report = draft.reports.get(team=people["team_y"])
    save_report(report, body="- CLI\n", by=people["lead_y"])
    client.force_login(people["lead_x"])
    page = client.get(revision_url(newest(report=report)))
    assert page.status_code == 200
    assert "Restore this version" not in page.content.decode()


def test_a_lead_may_not_restore_their_report_once_published(client, people, published):
    report = report_x(published, people)
    save_report(report, body="- Old\n", by=people["chair"])
    old = newest(report=report)
    save_report(report, body="- New\n", by=people["chair"])
    client.force_login(people["lead_x"])

    assert client.post(revision_url(old) + "restore/").status_code == 403
    assert "Restore this version" not in client.get(revision_url(old)).content.decode()
    report.refresh_from_db()
    assert report.body == "- New\n"


def test_restoring_takes_a_post(client, people, draft):
    report = report_x(draft, people)
    save_report(report, body="- Old\n", by=people["lead_x"])
    old = newest(report=report)
    save_report(report, body="- New\n", by=people["lead_x"])
    client.force_login(people["chair"])
    assert client.get(revision_url(old) + "restore/").status_code == 405
    report.refresh_from_db()
    assert report.body == "- New\n"


def test_the_chair_restores_a_section_and_the_roadmap(client, people, draft):
    item = draft.items.get(title="Announcements")
    save_notes(item, "- Kept\n", people["chair"])
    kept_notes = newest(target="item:announcements")
    save_notes(item, "- Lost\n", people["chair"])
    save_roadmap(draft, entries=text_to_entries("## Soon\n- Kept\n"), by=people["chair"], expected_version=1)
    kept_roadmap = newest(target="roadmap")
    save_roadmap(draft, entries=text_to_entries("## Next\n- Lost\n"), by=people["chair"], expected_version=2)
    client.force_login(people["chair"])

    assert client.post(revision_url(kept_notes) + "restore/").status_code == 302
    assert client.post(revision_url(kept_roadmap) + "restore/").status_code == 302

    item.refresh_from_db()
    assert item.body == "- Kept\n"
    assert [e.text for e in draft.roadmap_entries.all()] == ["Kept", ""]
    assert [(r.target, r.source, r.before, r.after) for r in Revision.objects.filter(meeting=draft)[:2]] == [
        ("roadmap", RevisionSource.RESTORE, "## Next\n- Lost\n", "## Soon\n- Kept\n"),
        ("item:announcements", RevisionSource.RESTORE, "- Lost\n", "- Kept\n"),
    ]


def test_a_renamed_section_keeps_its_history_and_its_earlier_text_can_be_restored(client, people, draft):
    item = draft.items.get(title="Announcements")
    save_notes(item, "- Kept\n", people["chair"])
    kept = newest(target="item:announcements")
    save_item(
        item, body="- Lost\n", title="News", agenda_label="News", by=people["chair"], expected_version=item.version
    )
    client.force_login(people["chair"])

    assert client.post(revision_url(kept) + "restore/").status_code == 302

    item.refresh_from_db()
    assert (item.title, item.body) == ("News", "- Kept\n")
    sections = Revision.objects.filter(meeting=draft).exclude(target="agenda").order_by("pk")
    assert [(r.target, r.after) for r in sections] == [
        ("item:news", "- Kept\n"),
        ("item:news", "- Lost\n"),
        ("item:news", "- Kept\n"),
    ]


def test_the_agenda_list_is_not_restored_directly(client, people, draft):
    item = draft.items.get(title="Announcements")
    save_notes(item, item.body, people["chair"], agenda_label="")
    agenda = newest(target="agenda")
    client.force_login(people["chair"])
    assert "Restore this version" not in client.get(revision_url(agenda)).content.decode()

    response = client.post(revision_url(agenda) + "restore/", follow=True)

    assert response.status_code == 200
    assert "cannot be restored" in response.content.decode()
    assert Revision.objects.filter(meeting=draft).count() == 1


def test_restoring_a_report_the_import_removed_is_refused_not_a_server_error(client, people, draft):
    report = report_x(draft, people)
    save_report(report, body="- Old\n", by=people["lead_x"])
    revision = newest(report=report)
    # As the importer leaves the history of a report a newer file no longer has.
    Revision.objects.filter(pk=revision.pk).update(report=None)
    client.force_login(people["chair"])

    response = client.post(revision_url(revision) + "restore/", follow=True)

    assert response.status_code == 200
    assert "cannot be restored" in response.content.decode()
    assert Revision.objects.filter(meeting=draft).count() == 1


# --- amendments of published minutes ------------------------------------------------------------


@pytest.fixture
def amended(client, people, draft):
    """The draft, written by its lead, published, then corrected by the chair through the form, with a reason."""
    report = report_x(draft, people)
    save_report(report, body="- Draft text\n", by=people["lead_x"])
    publish_meeting(draft)
    url = DRAFT + "reports/diego/edit/"
    client.force_login(people["chair"])
    form = {**browser_form(client.get(url)), "body": "- Corrected text\n", "reason": "The draft text was wrong"}
    assert client.post(url, form).status_code == 302
    client.logout()
    return {"draft_time": Revision.objects.get(after="- Draft text\n"), "amendment": newest(report=report)}


def test_edits_after_publication_are_marked_as_amendments(amended, people):
    assert amended["draft_time"].after_publication is False
    amendment = amended["amendment"]
    assert (amendment.after_publication, amendment.author) == (True, people["chair"])
    assert (amendment.before, amendment.after) == ("- Draft text\n", "- Corrected text\n")


def test_an_amendment_needs_a_reason_and_the_edit_page_warns(client, people, published):
    url = PUBLISHED + "reports/diego/edit/"
    client.force_login(people["chair"])
    page = client.get(url)
    assert "These minutes are published." in page.content.decode()
    assert field_types(page)["reason"] == "text"

    response = client.post(url, {**browser_form(page), "body": "- Changed without saying why\n"})

    assert response.status_code == 200
    assert form_errors(response) == ["This field is required."]
    assert report_x(published, people).body == ""


@pytest.mark.parametrize("page", ["items/{item}/edit/", "roadmap/edit/", "agenda/edit/", "reports/cli/edit/"])
def test_every_edit_page_of_published_minutes_warns_and_needs_a_reason(client, people, published, page):
    url = PUBLISHED + page.format(item=published.items.get(title="Announcements").pk)
    client.force_login(people["chair"])
    response = client.get(url)
    assert "These minutes are published." in response.content.decode()
    form = browser_form(response)
    assert form["reason"] == ""

    changed = {"body": "- Changed\n", "outline": "## Soon\n- Changed\n", "rows-0-title": "Changed"}
    response = client.post(url, {**form, **{key: value for key, value in changed.items() if key in form}})

    assert response.status_code == 200
    assert "This field is required." in form_errors(response)
    assert not Revision.objects.filter(meeting=published).exists()


def test_a_draft_edit_page_asks_no_reason(client, people, draft):
    client.force_login(people["chair"])
    page = client.get(DRAFT + "reports/diego/edit/")
    assert "reason" not in field_types(page)
    assert "These minutes are published." not in page.content.decode()


def test_the_amendments_list_shows_the_reason_and_the_editors_name_not_the_username(client, people, amended):
    Profile.objects.create(user=people["chair"], display_name="Dieu Cao")
    table = parse_html(client.get(DRAFT + "history/").content.decode()).find("table", class_="history")
    [row] = table.find("tbody").find_all("tr")
    assert [cell.text for cell in row.find_all("td")][3:6] == [
        "Dieu Cao",
        "Edited in PMC Minutes",
        "The draft text was wrong",
    ]
    assert amended["amendment"].reason == "The draft text was wrong"


def test_an_editor_without_a_name_is_a_member_to_the_public(client, people, amended):
    page = client.get(DRAFT + "history/").content.decode()
    assert "a member" in page
    assert ">chair<" not in page  # the username


def test_the_public_sees_only_the_amendments_in_the_history(client, amended):
    response = client.get(DRAFT + "history/")
    assert response.status_code == 200
    assert revision_links(response) == [amended["amendment"].pk]
    assert "Amendments" in response.content.decode()


def test_the_public_may_open_an_amendment(client, amended):
    response = client.get(revision_url(amended["amendment"]))
    assert response.status_code == 200
    assert diff_rows(response.content.decode()) == [("±", "- DraftCorrected text", ["Corrected"], ["Draft"])]
    assert "Restore this version" not in response.content.decode()


def test_the_public_may_not_open_a_draft_time_revision(client, amended):
    url = revision_url(amended["draft_time"])
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, login_redirect(url))


def test_those_who_work_on_the_minutes_see_the_whole_history(client, people, amended):
    client.force_login(people["lead_y"])
    response = client.get(DRAFT + "history/")
    assert revision_links(response) == [amended["amendment"].pk, amended["draft_time"].pk]
    assert client.get(revision_url(amended["draft_time"])).status_code == 200


def test_the_history_of_a_draft_is_hidden_from_the_public(client, people, draft):
    save_report(report_x(draft, people), body="- Draft\n", by=people["lead_x"])
    revision = newest(meeting=draft)
    assert client.get(DRAFT + "history/").status_code == 404
    assert client.get(revision_url(revision)).status_code == 404
    client.force_login(people["member"])
    assert client.get(DRAFT + "history/").status_code == 404


# --- who may do what ------------------------------------------------------------------------------

USERS = ["anonymous", "member", "lead_x", "lead_y", "lead_x_elsewhere", "chair", "other_chair", "superuser"]

ACTIONS = {
    "history_draft": lambda user, w: permissions.can_view_history(user, w["draft"]),
    "history_published": lambda user, w: permissions.can_view_history(user, w["published"]),
    "restore_x_draft": lambda user, w: permissions.can_restore(user, w["x_draft_revision"]),
    "restore_x_published": lambda user, w: permissions.can_restore(user, w["x_published_revision"]),
    "restore_item_draft": lambda user, w: permissions.can_restore(user, w["item_draft_revision"]),
    "move_x_draft": lambda user, w: permissions.can_move_report(user, report_x(w["draft"], w)),
    "move_x_published": lambda user, w: permissions.can_move_report(user, report_x(w["published"], w)),
    "import_runtime": lambda user, w: permissions.can_import(user, w["runtime"]),
    "import_extensions": lambda user, w: permissions.can_import(user, w["extensions"]),
}

Y, N = True, False
# fmt: off
EXPECTED = {
    #                    history  history  restore X  restore X  restore  move X  move X  import   import
    #                    draft    pub.     draft      published  item     draft   pub.    Runtime  Extensions
    "anonymous":        (N,       N,       N,         N,         N,       N,      N,      N,       N),
    "member":           (N,       N,       N,         N,         N,       N,      N,      N,       N),
    "lead_x":           (Y,       Y,       Y,         N,         N,       N,      N,      N,       N),
    "lead_y":           (Y,       Y,       N,         N,         N,       N,      N,      N,       N),
    "lead_x_elsewhere": (N,       N,       N,         N,         N,       N,      N,      N,       N),
    "chair":            (Y,       Y,       Y,         Y,         Y,       Y,      Y,      Y,       N),
    "other_chair":      (N,       N,       N,         N,         N,       N,      N,      N,       Y),
    "superuser":        (Y,       Y,       Y,         Y,         Y,       Y,      Y,      Y,       Y),
}
# fmt: on
assert list(EXPECTED) == USERS


@pytest.fixture
def world(people, draft, published):
    item = draft.items.get(title="Announcements")
    save_notes(item, "- News\n", people["chair"])
    save_report(report_x(draft, people), body="- Draft\n", by=people["lead_x"])
    save_report(report_x(published, people), body="- Published\n", by=people["chair"])
    return {
        **people,
        "anonymous": AnonymousUser(),
        "draft": draft,
        "published": published,
        "x_draft_revision": newest(report__meeting=draft),
        "x_published_revision": newest(report__meeting=published),
        "item_draft_revision": newest(target="item:announcements"),
    }


@pytest.mark.parametrize(
    ("who", "action", "allowed"),
    [
        pytest.param(who, action, allowed, id=f"{who}-{action}")
        for who, row in EXPECTED.items()
        for action, allowed in zip(ACTIONS, row, strict=True)
    ],
)
def test_history_restore_move_and_import_permissions(world, who, action, allowed):
    assert ACTIONS[action](world[who], world) is allowed


# --- query budgets --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [DRAFT + "history/", DRAFT + "reports/diego/history/"])
def test_history_pages_do_not_query_per_revision(client, people, draft, url):
    report = report_x(draft, people)
    client.force_login(people["chair"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    save_report(report, body="- One\n", by=people["lead_x"])
    few = queries()
    for number in range(6):
        save_report(report, body=f"- One\n- {number}\n", by=people["chair"])
    assert queries() == few


def test_restoring_a_roadmap_version_that_cannot_be_read_back_says_so(client, people, draft):
    revision = Revision.objects.create(
        meeting=draft, target="roadmap", before="", after="- an entry before any horizon", source="import"
    )
    client.force_login(people["chair"])

    response = client.post(f"{revision.get_absolute_url()}restore/", follow=True)

    assert response.status_code == 200
    assert "cannot be read back" in response.content.decode()
    assert not draft.revisions.filter(source="restore").exists()


# --- the summary of each row ----------------------------------------------------------------------


def _history_rows(response) -> list[tuple[str, str, bool]]:
    """(what, change, current) of each row of a history table, in the page's order."""
    rows = []
    for row in parse_html(response.content.decode()).find("table", class_="history").find("tbody").find_all("tr"):
        cells = row.find_all("td")
        current = any("current" in badge.attrs.get("class", "") for badge in cells[0].find_all("span"))
        rows.append((cells[1].text.strip(), " ".join(cells[2].text.split()), current))
    return rows


def test_history_rows_say_how_many_words_changed_and_which_revision_is_current(client, people, draft):
    report = report_x(draft, people)
    save_report(report, body="- Cell rep cleans up containers\n", by=people["lead_x"], expected_version=1)
    save_report(report, body="- Cell rep cleans up Windows containers\n", by=people["lead_x"], expected_version=2)
    save_report(report, body="- Cell rep cleans up Windows\n", by=people["lead_x"], expected_version=3)
    save_notes(draft.items.get(title="Announcements"), "News\n", people["chair"])
    _spread_in_time(list(Revision.objects.filter(meeting=draft).order_by("pk")))
    client.force_login(people["chair"])

    assert _history_rows(client.get(DRAFT + "history/")) == [
        ("Announcements", "+1 / −0 word", True),
        ("The Diego report", "+0 / −1 word", True),
        ("The Diego report", "+1 / −0 word", False),
        ("The Diego report", "+5 / −0 words", False),
    ]
    assert [current for *_, current in _history_rows(client.get(DRAFT + "reports/diego/history/"))] == [
        True,
        False,
        False,
    ]


def test_an_amendment_is_current_only_while_nothing_was_saved_after_it(client, people, published):
    report = report_x(published, people)
    save_report(report, body="- Amended\n", by=people["chair"], expected_version=1)
    save_report(report, body="- Amended twice\n", by=people["chair"], expected_version=2)
    _spread_in_time(list(Revision.objects.filter(meeting=published).order_by("pk")))

    rows = _history_rows(client.get(PUBLISHED + "history/"))  # the amendments, as anyone sees them

    assert rows == [("The Diego report", "+1 / −0 word", True), ("The Diego report", "+1 / −0 word", False)]


# --- revisions replayed from git ------------------------------------------------------------------


def git_revision(report, **fields) -> Revision:
    values = {
        "commit_id": "0123456789abcdef0123456789abcdef01234567",
        "commit_author": "Ann Author",
        "commit_email": "ann@example.org",
        "commit_message": "Diego: the June report\n\nWith the <b>release</b> notes.",
        "created_at": timezone.make_aware(timezone.datetime(2018, 6, 5, 9, 30)),
    }
    return report.record_revision("- a", "- b", source=RevisionSource.GIT, **{**values, **fields})


def test_a_revision_from_git_shows_its_commit_author_date_and_message(client, people, draft):
    git_revision(report_x(draft, people))
    client.force_login(people["chair"])

    page = client.get(history_url(draft)).content.decode()

    assert 'from git: <code class="commit-id">0123456</code> by Ann Author,' in page
    assert "5 Jun 2018" in page
    assert "Diego: the June report" in page
    assert "&lt;b&gt;release" not in page  # the subject only in the list


def test_the_commit_links_to_the_committees_repository(client, people, draft):
    revision = git_revision(report_x(draft, people))
    people["runtime"].repository_url = "https://github.com/cloudfoundry/pmc-notes"
    people["runtime"].save()
    client.force_login(people["chair"])

    listing = parse_html(client.get(history_url(draft)).content.decode())
    detail = client.get(revision_url(revision)).content.decode()

    links = [a.attrs["href"] for a in listing.find_all("a", class_="commit-id")]
    assert links == ["https://github.com/cloudfoundry/pmc-notes/commit/0123456789abcdef0123456789abcdef01234567"]
    assert "With the &lt;b&gt;release&lt;/b&gt; notes." in detail  # the whole message, escaped


def test_a_git_revision_matched_to_an_account_names_the_account(client, people, draft):
    git_revision(report_x(draft, people), author=people["lead_x"])
    client.force_login(people["chair"])

    page = client.get(history_url(draft)).content.decode()

    assert f"by {public_name(people['lead_x'])}," in page
    assert "by Ann Author," not in page  # the account's own name wins over the commit's


def test_the_committee_s_history_names_its_people_by_name_else_by_handle_never_a_member(client, people, amended):
    Profile.objects.create(user=people["lead_x"], display_name="Eric M.")
    client.force_login(people["chair"])
    rows = parse_html(client.get(DRAFT + "history/").content.decode()).find("table", class_="history")
    who = [row.find_all("td")[3].text for row in rows.find("tbody").find_all("tr")]

    assert who == ["@chair", "Eric M."]  # the amendment by the chair (no name given), the lead's draft-time save
    client.logout()
    assert "a member" in client.get(DRAFT + "history/").content.decode()  # the public still never reads a handle


def test_a_revision_page_names_its_author_for_the_committee(client, people, amended):
    client.force_login(people["lead_y"])
    page = client.get(revision_url(amended["amendment"])).content.decode()
    assert "Edited in PMC Minutes by @chair" in page


# HTML's global date and time: seconds at most to the millisecond, then Z or an offset.
HTML_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})")


def test_the_history_dates_each_revision_as_html_allows_without_microseconds(client, people, draft):
    save_report(report_x(draft, people), body="- Shipped", by=people["lead_x"], expected_version=1)
    client.force_login(people["chair"])

    page = parse_html(client.get(history_url(draft)).content.decode())

    stamps = [time.attrs["datetime"] for time in page.find_all("time")]
    assert stamps, "each revision row says when"
    assert all(HTML_DATETIME.fullmatch(stamp) for stamp in stamps), stamps
