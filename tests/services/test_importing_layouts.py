"""Every layout of the archive's committees, imported from fixtures of our own: no line is lost.

The fixtures are in tests/fixtures/layouts/ (see tests/fixtures/README.md): a
`# Projects` file whose groups hold plain lists, a notes-style file with a `##`
section per team, a BOSH file with `## When/Where?`, and a file of oddities
(preamble, `####` under the title, setext headings, a `***` rule). Each line of
each file must be in the `.md` export, on the page and in the PDF.
"""

import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from meetings.format.choices import TeamLayout
from meetings.models import BacklogReport, Committee, Team, TeamAlias
from meetings.services.exporting import meeting_to_markdown
from meetings.services.importing import Outcome, import_data, import_file
from tests.support.corpus import LAYOUTS

pytestmark = pytest.mark.django_db

EXTENSIONS = "Extensions/2019/02-11-2019.md"
NOTES = "Runtime/2015/2015-11-09-runtime.md"
BOSH = "BOSH/2017/2017-03-07-bosh.md"
ODDITIES = "Services/2016/2016-05-10-services.md"
EVERY_LAYOUT = [EXTENSIONS, NOTES, BOSH, ODDITIES]
# Markers, emphasis, brackets, rules, and the dash or parentheses around a heading's leads
# (the page shows “led by”, the PDF “–”).
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s|[*+-]\s|\d+[.)]\s)|[*_`()]|\[|\]|^[-=*]{3,}$|<!--|-->|\s[-–—]\s|\bled by\b")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def imported(name: str):
    result = import_file(LAYOUTS / name, name.split("/")[0])
    assert result.outcome == Outcome.IMPORTED, result
    return result


def lines_of(name: str) -> list[str]:
    return [line.rstrip() for line in (LAYOUTS / name).read_text(encoding="utf-8").split("\n") if line.strip()]


def words_of(line: str) -> str:
    """What a reader sees of a line of Markdown: its text without markers, link targets and emphasis."""
    return " ".join(_MARKUP.sub(" ", _LINK_TARGET.sub("]", line)).split())


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", EVERY_LAYOUT)
def test_every_line_of_each_layout_is_in_the_markdown_export(name):
    exported = meeting_to_markdown(imported(name).meeting).split("\n")
    missing = [line for line in lines_of(name) if line not in (e.rstrip() for e in exported)]
    assert missing == []


@pytest.mark.parametrize("name", EVERY_LAYOUT)
def test_every_line_of_each_layout_is_on_the_page(name, client):
    meeting = imported(name).meeting
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    page = flat(re.sub(r"<[^>]+>", " ", response.content.decode()).replace("&amp;", "&").replace("&#x27;", "'"))
    page = page.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    missing = [line for line in lines_of(name) if words_of(line) and words_of(line) not in words_of(page)]
    assert missing == []


@pytest.mark.parametrize("name", EVERY_LAYOUT)
def test_every_line_of_each_layout_is_in_the_pdf(name, client):
    meeting = imported(name).meeting
    response = client.get(meeting.get_absolute_url().rstrip("/") + ".pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = words_of(flat(" ".join(page.extract_text() for page in reader.pages)))
    missing = [line for line in lines_of(name) if words_of(line) and words_of(line) not in text]
    assert missing == []


def test_the_import_command_says_which_layout_it_read_each_file_in():
    out = StringIO()
    call_command("import_minutes", str(LAYOUTS), stdout=out, verbosity=2)  # a line per file
    output = out.getvalue()
    assert "imported 4, updated 0, unchanged 0, skipped 0, failed 0, refused 0" in output.splitlines()
    assert (
        "02-11-2019.md: 2 team reports; layout: projects (### per project under # Projects groups), detected" in output
    )
    assert "2015-11-09-runtime.md: 3 team reports; layout: notes-style (## per team), detected" in output
    assert "2017-03-07-bosh.md: 2 team reports; layout: backlog (### per team), detected" in output
    assert "2016-05-10-services.md: 1 team report; layout: backlog (### per team), detected" in output

    again = StringIO()
    call_command("import_minutes", str(LAYOUTS), stdout=again)
    assert (
        again.getvalue().strip().splitlines()[-1]
        == "imported 0, updated 0, unchanged 4, skipped 0, failed 0, refused 0"
    )


def test_a_notes_style_team_gets_its_timeline_feed_and_search_anchor(client):
    imported(NOTES)
    diego = Team.objects.get(committee__slug="runtime", slug="diego")
    assert diego.lead_names == "Eric Malm"
    assert [r.written_name for r in diego.reports.all()] == ["Update on Diego"]
    assert client.get(diego.get_absolute_url()).status_code == 200
    assert b"route emitter" in client.get(diego.get_absolute_url() + "feed/").content
    found = client.get("/search/", {"q": "route emitter"})
    assert b"#diego" in found.content


def test_a_group_written_as_a_list_is_shown_in_place_and_the_teams_keep_their_group():
    meeting = imported(EXTENSIONS).meeting
    assert [(r.team_name, r.group) for r in meeting.reports.all()] == [
        ("App AutoScaler", "Active"),
        ("Buildpacks", "Active"),
    ]
    first = meeting.reports.get(team_name="App AutoScaler")
    assert [name for name, _ in first.group_parts] == ["Incubating", "Under Review", "Active"]
    assert "Kibosh: asks to move to incubation" in first.group_parts[1][1]


def test_the_committee_layout_setting_overrides_detection():
    committee = Committee.objects.create(name="Runtime", slug="runtime", team_layout=TeamLayout.BACKLOG)
    result = imported(NOTES)
    assert result.meeting.committee == committee
    assert "layout: backlog (### per team), the committee's setting" in result.message
    assert not BacklogReport.objects.exists()  # every ## section is then the chair's
    assert not [line for line in lines_of(NOTES) if line not in meeting_to_markdown(result.meeting).split("\n")]


def test_a_heading_mapped_to_a_team_is_that_team_in_later_imports():
    committee = Committee.objects.create(name="Runtime", slug="runtime")
    cli = Team.objects.create(committee=committee, name="CLI", slug="cli")
    diego = Team.objects.create(committee=committee, name="Diego Release", slug="diego-release")
    TeamAlias.objects.create(committee=committee, team=diego, key="diego", heading="Update on Diego")
    meeting = imported(NOTES).meeting
    assert {r.team for r in meeting.reports.all()} >= {cli, diego}
    diego.refresh_from_db()
    assert diego.name == "Diego Release"  # the roster keeps the team's own name
    assert meeting.reports.get(team=diego).heading == "## Update on Diego (Eric Malm)"
    assert not Team.objects.filter(slug="diego").exists()


def test_the_text_of_a_group_written_as_a_list_is_found_by_the_search(client):
    imported(EXTENSIONS)

    found = client.get("/search/", {"q": "Kibosh"})

    assert found.status_code == 200
    assert b"#app-autoscaler" in found.content  # the group's text stands before the first team of the file


def test_a_file_read_in_another_layout_is_updated_even_when_its_text_is_the_same():
    committee = Committee.objects.create(name="Runtime", slug="runtime", team_layout=TeamLayout.BACKLOG)
    imported(NOTES)
    committee.team_layout = TeamLayout.NOTES
    committee.save()

    again = import_file(LAYOUTS / NOTES, "Runtime")

    assert again.outcome == Outcome.UPDATED, again
    assert "changed: sections removed, the team sections" in again.message  # no blank name in the list
    assert ", ," not in again.message
    assert again.meeting.reports.filter(team__slug="diego").exists()
    assert meeting_to_markdown(again.meeting) == (LAYOUTS / NOTES).read_text(encoding="utf-8")


def test_a_mapped_update_on_heading_is_the_team_under_a_backlog_heading_too():
    committee = Committee.objects.create(name="Runtime", slug="runtime")
    diego = Team.objects.create(committee=committee, name="Diego Release", slug="diego-release")
    TeamAlias.objects.create(committee=committee, team=diego, key="diego", heading="Update on Diego")
    path = LAYOUTS.parent / "unused.md"  # only its name is read: the date
    text = "# Runtime PMC Meeting 2031-01-07\n\n## Backlog Reviews\n\n### Update on Diego - Someone\n\n- shipped\n"

    result = import_data(text.encode(), path.with_name("2031-01-07-runtime.md"), "runtime")

    assert result.meeting.reports.get().team == diego
    assert not Team.objects.filter(name__icontains="update").exists()
