"""The edit forms tell the browser what to keep (static/js/editor-drafts.js): the page, the version, unsaved text."""

import pytest

from meetings.services.editing import save_report
from tests.support.html_tree import parse_html

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
REPORT_X = DRAFT + "reports/diego/edit/"


def draft_form(response) -> dict[str, str]:
    forms = [form for form in parse_html(response.content.decode()).find_all("form") if "data-draft" in form.attrs]
    assert len(forms) == 1, "the page has no edit form that keeps its draft"
    return forms[0].attrs


def scripts(response) -> list[str]:
    return [script.attrs.get("src", "") for script in parse_html(response.content.decode()).find_all("script")]


def test_the_report_form_is_kept_per_page_and_version(client, people, draft):
    report = draft.reports.get(team=people["team_x"])
    save_report(report, body="- one\n", by=people["lead_x"], expected_version=1)
    client.force_login(people["lead_x"])

    response = client.get(REPORT_X)

    attrs = draft_form(response)
    assert (attrs["data-draft"], attrs["data-draft-version"]) == (REPORT_X, "2")
    assert "data-draft-unsaved" not in attrs  # the page shows the saved text
    assert any(src.endswith("js/editor-drafts.js") for src in scripts(response))
    assert any(src.endswith("js/editor-toolbar.js") for src in scripts(response))


def test_a_conflict_page_says_its_text_is_not_saved(client, people, draft):
    report = draft.reports.get(team=people["team_x"])
    save_report(report, body="- theirs\n", by=people["lead_y"], expected_version=1)
    client.force_login(people["lead_x"])

    response = client.post(REPORT_X, {"body": "- mine\n", "version": "1"})

    assert response.status_code == 409
    attrs = draft_form(response)
    assert attrs["data-draft-version"] == "2"  # saving it again overwrites knowingly
    assert "data-draft-unsaved" in attrs


def test_a_form_sent_back_with_an_error_says_its_text_is_not_saved(client, people, draft):
    item = draft.items.first()
    client.force_login(people["chair"])
    url = f"{DRAFT}items/{item.pk}/edit/"

    assert "data-draft-unsaved" not in draft_form(client.get(url))
    response = client.post(url, {"title": "", "agenda_label": "", "body": "- notes\n", "version": "1"})

    assert response.status_code == 200
    attrs = draft_form(response)
    assert (attrs["data-draft"], attrs["data-draft-version"]) == (url, "1")
    assert "data-draft-unsaved" in attrs


@pytest.mark.parametrize("who", ["anonymous", "lead_x"])
def test_the_drafts_script_is_only_for_signed_in_people(client, people, who):
    if who != "anonymous":
        client.force_login(people[who])
    found = any(src.endswith("js/editor-drafts.js") for src in scripts(client.get("/")))
    assert found is (who != "anonymous")


def test_the_roadmap_form_is_kept_too(client, people, draft):
    client.force_login(people["chair"])
    attrs = draft_form(client.get(DRAFT + "roadmap/edit/"))
    assert attrs["data-draft"] == DRAFT + "roadmap/edit/"
    assert attrs["data-draft-version"] == str(draft.roadmap_version)


def draft_owner_on(client) -> str:
    page = parse_html(client.get("/").content.decode())
    [script] = [s for s in page.find_all("script") if s.attrs.get("src", "").endswith("js/editor-drafts.js")]
    return script.attrs["data-draft-owner"]


def test_drafts_are_kept_per_account_under_a_value_that_does_not_name_it(client, people):
    client.force_login(people["lead_x"])
    lead = draft_owner_on(client)
    assert draft_owner_on(client) == lead  # the same account finds its drafts again
    client.force_login(people["lead_y"])
    other = draft_owner_on(client)

    assert lead and other and lead != other
    assert all(name not in value for value in (lead, other) for name in ("lead-x", "lead-y", "Eric", "Malm"))
    assert all(str(people[who].pk) != value for who, value in (("lead_x", lead), ("lead_y", other)))
