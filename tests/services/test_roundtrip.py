"""Import then export gives the archive back; the .md URL, the export and the forms all agree."""

import difflib
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from meetings.demo import SEED
from meetings.format.outline import entries_to_text
from meetings.format.reading import parse_minutes
from meetings.models import Committee, Meeting, Team
from meetings.services.exporting import archive_path, structural_markdown
from meetings.services.importing import Outcome, import_paths
from meetings.services.roundtrip import DIFFERENT, IDENTICAL, WHITESPACE_ONLY, compare
from meetings.services.scheduling import create_meeting
from tests.support.builders import SEED_DATE, import_seed, make_committee, make_team, make_user

pytestmark = pytest.mark.django_db

EXTENSIONS_FILE = """# CF Extensions PMC Notes

## Zoom info

- *Meeting ID:* 559 273 7187

# Projects

## _Incubating_

### Stratos (Neil)

Released 2.0.
"""


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def meaningful(text: str) -> list[str]:
    return [line.rstrip() for line in text.split("\n") if line.strip()]


# --- check_roundtrip -------------------------------------------------------------------------------


def test_check_roundtrip_over_the_corpus_loses_and_adds_no_line(corpus):
    output = run("check_roundtrip", str(corpus))
    last = output.strip().splitlines()[-1]
    # Byte for byte: the import keeps each file as it came and its export gives it back (issue 15).
    assert last == "identical 128, whitespace-only 0, different 0, skipped 1 (of 129 files)", last
    assert re.search(r"^skipped +\S*template\.md$", output, re.MULTILINE)
    assert not Meeting.objects.exists()  # a check keeps nothing


@pytest.mark.parametrize(
    ("original", "exported", "verdict", "details"),
    [
        ("# T\n\n- a\n", "# T\n\n- a\n", IDENTICAL, []),
        ("# T\n\n\n- a  \n", "# T\n\n- a\n", WHITESPACE_ONLY, []),
        ("# T\n\n- a\n- b\n", "# T\n\n- b\n- a\n", DIFFERENT, ["+- b", "-- b"]),
        ("# T\n\n- a\n", "# T\n\n- a\n- added\n", DIFFERENT, ["+- added"]),
    ],
)
def test_compare_tells_identical_whitespace_only_and_different(original, exported, verdict, details):
    check = compare(original, exported)
    assert check.verdict == verdict
    assert check.details == details


def test_check_roundtrip_names_each_file_and_refuses_missing_paths(tmp_path):
    (tmp_path / "Runtime").mkdir()
    (tmp_path / "Runtime" / "2018-06-12-runtime.md").write_bytes(SEED.read_bytes())
    output = run("check_roundtrip", str(tmp_path))
    assert output.splitlines() == [
        f"identical       {tmp_path / 'Runtime' / '2018-06-12-runtime.md'}",
        "identical 1, whitespace-only 0, different 0, skipped 0 (of 1 files)",
    ]
    with pytest.raises(CommandError, match="No such file"):
        run("check_roundtrip", str(tmp_path / "missing"))


# --- export_minutes --------------------------------------------------------------------------------


def test_corpus_exported_gives_every_file_back_and_imports_unchanged(corpus, tmp_path):
    run("import_minutes", str(corpus))
    out = tmp_path / "archive"
    assert run("export_minutes", "--out", str(out)) == f"Wrote 128 files under {out}.\n"

    originals = sorted(
        p.relative_to(corpus) for p in corpus.rglob("*.md") if p.name not in ("README.md", "template.md")
    )
    assert sorted(p.relative_to(out) for p in out.rglob("*.md")) == originals  # each where it was, named as it was
    for path in originals:
        assert (out / path).read_bytes() == (corpus / path).read_bytes(), path

    again = import_paths([out])
    assert {r.outcome for r in again} == {Outcome.UNCHANGED}


@pytest.fixture
def archive(db, tmp_path):
    """The seed, an Extensions meeting and a Runtime draft."""
    import_seed()
    extensions = tmp_path / "source" / "Extensions" / "2018" / "06-24-2018.md"
    extensions.parent.mkdir(parents=True)
    extensions.write_text(EXTENSIONS_FILE, encoding="utf-8")
    assert import_paths([extensions])[0].outcome == Outcome.IMPORTED
    create_meeting(Committee.objects.get(slug="runtime"), day=date(2018, 6, 26))
    return tmp_path / "out"


def written(out: Path) -> list[str]:
    return sorted(str(path.relative_to(out)) for path in out.rglob("*.md"))


def test_export_writes_the_archive_layout_of_published_meetings(archive):
    run("export_minutes", "--out", str(archive))
    assert written(archive) == ["Extensions/2018/06-24-2018.md", "Runtime/2018/2018-06-12-runtime.md"]
    assert (archive / "Extensions/2018/06-24-2018.md").read_text() == EXTENSIONS_FILE


