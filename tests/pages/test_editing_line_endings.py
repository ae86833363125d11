"""What browsers send: CRLF line ends from a textarea are stored as the minutes write them, LF."""

from tests.support.pages import browser_form

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
REPORT_X = DRAFT + "reports/diego/edit/"


# --- what browsers send -----------------------------------------------------------------------


def test_a_browsers_crlf_line_ends_are_stored_as_the_minutes_write_them(client, people, draft):
    """Browsers send a textarea's lines ending in CRLF; saving the text unchanged must not make a new version."""
    client.force_login(people["lead_x"])
    fields = browser_form(client.get(REPORT_X))
    assert client.post(REPORT_X, {**fields, "body": "- One\r\n- Two\r\n"}).status_code == 302
    report = draft.reports.get(team=people["team_x"])
    assert (report.body, report.version) == ("- One\n- Two\n", 2)

    fields = browser_form(client.get(REPORT_X))
    assert client.post(REPORT_X, {**fields, "body": fields["body"].replace("\n", "\r\n")}).status_code == 302
    assert draft.reports.get(team=people["team_x"]).version == 2
    assert report.revisions.count() == 1


def test_a_chairs_notes_are_stored_with_lf_line_ends(client, people, draft):
    item = draft.items.get(title="Announcements")
    url = f"{DRAFT}items/{item.pk}/edit/"
    client.force_login(people["chair"])
    client.post(url, {**browser_form(client.get(url)), "body": "- One\r\n- Two\r\n"})
    item.refresh_from_db()
    assert item.body == "- One\n- Two\n"
