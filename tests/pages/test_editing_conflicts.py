"""Conflict-safe saves through the edit forms: a stale save is never applied and never loses the user's text.

Each test loads a form, lets another user save in between through the same
form, then posts the first (stale) form, as two people editing at once would.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils.html import escape

from meetings.format.outline import entries_to_text
from meetings.models import Meeting, Revision
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, diff_rows, field_types

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture


@dataclass
class Part:
    """One editable text of a meeting, as its edit form shows it."""

    name: str
    first: str  # who loads the form first and saves last
    second: str  # who saves in between
    field: str
    mine: str
    theirs: str
    diff: list  # (sign, inserted, deleted) of each line, the saved text against the user's

    def url(self, meeting: Meeting) -> str:
        if self.name == "report":
            return DRAFT + "reports/diego/edit/"
        if self.name == "item":
            return f"{DRAFT}items/{meeting.items.get(title='Announcements').pk}/edit/"
        return DRAFT + "roadmap/edit/"

    def stored(self, meeting: Meeting, people) -> tuple[str, int]:
        """The text now saved and its version."""
        if self.name == "report":
            report = meeting.reports.get(team=people["team_x"])
            return report.body, report.version
        if self.name == "item":
            item = meeting.items.get(title="Announcements")
            return item.body, item.version
        meeting.refresh_from_db()
        return entries_to_text(meeting.roadmap_entries.all()), meeting.roadmap_version


PARTS = [
    Part(
        "report",
        "lead_x",
        "chair",
        "body",
        "- Lead's <own> words\n- Shipped it\n",
        "- The chair's words\n",
        [("−", [], ["- The chair's words"]), ("+", ["- Lead's <own> words"], []), ("+", ["- Shipped it"], [])],
    ),
    Part(
        "item",
        "chair",
        "superuser",
        "body",
        "- Mine: welcome Eirini\n",
        "- Theirs: welcome Garden\n",
        [("±", ["Mine:", "Eirini"], ["Theirs:", "Garden"])],
    ),
    Part(
        "roadmap",
        "chair",
        "superuser",
        "outline",
        "## Soon\n- Mine (Diego)\n",
        "## Soon\n- Theirs (CLI)\n",
        [("", [], []), ("±", ["Mine", "(Diego)"], ["Theirs", "(CLI)"])],
    ),
]


def signed_in(people, who: str) -> Client:
    client = Client()
    client.force_login(people[who])
    return client


@pytest.mark.parametrize("part", PARTS, ids=lambda part: part.name)
def test_each_edit_form_carries_the_version_it_was_read_at(people, draft, part):
    client = signed_in(people, part.first)
    response = client.get(part.url(draft))
    assert response.status_code == 200
    assert field_types(response)["version"] == "hidden"
    assert browser_form(response)["version"] == "1"

    assert client.post(part.url(draft), {**browser_form(response), part.field: part.mine}).status_code == 302
    assert browser_form(client.get(part.url(draft)))["version"] == "2"


@pytest.mark.parametrize("part", PARTS, ids=lambda part: part.name)
def test_a_stale_save_is_refused_with_both_texts_and_a_diff(people, draft, part):
    url = part.url(draft)
    first, second = signed_in(people, part.first), signed_in(people, part.second)
    stale = browser_form(first.get(url))
    # Meanwhile the other user loads the same form and saves.
    assert second.post(url, {**browser_form(second.get(url)), part.field: part.theirs}).status_code == 302
    revisions = Revision.objects.count()

    response = first.post(url, {**stale, part.field: part.mine.replace("\n", "\r\n")})  # as a browser sends it

    assert response.status_code == 409
    # Not applied: the text saved in between stays, and no revision is recorded.
    assert part.stored(draft, people) == (part.theirs, 2)
    assert Revision.objects.count() == revisions
    # The user's own text is intact in the form, which now carries the version saved in between.
    form = browser_form(response)
    assert (form[part.field], form["version"]) == (part.mine, "2")
    page = parse_html(response.content.decode())
    assert page.find(class_="conflict").text.startswith("Someone else saved this while you were editing")
    # The text saved in between is shown, and the differences with the user's, line by line.
    assert page.find("pre", class_="saved-text").text == " ".join(part.theirs.split())
    assert [(sign, inserted, deleted) for sign, _, inserted, deleted in diff_rows(page)] == part.diff


def test_the_conflict_page_escapes_the_users_text(people, draft):
    part = PARTS[0]
    url = part.url(draft)
    first, second = signed_in(people, "lead_x"), signed_in(people, "chair")
    stale = browser_form(first.get(url))
    second.post(url, {**browser_form(second.get(url)), "body": "<b>saved</b>\n"})

    response = first.post(url, {**stale, "body": "<script>mine()</script>\n"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "<script>mine()" not in page and "<b>saved</b>" not in page
    assert escape("<script>mine()</script>") in page and escape("<b>saved</b>") in page


@pytest.mark.parametrize("part", PARTS, ids=lambda part: part.name)
def test_saving_again_from_the_conflict_page_applies_the_merge(people, draft, part):
    url = part.url(draft)
    first, second = signed_in(people, part.first), signed_in(people, part.second)
    stale = browser_form(first.get(url))
    second.post(url, {**browser_form(second.get(url)), part.field: part.theirs})
    conflict = first.post(url, {**stale, part.field: part.mine})
    assert conflict.status_code == 409

    merged = part.theirs + part.mine.split("\n", 1)[1] if part.name == "roadmap" else part.theirs + part.mine
    response = first.post(url, {**browser_form(conflict), part.field: merged})

    assert response.status_code == 302
    assert part.stored(draft, people) == (merged, 3)
    latest = Revision.objects.order_by("-pk").exclude(target="agenda").first()
    assert (latest.author, latest.before, latest.after) == (people[part.first], part.theirs, merged)


def test_a_stale_section_form_keeps_the_users_heading_and_label_too(people, draft):
    url = PARTS[1].url(draft)
    first, second = signed_in(people, "chair"), signed_in(people, "superuser")
    stale = browser_form(first.get(url))
    second.post(url, {**browser_form(second.get(url)), "body": "- Theirs\n"})

    response = first.post(url, {**stale, "title": "News", "agenda_label": "News of the week", "body": "- Mine\n"})

    assert response.status_code == 409
    form = browser_form(response)
    assert (form["title"], form["agenda_label"], form["body"]) == ("News", "News of the week", "- Mine\n")
    item = draft.items.get(pk=draft.items.get(title="Announcements").pk)
    assert (item.title, item.agenda_label, item.body) == ("Announcements", "Announcements", "- Theirs\n")


@pytest.mark.parametrize("part", PARTS, ids=lambda part: part.name)
def test_saving_unchanged_text_records_no_revision_and_keeps_the_version(people, draft, part):
    url = part.url(draft)
    client = signed_in(people, part.first)
    client.post(url, {**browser_form(client.get(url)), part.field: part.mine})
    revisions = Revision.objects.count()

    response = client.post(url, browser_form(client.get(url)))  # saved as loaded

    assert response.status_code == 302
    assert part.stored(draft, people) == (part.mine, 2)
    assert Revision.objects.count() == revisions


def test_an_unchanged_save_from_a_stale_form_is_not_a_conflict(people, draft):
    """Nothing would be lost: the text posted is the text saved in between."""
    part = PARTS[0]
    url = part.url(draft)
    first, second = signed_in(people, "lead_x"), signed_in(people, "chair")
    stale = browser_form(first.get(url))
    second.post(url, {**browser_form(second.get(url)), "body": "- Same\n"})

    response = first.post(url, {**stale, "body": "- Same\n"})

    assert response.status_code == 302
    assert part.stored(draft, people) == ("- Same\n", 2)
    assert Revision.objects.count() == 1