def test_export_filters_by_committee_and_date_and_can_add_drafts(archive, tmp_path):
    run("export_minutes", "--out", str(tmp_path / "a"), "--committee", "runtime")
    assert written(tmp_path / "a") == ["Runtime/2018/2018-06-12-runtime.md"]
    run("export_minutes", "--out", str(tmp_path / "b"), "--committee", "runtime", "--drafts")
    assert written(tmp_path / "b") == ["Runtime/2018/2018-06-12-runtime.md", "Runtime/2018/2018-06-26-runtime.md"]
    run("export_minutes", "--out", str(tmp_path / "c"), "--committee", "extensions", "--date", "2018-06-24")
    assert written(tmp_path / "c") == ["Extensions/2018/06-24-2018.md"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--date", "2018-06-12"], "needs --committee"),
        (["--committee", "runtime", "--date", "12/06/2018"], "expected YYYY-MM-DD"),
        (["--committee", "runtime", "--date", "2018-06-26"], "No meeting matches"),
        (["--committee", "nope"], "No meeting matches"),
    ],
)
def test_export_refuses_what_matches_nothing(archive, options, message):
    with pytest.raises(CommandError, match=message):
        run("export_minutes", "--out", str(archive), *options)
    assert not archive.exists()


def test_markdown_url_serves_the_exported_file(archive, client):
    run("export_minutes", "--out", str(archive))
    for meeting in Meeting.objects.published():
        response = client.get(meeting.get_markdown_url())
        assert response.status_code == 200
        assert response.content.decode() == (archive / archive_path(meeting)).read_text(encoding="utf-8")


def test_archive_path_never_leaves_the_export_folder(db):
    committee = Committee.objects.create(name="../../etc", slug="odd")
    meeting = Meeting.objects.create(committee=committee, date=SEED_DATE, title="x")
    assert archive_path(meeting) == Path("odd/2018/2018-06-12-odd.md")


# --- The seed and the forms ------------------------------------------------------------------------


def submit(client: Client, url: str, **changes) -> None:
    """Post a form as a browser does: every field as the page shows it, with some changed."""
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()} | changes
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def browser_text(text: str) -> str:
    """A textarea's value as a browser sends it: CRLF line endings, often a final newline."""
    return text.replace("\n", "\r\n") + "\r\n"


def html_and_markdown(meeting: Meeting) -> tuple[str, str]:
    reader = Client()
    page = reader.get(meeting.get_absolute_url())
    markdown = reader.get(meeting.get_markdown_url())
    assert page.status_code == markdown.status_code == 200
    return page.content.decode(), markdown.content.decode()


def build_through_the_forms() -> Meeting:
    """The seed's meeting as the chair and the leads make it on the site, with the same content."""
    seed = parse_minutes(SEED.read_text(encoding="utf-8"), SEED.name)
    committee = make_committee("Runtime")
    chair = make_user("chair")
    committee.chairs.add(chair)
    for position, report in enumerate(seed.reports):
        lead = make_user(f"lead-{Team.slug_for(report.team_name)}")
        make_team(committee, report.team_name, leads=[lead], lead_names=report.leads, position=position)
    as_chair = Client()
    as_chair.force_login(chair)

    submit(as_chair, reverse("meetings:meeting_create", args=["runtime"]), date=SEED_DATE.isoformat())
    meeting = Meeting.objects.get(committee=committee, date=SEED_DATE)
    for report in seed.reports:
        if not report.body:
            continue
        saved = meeting.reports.get(team__slug=Team.slug_for(report.team_name))
        as_lead = Client()
        as_lead.force_login(saved.team.leads.get())
        submit(as_lead, saved.get_edit_url(), body=browser_text(report.body))
    for item in meeting.items.exclude(kind="agenda"):
        written_item = next(i for i in seed.items if i.title == item.title)
        submit(as_chair, reverse("meetings:item_edit", args=["runtime", SEED_DATE, item.pk]), body=written_item.body)
    outline = browser_text(entries_to_text(seed.roadmap))
    submit(as_chair, reverse("meetings:roadmap_edit", args=["runtime", SEED_DATE]), outline=outline)
    assert as_chair.post(reverse("meetings:meeting_publish", args=["runtime", SEED_DATE])).status_code == 302
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def both(db) -> tuple[tuple[str, str], tuple[str, str]]:
    """(HTML page, Markdown) of the seed imported, then of the same meeting made through the forms."""
    seed = import_seed()
    html, markdown = html_and_markdown(seed)
    assert markdown == SEED.read_bytes().decode()  # the download gives the imported file back as it was
    imported = html, structural_markdown(seed)  # what the rows hold, as the forms' meeting is written
    Meeting.objects.all().delete()
    Team.objects.all().delete()
    Committee.objects.all().delete()
    return imported, html_and_markdown(build_through_the_forms())


def test_seed_imported_or_made_through_the_forms_renders_the_same_page(both):
    (imported_html, imported_md), (forms_html, forms_md) = both
    assert meaningful(imported_md) == meaningful(SEED.read_text(encoding="utf-8"))
    assert 'id="diego"' in forms_html and "Cell rep rejects Task" in forms_html  # a real page, not two errors
    # Only the line saying when they were published differs: imported minutes say they came in published.
    imported_html = imported_html.replace("published before its import on <time", "published <time", 1)
    assert "published before its import" not in forms_html
    assert forms_html == imported_html
    # The Markdown differs at most in how the roadmap table lays out its rows (see the next test).
    changed = [
        line[1:]
        for line in difflib.unified_diff(imported_md.split("\n"), forms_md.split("\n"), n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert all(line.startswith(("*Recently Completed*", "*Soon*", "*Next*", "*Future*", "||")) for line in changed)


def test_seed_imported_or_made_through_the_forms_gives_the_same_markdown(both):
    (_, imported_md), (_, forms_md) = both
    assert forms_md == imported_md
