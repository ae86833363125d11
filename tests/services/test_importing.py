"""Importing the archive: counts, idempotency, updates as history, bad files, dry runs, teams across meetings."""

import shutil
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from meetings.demo import SEED
from meetings.format.reading import team_key
from meetings.models import (
    AgendaItem,
    BacklogReport,
    Committee,
    ItemKind,
    Meeting,
    Revision,
    RevisionSource,
    RoadmapEntry,
    Team,
    TeamStatus,
)
from meetings.services import importing
from meetings.services.editing import save_report, save_roadmap
from meetings.services.exporting import meeting_to_markdown, structural_markdown
from meetings.services.importing import MAX_FILE_BYTES, Outcome, import_file, import_paths
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.builders import SEED_DATE, make_committee, make_team
from tests.support.corpus import FIXTURES

pytestmark = pytest.mark.django_db

MODELS = (Committee, Team, Meeting, AgendaItem, BacklogReport, RoadmapEntry, Revision)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def nothing_saved() -> bool:
    return all(count == 0 for count in row_counts().values())


def write(folder: Path, relative: str, content: str | bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def minutes(day: str, *teams: tuple[str, str], announcements: str = "Hello.") -> str:
    """A small meeting: `teams` are (heading text, body) pairs written as `### heading`."""
    sections = "\n\n".join(f"### {heading}\n\n{body}" for heading, body in teams)
    return f"# Runtime PMC Meeting {day}\n\n## Announcements\n\n{announcements}\n\n## Backlog Reviews\n\n{sections}\n"


def summary(output: str) -> str:
    return output.strip().splitlines()[-1]


def call_command_output(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# --- The whole corpus ------------------------------------------------------------------------------


def test_corpus_imports_once_and_again_changes_nothing(corpus):
    first = call_command_output("import_minutes", str(corpus))
    assert summary(first) == "imported 128, updated 0, unchanged 0, skipped 1, failed 0, refused 0"
    assert "template.md" in first  # the skipped file is named, with the reason
    assert set(Committee.objects.values_list("name", flat=True)) == {"Extensions", "Runtime"}
    assert Meeting.objects.count() == 128
    assert Meeting.objects.filter(committee__slug="extensions").count() == 12
    assert not Meeting.objects.drafts().exists()
    counts = row_counts()
    versions = dict(BacklogReport.objects.values_list("pk", "version"))
    items = dict(AgendaItem.objects.values_list("pk", "version"))

    again = call_command_output("import_minutes", str(corpus))
    assert summary(again) == "imported 0, updated 0, unchanged 128, skipped 1, failed 0, refused 0"
    assert row_counts() == counts
    assert dict(BacklogReport.objects.values_list("pk", "version")) == versions
    assert dict(AgendaItem.objects.values_list("pk", "version")) == items
    # One team per name, however the meetings spelled it.
    slugs = list(Team.objects.filter(committee__slug="runtime").values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    assert Team.objects.get(committee__slug="runtime", slug="diego").reports.count() > 100


def test_a_blank_template_is_reported_and_skipped():
    template = FIXTURES / "Extensions" / "2017" / "template.md"
    result = import_file(template, "Extensions")
    assert result.outcome == Outcome.SKIPPED
    assert "no date" in result.message
    assert nothing_saved()


def test_dated_file_with_only_placeholders_is_a_blank_template(tmp_path):
    text = minutes(
        "2018-07-10", ("Diego - Eric Malm", "[add updates here]"), ("CLI", "TBD"), announcements="[add here]"
    )
    result = import_file(write(tmp_path, "Runtime/2018/2018-07-10-runtime.md", text), "Runtime")
    assert result.outcome == Outcome.SKIPPED
    assert "blank" in result.message
    assert nothing_saved()


def test_seed_roadmap_lands_in_its_horizons_linked_to_the_teams_it_names(seed_meeting):
    entries = list(seed_meeting.roadmap_entries.prefetch_related("teams"))
    horizons = [e.horizon for e in entries]
    assert horizons == sorted(horizons, key=["recently-completed", "soon", "next", "future"].index)
    linked = {e.text: sorted(t.slug for t in e.teams.all()) for e in entries if e.teams.exists()}
    assert linked["Zero-downtime app updates (CAPI, Diego)"] == ["capi", "diego"]
    assert linked["Async service binding creation and deletion (Services API)"] == ["services-api"]
    # Names that are no team of the committee (RelInt, BOSH) are simply not linked.
    assert linked["Deprecation of Consul for management plane service discovery (Infrastructure, RelInt, BOSH)"] == [
        "infrastructure"
    ]
    [heading] = [e for e in entries if e.is_heading]
    assert (heading.horizon, heading.text) == ("soon", "**cf-deployment GA:**")
    roadmap = seed_meeting.items.get(kind="roadmap")
    assert roadmap.footnote == "*Above are plans, not commitments, and may change without notice.*"


# --- Updates ---------------------------------------------------------------------------------------


def test_a_later_revision_updates_the_sections_that_changed_and_no_other(tmp_path):
    """The same meeting's file, edited after it was imported: a report, a chair's section, a heading's label."""
    path = write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    assert import_file(path, "Runtime").outcome == Outcome.IMPORTED
    meeting = Meeting.objects.get()
    reports_before = {r.team.slug: (r.pk, r.version) for r in meeting.reports.select_related("team")}
    items_before = {item.title: (item.pk, item.version) for item in meeting.items.all()}

    text = SEED.read_text()
    text = text.replace("### UAA - Sree Tummidi\n", "### UAA - Sree Tummidi\n- Shipped the token revocation endpoint\n")
    text = text.replace("## Discussion\n", "## Discussion\n- Who owns the release notes?\n")
    text = text.replace("### Eirini - Julz Friedman", "### Eirini (incubating) - Julz Friedman")
    path.write_text(text)
    result = import_file(path, "Runtime")

    assert result.outcome == Outcome.UPDATED
    assert "UAA" in result.message and "Discussion" in result.message
    reports = {r.team.slug: r for r in meeting.reports.select_related("team")}
    assert (reports["uaa"].pk, reports["uaa"].version) == (reports_before["uaa"][0], 2)
    [revision] = Revision.objects.filter(report=reports["uaa"])
    assert (revision.source, revision.before, revision.after) == (
        RevisionSource.IMPORT,
        "",
        "- Shipped the token revocation endpoint",
    )
    assert reports["eirini"].status_label == "incubating"  # heading changed, text did not
    assert not Revision.objects.filter(report=reports["eirini"]).exists()
    unchanged = [slug for slug in reports if slug not in ("uaa", "eirini")]
    assert {slug: (reports[slug].pk, reports[slug].version) for slug in unchanged} == {
        slug: reports_before[slug] for slug in unchanged
    }
    discussion = meeting.items.get(title="Discussion")
    assert discussion.version == items_before["Discussion"][1] + 1
    assert meeting.items.get(title="Announcements").version == items_before["Announcements"][1]
    assert import_file(path, "Runtime").outcome == Outcome.UNCHANGED


def test_a_later_revision_without_a_section_keeps_the_others_in_their_places(tmp_path):
    """A section removed moves those after it up; the ones before it stay where they were, in the file's order."""
    path = write(tmp_path, "Runtime/2030/2030-03-05-runtime.md", b"")
    first = "# Runtime PMC Meeting 2030-03-05\n\n## Notes\n\nkept\n\n## Gone\n\nsoon\n\n## Later\n\nalso kept\n"
    path.write_text(first)
    assert import_file(path, "Runtime").outcome == Outcome.IMPORTED
    path.write_text(first.replace("## Gone\n\nsoon\n\n", ""))

    result = import_file(path, "Runtime")

    assert result.outcome == Outcome.UPDATED, result
    assert [item.title for item in result.meeting.items.all()] == ["Notes", "Later"]
    assert meeting_to_markdown(result.meeting) == path.read_text()


def test_the_archives_later_revision_of_the_seed_updates_only_what_changed(corpus, tmp_path):
    """The seed is an earlier revision of the corpus file: leads kept editing after the meeting."""
    path = write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    assert import_file(path, "Runtime").outcome == Outcome.IMPORTED
    meeting = Meeting.objects.get()
    fixed = datetime(2018, 6, 13, 9, 0, tzinfo=UTC)
    meeting.reports.update(updated_at=fixed)
    items_before = {item.title: (item.pk, item.version) for item in meeting.items.all()}
    reports_before = {r.team.slug: (r.pk, r.version) for r in meeting.reports.select_related("team")}

    shutil.copy(corpus / "Runtime" / "2018" / "2018-06-12-runtime.md", path)
    result = import_file(path, "Runtime")

    assert result.outcome == Outcome.UPDATED
    assert "UAA" in result.message and "Discussion" in result.message
    assert Meeting.objects.count() == 1
    assert meeting.reports.count() == len(reports_before)
    reports = {r.team.slug: r for r in meeting.reports.select_related("team")}
    for slug in ["uaa", "persi", "routing", "infrastructure"]:
        report = reports[slug]
        assert (report.pk, report.version) == (reports_before[slug][0], 2), slug
        assert report.updated_at > fixed
        [revision] = Revision.objects.filter(report=report)
        assert revision.source == RevisionSource.IMPORT
        assert revision.target == f"report:{slug}"
        assert revision.after == report.body != revision.before
        assert revision.after_publication
    assert reports["eirini"].status_label == "incubating"  # heading changed, text did not
    assert not Revision.objects.filter(report=reports["eirini"]).exists()
    for slug in ["cli", "diego", "garden", "garden-windows", "capi"]:
        assert (reports[slug].pk, reports[slug].version, reports[slug].updated_at) == (*reports_before[slug], fixed)
    assert not Revision.objects.filter(report__team__slug__in=["cli", "diego"]).exists()

    discussion = meeting.items.get(title="Discussion")
    assert discussion.pk == items_before["Discussion"][0]
    assert discussion.version == items_before["Discussion"][1] + 1
    assert Revision.objects.get(target="item:discussion").after == discussion.body
    announcements = meeting.items.get(title="Announcements")
    assert (announcements.pk, announcements.version) == items_before["Announcements"]

    exported = meeting_to_markdown(meeting).split("\n")
    original = (corpus / "Runtime" / "2018" / "2018-06-12-runtime.md").read_text().split("\n")
    assert [line.rstrip() for line in exported if line.strip()] == [line.rstrip() for line in original if line.strip()]
    assert import_file(path, "Runtime").outcome == Outcome.UNCHANGED


def test_update_adds_and_removes_teams_keeping_the_history(tmp_path):
    path = tmp_path / "Runtime" / "2018-07-10-runtime.md"
    write(
        tmp_path, "Runtime/2018-07-10-runtime.md", minutes("2018-07-10", ("Diego - Eric", "- a"), ("CLI - Abby", "- b"))
    )
    import_file(path, "Runtime")
    diego = BacklogReport.objects.get(team__slug="diego")
    save_report(diego, body="- a, edited on the web")

    write(
        tmp_path, "Runtime/2018-07-10-runtime.md", minutes("2018-07-10", ("CLI - Abby", "- b"), ("UAA - Sree", "- c"))
    )
    result = import_file(path, "Runtime")

    assert result.outcome == Outcome.UPDATED
    meeting = Meeting.objects.get()
    assert [r.team_name for r in meeting.reports.all()] == ["CLI", "UAA"]
    cli = meeting.reports.get(team__slug="cli")
    assert (cli.position, cli.version) == (0, 1)  # moved up, but its text did not change
    # The Diego report is gone, its history is not.
    history = Revision.objects.filter(target="report:diego").order_by("pk")
    assert [(r.before, r.after, r.source) for r in history] == [
        ("- a", "- a, edited on the web", RevisionSource.WEB),
        ("- a, edited on the web", "", RevisionSource.IMPORT),
    ]
    assert Revision.objects.get(target="report:uaa").after == "- c"


def test_update_never_overwrites_a_text_saved_on_the_site_meanwhile(tmp_path, monkeypatch):
    path = write(tmp_path, "Runtime/2018-07-10-runtime.md", minutes("2018-07-10", ("Diego - Eric", "- a")))
    import_file(path, "Runtime")
    write(tmp_path, "Runtime/2018-07-10-runtime.md", minutes("2018-07-10", ("Diego - Eric", "- b")))
    revision = importing._revision

    # The lead saves between the import's read of the report and its update (when its revision is made).
    def lead_saves_first(meeting, details, **fields):
        save_report(BacklogReport.objects.get(pk=fields["report"].pk), body="- typed by the lead")
        return revision(meeting, details, **fields)

    monkeypatch.setattr(importing, "_revision", lead_saves_first)
    result = import_file(path, "Runtime")

    assert result.outcome == Outcome.FAILED
    assert "saved on the site" in result.message
    # Nothing of the file was kept (the simulated save shared its transaction, so it went too).
    report = BacklogReport.objects.get()
    assert (report.body, report.version) == ("- a", 1)
    assert not Revision.objects.exists()


def test_update_never_overwrites_a_roadmap_saved_on_the_site_meanwhile(tmp_path, monkeypatch):
    from meetings.format.outline import text_to_entries
    from meetings.services import importing

    path = write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    meeting = import_file(path, "Runtime").meeting
    meeting.refresh_from_db()
    version = meeting.roadmap_version
    line = "|| - Fetching service instances and bindings (Services API)"
    assert line in SEED_TEXT
    write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED_TEXT.replace(line, line + ", from the file"))
    chairs_outline = "## Soon\n- Typed by the chair\n"
    save_reports = importing._save_reports

    def chair_saves_the_roadmap_first(target, *args, **kwargs):
        fresh = Meeting.objects.get(pk=target.pk)
        assert save_roadmap(fresh, entries=text_to_entries(chairs_outline), expected_version=fresh.roadmap_version)
        return save_reports(target, *args, **kwargs)

    monkeypatch.setattr(importing, "_save_reports", chair_saves_the_roadmap_first)
    result = import_file(path, "Runtime")

    assert result.outcome == Outcome.FAILED
    assert "saved on the site" in result.message
    # Nothing of the file was kept (the simulated save shared its transaction, so it went too).
    meeting.refresh_from_db()
    assert meeting.roadmap_version == version
    assert "from the file" not in meeting_to_markdown(meeting)


def test_sections_added_or_removed_leave_the_other_sections_untouched(tmp_path):
    title = "# Runtime PMC Meeting 2018-07-10\n\n"
    before = title + "## Announcements\n\nHello.\n\n## Old business\n\nA.\n\n## Zoom info\n\nID 1\n"
    after = title + "## New topic\n\nB.\n\n## Announcements\n\nHello.\n\n## Zoom info\n\nID 2\n"
    path = write(tmp_path, "Runtime/2018-07-10-runtime.md", before)
    import_file(path, "Runtime")
    rows = {item.title: (item.pk, item.version) for item in AgendaItem.objects.all()}
    write(tmp_path, "Runtime/2018-07-10-runtime.md", after)

    result = import_file(path, "Runtime")

    assert result.outcome == Outcome.UPDATED
    items = list(Meeting.objects.get().items.all())
    assert [(i.title, i.body) for i in items] == [
        ("New topic", "B."),
        ("Announcements", "Hello."),
        ("Zoom info", "ID 2"),
    ]
    assert (items[1].pk, items[1].version) == rows["Announcements"]
    assert (items[2].pk, items[2].version) == (rows["Zoom info"][0], 2)
    changes = {r.target: (r.before, r.after) for r in Revision.objects.all()}
    assert changes == {
        "item:new-topic": ("", "B."),
        "item:old-business": ("A.", ""),
        "item:zoom-info": ("ID 1", "ID 2"),
    }
    assert meeting_to_markdown(Meeting.objects.get()) == after


def test_a_section_that_keeps_its_place_stays_there_when_one_after_it_moves(tmp_path):
    # The positions are moved out of the way first: a section staying put must be moved back as well.
    title = "# Runtime PMC Meeting 2018-07-10\n\n"
    before = title + "## Announcements\n\nHello.\n\n## Old business\n\nA.\n\n## Zoom info\n\nID 1\n"
    after = title + "## Announcements\n\nHello.\n\n## Zoom info\n\nID 1\n"
    path = write(tmp_path, "Runtime/2018-07-10-runtime.md", before)
    import_file(path, "Runtime")
    write(tmp_path, "Runtime/2018-07-10-runtime.md", after)

    result = import_file(path, "Runtime")

    assert result.outcome == Outcome.UPDATED, result.message
    assert [(i.title, i.position) for i in Meeting.objects.get().items.all()] == [
        ("Announcements", 0),
        ("Zoom info", 1),
    ]
    assert meeting_to_markdown(Meeting.objects.get()) == after


def test_whitespace_that_changes_the_markdown_is_an_update(tmp_path):
    path = write(tmp_path, "Runtime/2018-07-10-runtime.md", minutes("2018-07-10", ("Diego", "line one\nline two")))
    import_file(path, "Runtime")
    write(tmp_path, "Runtime/2018-07-10-runtime.md", minutes("2018-07-10", ("Diego", "line one  \nline two")))
    assert import_file(path, "Runtime").outcome == Outcome.UPDATED  # a hard line break now
    assert BacklogReport.objects.get().body == "line one  \nline two"


# --- Bad inputs ------------------------------------------------------------------------------------

SEED_TEXT = SEED.read_text(encoding="utf-8")

BAD_FILES = [
    # (id, file name, content, outcome, words in the message)
    ("empty", "2018-06-12-runtime.md", b"", Outcome.FAILED, ["line 1", "empty", "expected"]),
    ("binary", "2018-06-12-runtime.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Outcome.FAILED, ["binary"]),
    (
        "invalid-utf8",
        "2018-06-12-runtime.md",
        b"# Runtime PMC Meeting 2018-06-12\n\n## Announcements\n\ncaf\xe9\n",
        Outcome.FAILED,
        ["line 5", "UTF-8", "expected"],
    ),
    ("no-date", "minutes.md", SEED_TEXT.replace("2018-06-12", "soon"), Outcome.SKIPPED, ["no date", "expected"]),
    ("heading-only", "2018-06-12-runtime.md", b"# Runtime PMC Meeting 2018-06-12\n", Outcome.SKIPPED, ["blank"]),
    (
        "heading-only-sections",
        "2018-06-12-runtime.md",
        b"# Runtime PMC Meeting 2018-06-12\n\n## Agenda\n\n## Backlog Reviews\n\n### Diego - Eric Malm\n",
        Outcome.SKIPPED,
        ["blank"],
    ),
    (
        "five-megabytes",
        "2018-06-12-runtime.md",
        (SEED_TEXT + "\n- more\n" * (5 * 2**20 // 7)).encode(),
        Outcome.FAILED,
        ["MB", "expected"],
    ),
    (
        "heading-too-long",
        "2018-06-12-runtime.md",
        minutes("2018-06-12", ("Diego - " + "Eric Malm " * 60, "- a")),
        Outcome.FAILED,
        ["line 9", "team heading", "expected at most 500"],
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "outcome", "words"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_bad_file_is_reported_and_leaves_nothing(tmp_path, name, content, outcome, words):
    path = write(tmp_path, f"Runtime/2018/{name}", content)
    result = import_file(path, "Runtime")
    assert result.outcome == outcome
    for word in words:
        assert word in result.message
    assert str(path) in str(result)
    assert nothing_saved()


@pytest.mark.parametrize(
    "content",
    [SEED_TEXT.replace("\n", "\r\n").encode(), b"\xef\xbb\xbf" + SEED.read_bytes()],
    ids=["windows-line-endings", "bom"],
)
def test_windows_line_endings_and_bom_import_as_the_plain_file(tmp_path, content):
    plain = import_file(SEED, "Runtime").meeting
    expected = structural_markdown(plain)
    Meeting.objects.all().delete()

    result = import_file(write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", content), "Runtime")
    assert result.outcome == Outcome.IMPORTED
    assert result.meeting.title == "Runtime PMC Meeting 2018-06-12"
    assert structural_markdown(result.meeting) == expected
    assert meeting_to_markdown(result.meeting).encode() == content  # and the export gives the file back as it was
    assert "\r" not in "".join(BacklogReport.objects.values_list("body", flat=True))


def test_file_failing_while_saving_leaves_nothing_behind_and_others_go_on(tmp_path, monkeypatch):
    write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    write(tmp_path, "Runtime/2018/2018-06-26-runtime.md", minutes("2018-06-26", ("Diego - Eric Malm", "- a")))
    original = Meeting.set_roadmap

    def fail_for_the_seed(meeting, entries):
        if meeting.date == SEED_DATE:
            raise RuntimeError("disk full")
        return original(meeting, entries)

    monkeypatch.setattr(Meeting, "set_roadmap", fail_for_the_seed)
    results = import_paths([tmp_path])

    assert [r.outcome for r in results] == [Outcome.FAILED, Outcome.IMPORTED]
    assert "disk full" in results[0].message
    assert list(Meeting.objects.values_list("date", flat=True)) == [date(2018, 6, 26)]
    # None of the seed's twenty teams, only the one of the file that went in.
    assert list(Team.objects.values_list("slug", flat=True)) == ["diego"]


def test_command_reports_each_bad_file_the_summary_and_fails(tmp_path):
    folder = tmp_path / "Runtime"
    for bad_id, name, content, _, _ in BAD_FILES:
        write(folder, f"2017/{bad_id}-{name}", content)
    write(folder, "2018/2018-06-12-runtime.md", SEED.read_bytes())
    out = StringIO()

    with pytest.raises(CommandError, match="5 file"):
        call_command("import_minutes", str(folder), stdout=out)

    output = out.getvalue()
    assert summary(output) == "imported 1, updated 0, unchanged 0, skipped 3, failed 5, refused 0"
    failed = [line for line in output.splitlines() if line.startswith("failed")]
    assert len(failed) == 5
    assert all(str(folder / "2017") in line and "expected" in line for line in failed)
    assert Meeting.objects.count() == 1
    assert Team.objects.count() == 19  # the seed's teams, nothing from the failed files


def test_command_refuses_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_minutes", str(tmp_path / "nowhere"))


def test_five_megabyte_file_is_refused_before_it_is_read(tmp_path):
    path = write(tmp_path, "Runtime/2018-06-12-runtime.md", b"# x\n" * (5 * 2**20 // 4))
    assert path.stat().st_size > MAX_FILE_BYTES
    result = import_file(path, "Runtime")
    assert result.outcome == Outcome.FAILED
    assert "5.0 MB" in result.message


# --- Dry run ---------------------------------------------------------------------------------------


def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path):
    path = write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    output = call_command_output("import_minutes", str(tmp_path), "--dry-run")
    assert summary(output) == "Dry run: imported 1, updated 0, unchanged 0, skipped 0, failed 0, refused 0"
    assert "imported" in output.splitlines()[0] and str(path) in output
    assert nothing_saved()

    import_file(path, "Runtime")
    counts = row_counts()
    path.write_text(SEED_TEXT.replace("Published v6.37.0", "Published v6.38.0"), encoding="utf-8")
    [result] = import_paths([tmp_path], dry_run=True)
    assert result.outcome == Outcome.UPDATED
    assert "dry run" in result.message and "CLI" in result.message
    assert row_counts() == counts
    assert "v6.37.0" in BacklogReport.objects.get(team__slug="cli").body


# --- Committees and teams --------------------------------------------------------------------------


def test_committee_from_the_archive_folder_or_the_option(tmp_path):
    write(
        tmp_path,
        "Extensions/2018/06-24-2018.md",
        "# CF Extensions PMC Notes\n\n# Projects\n\n### Stratos (Neil)\n\nOK\n",
    )
    call_command_output("import_minutes", str(tmp_path / "Extensions"))
    meeting = Meeting.objects.get()
    assert (meeting.committee.name, meeting.committee.slug, meeting.date) == (
        "Extensions",
        "extensions",
        date(2018, 6, 24),
    )

    make_committee("Runtime")
    call_command_output("import_minutes", str(tmp_path / "Extensions"), "--committee", "runtime")
    moved = Meeting.objects.get(committee__slug="runtime")
    assert moved.date == date(2018, 6, 24)
    assert Committee.objects.count() == 2


def test_draft_option_imports_new_meetings_as_drafts(tmp_path):
    write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    call_command_output("import_minutes", str(tmp_path), "--draft")
    assert Meeting.objects.get().status == "draft"


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_teams_are_matched_across_meetings_and_take_the_latest_leads(tmp_path, order):
    older = write(
        tmp_path,
        "Runtime/2018/2018-01-09-runtime.md",
        minutes(
            "2018-01-09",
            ("Diego - Eric Malm", "- a"),
            ("Bits-Service (incubating) - Peter Goetz", "- b"),
            ("Garden Windows - A William Martin", "- c"),
            ("Lattice - David Wadden", "- d"),
        ),
    )
    newer = write(
        tmp_path,
        "Runtime/2018/2018-01-23-runtime.md",
        minutes(
            "2018-01-23",
            ("DIEGO – Josh Collins", "- e"),
            ("Bits-Service - Simon Moser", "- f"),
            ("GardenWindows (incubating) - Kartik Lunkad / Sam Smith", "- g"),
        ),
    )
    kept = make_team(make_committee("Runtime"), "Next Team", lead_names="Somebody")
    files = [older, newer] if order == "oldest first" else [newer, older]
    for path in files:
        assert import_paths([path])[0].outcome == Outcome.IMPORTED

    teams = {team_key(team.name): team for team in Team.objects.all()}
    assert Team.objects.count() == len(teams) == 5
    assert set(teams) == {"diego", "bitsservice", "gardenwindows", "lattice", "nextteam"}
    assert (teams["diego"].name, teams["diego"].lead_names) == ("DIEGO", "Josh Collins")
    assert (teams["bitsservice"].status, teams["bitsservice"].lead_names) == (TeamStatus.ACTIVE, "Simon Moser")
    garden_windows = teams["gardenwindows"]
    assert garden_windows.name == "GardenWindows"
    assert (garden_windows.status, garden_windows.lead_names) == (TeamStatus.INCUBATING, "Kartik Lunkad / Sam Smith")
    # Each report keeps what its meeting wrote.
    first = BacklogReport.objects.filter(meeting__date=date(2018, 1, 9))
    assert list(first.values_list("team_name", "status_label", "leads")) == [
        ("Diego", "", "Eric Malm"),
        ("Bits-Service", "incubating", "Peter Goetz"),
        ("Garden Windows", "", "A William Martin"),
        ("Lattice", "", "David Wadden"),
    ]
    # A team that stopped reporting is retired; one that never reported yet is left alone.
    assert teams["lattice"].status == TeamStatus.RETIRED
    assert Team.objects.get(pk=kept.pk).status == TeamStatus.ACTIVE


def test_the_committee_adopts_the_agenda_of_its_latest_meeting_when_its_teams_were_found(tmp_path):
    path = write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())

    import_paths([path])

    committee = Committee.objects.get(slug="runtime")
    titles = list(committee.agenda_template.values_list("title", "kind"))
    assert ("Backlog Reviews", ItemKind.BACKLOG) in titles
    assert ("Announcements", ItemKind.NOTES) in titles


def test_a_file_read_as_the_chairs_sections_alone_gives_the_committee_no_agenda(tmp_path):
    """Its `##` sections may be teams of a notes-style file: as agenda titles they could never become teams."""
    text = "# Runtime PMC Meeting 2030-02-05\n\n## CLI - Abby Chau\n\n- shipped the plugin repository\n"
    path = write(tmp_path, "Runtime/2030/2030-02-05-runtime.md", text.encode())

    [result] = import_paths([path])

    assert result.outcome == Outcome.IMPORTED
    assert not Committee.objects.get(slug="runtime").agenda_template.exists()


def test_a_cache_shared_by_many_imports_forgets_the_teams_of_a_version_rolled_back(monkeypatch):
    # import_minutes --git shares an ImportCache across versions: a refused version's new team is no row any more.
    committee = make_committee()
    cache = importing.ImportCache()
    first = minutes("2018-07-10", ("Diego - Eric", "- a"))
    importing.import_data(first.encode(), Path("2018-07-10-runtime.md"), committee, cache=cache)
    check = importing.self_check

    def refuse(*args, **kwargs):
        raise importing._Refused("a line lost", 0.0)

    monkeypatch.setattr(importing, "self_check", refuse)
    second = minutes("2018-07-10", ("Diego - Eric", "- a"), ("Garden - Julz", "- b"))
    refused = importing.import_data(second.encode(), Path("2018-07-10-runtime.md"), committee, cache=cache)
    assert refused.outcome == Outcome.REFUSED
    assert not Team.objects.filter(slug="garden").exists()

    monkeypatch.setattr(importing, "self_check", check)
    result = importing.import_data(second.encode(), Path("2018-07-10-runtime.md"), committee, cache=cache)

    assert result.outcome == Outcome.UPDATED
    garden = result.meeting.reports.get(team_name="Garden")
    assert Team.objects.filter(pk=garden.team_id, slug="garden").exists()


def test_a_file_imported_published_says_when_it_was_imported_and_no_publication_date(tmp_path):
    path = write(tmp_path, "Runtime/2018/2018-06-12-runtime.md", SEED.read_bytes())
    before = timezone.now()
    import_file(path, "Runtime")
    meeting = Meeting.objects.get()

    assert before <= meeting.imported_at <= timezone.now()
    assert meeting.published_at == meeting.imported_at  # amendments are counted from the import
    assert meeting.first_published_at is None  # the file does not say when it was published

    path.write_text(SEED.read_text().replace("## Discussion\n", "## Discussion\n- Later\n"))
    import_file(path, "Runtime")
    meeting.refresh_from_db()
    assert meeting.imported_at == meeting.published_at  # an update is no new import


def test_minutes_written_here_are_not_imported_and_say_when_they_were_published(people):
    meeting = create_meeting(people["runtime"], day=date(2030, 1, 8))
    publish_meeting(meeting)

    assert meeting.imported_at is None
    assert meeting.first_published_at == meeting.published_at is not None
