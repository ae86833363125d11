"""Importing every format generation from the project's own fixtures, and exporting it back: runs everywhere.

The same checks over the whole real archive (../shared/corpus) are in
test_importing.py and test_roundtrip.py and skip where it is absent.
"""

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from meetings.format.choices import Horizon, ItemKind
from meetings.models import BacklogReport, Committee, Meeting, RoadmapEntry, Team, TeamStatus
from meetings.services.exporting import archive_path, export_meetings, meeting_to_markdown, structural_markdown
from meetings.services.importing import Outcome, import_file, import_paths
from meetings.services.roundtrip import IDENTICAL, WHITESPACE_ONLY, compare
from tests.support.corpus import FIXTURES

pytestmark = pytest.mark.django_db

MEETINGS = {
    "Runtime/2015/2015-03-10-runtime.md": ("runtime", date(2015, 3, 10)),
    "Runtime/2016/2016-09-13-runtime.md": ("runtime", date(2016, 9, 13)),
    "Runtime/2018/2018-02-20-runtime.md": ("runtime", date(2018, 2, 20)),
    "Extensions/2018/03-19-2018.md": ("extensions", date(2018, 3, 19)),
}
TEMPLATE = "Extensions/2017/template.md"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def imported(name: str) -> Meeting:
    committee = name.split("/")[0]
    result = import_file(FIXTURES / name, committee)
    assert result.outcome == Outcome.IMPORTED, result
    return result.meeting


def reports(meeting: Meeting) -> list[tuple[str, str, str, str]]:
    return [(r.team.name, r.status_label, r.leads, r.group) for r in meeting.reports.select_related("team")]


# --- every file ---------------------------------------------------------------------------------------------


def test_the_fixtures_import_once_and_again_changes_nothing():
    first = run("import_minutes", str(FIXTURES))
    assert first.strip().splitlines()[-1] == "imported 4, updated 0, unchanged 0, skipped 1, failed 0, refused 0"
    assert re.search(r"template\.md", first)  # the skipped file is named, with the reason
    assert {(m.committee.slug, m.date) for m in Meeting.objects.select_related("committee")} == set(MEETINGS.values())
    assert not Meeting.objects.drafts().exists()

    again = run("import_minutes", str(FIXTURES))
    assert again.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 4, skipped 1, failed 0, refused 0"
    assert Meeting.objects.count() == 4


@pytest.mark.parametrize("name", sorted(MEETINGS))
def test_each_generation_exports_back_to_its_file(name):
    meeting = imported(name)
    original = (FIXTURES / name).read_text(encoding="utf-8")
    assert compare(original, structural_markdown(meeting)).verdict in (IDENTICAL, WHITESPACE_ONLY)
    assert meeting_to_markdown(meeting) == original  # the file itself, kept as imported
    assert str(archive_path(meeting)) == name  # back where it came from, Extensions' MM-DD-YYYY names included


def test_check_roundtrip_over_the_fixtures_loses_and_adds_no_line():
    output = run("check_roundtrip", str(FIXTURES))
    last = output.strip().splitlines()[-1]
    assert re.fullmatch(r"identical \d+, whitespace-only \d+, different 0, skipped 1 \(of 5 files\)", last), last
    assert not Meeting.objects.exists()  # a check keeps nothing


def test_the_fixtures_exported_import_again_unchanged(tmp_path):
    import_paths([FIXTURES])
    written = export_meetings(Meeting.objects.all(), out_dir=tmp_path)
    assert sorted(str(path.relative_to(tmp_path)) for path in written) == sorted(MEETINGS)

    results = import_paths([tmp_path])

    assert {result.outcome for result in results} == {Outcome.UNCHANGED}


def test_the_blank_template_is_reported_and_skipped():
    result = import_file(FIXTURES / TEMPLATE, "Extensions")
    assert result.outcome == Outcome.SKIPPED
    assert "no date" in result.message
    assert not Meeting.objects.exists() and not Team.objects.exists()


# --- 2015: teams without a lead, attendees ----------------------------------------------------------------


def test_2015_teams_without_leads_join_the_roster():
    meeting = imported("Runtime/2015/2015-03-10-runtime.md")
    assert reports(meeting) == [("Runtime", "", "", ""), ("UAA", "", "", ""), ("Diego", "", "", "")]
    teams = Team.objects.filter(committee__slug="runtime")
    assert sorted(teams.values_list("slug", flat=True)) == ["diego", "runtime", "uaa"]
    assert set(teams.values_list("lead_names", flat=True)) == {""}


def test_2015_attendees_stay_the_section_the_minutes_wrote():
    meeting = imported("Runtime/2015/2015-03-10-runtime.md")
    attendees = meeting.items.get(title="Attendees")
    assert attendees.kind == ItemKind.NOTES and attendees.agenda_position is None
    assert "* Carmen Ortiz, IBM (PMC Lead)" in attendees.body
    assert not meeting.attendees.exists()  # nobody recorded through the site
    assert meeting_to_markdown(meeting).count("## Attendees") == 1


# --- 2016: leads, co-leads, incubating, sub-projects -----------------------------------------------------


def test_leads_and_statuses_reach_the_reports_and_the_roster():
    meeting = imported("Runtime/2016/2016-09-13-runtime.md")
    assert reports(meeting) == [
        ("CLI", "", "Dana Kerr", ""),
        ("Diego", "", "Eli Mars", ""),
        ("Routing", "", "Fern Ito / Gus Pal", ""),
        ("Bits-Service", "incubating", "Hana Roe / Ivo Stern", ""),
    ]
    roster = {team.slug: team for team in Team.objects.filter(committee__slug="runtime")}
    assert roster["bits-service"].status == TeamStatus.INCUBATING
    assert roster["routing"].status == TeamStatus.ACTIVE
    assert roster["routing"].lead_names == "Fern Ito / Gus Pal"


def test_sub_project_headings_stay_in_their_teams_report():
    meeting = imported("Runtime/2016/2016-09-13-runtime.md")
    body = meeting.reports.get(team__slug="bits-service").body
    assert body.startswith("#### `bits-service-release`")
    assert "#### `bits-service-client`" in body
    assert not meeting.items.filter(title__startswith="`bits").exists()


def test_a_team_keeps_one_row_across_generations():
    imported("Runtime/2015/2015-03-10-runtime.md")
    imported("Runtime/2016/2016-09-13-runtime.md")
    diego = Team.objects.get(committee__slug="runtime", slug="diego")
    assert diego.reports.count() == 2
    assert diego.lead_names == "Eli Mars"  # the newest meeting's leads


# --- the roadmap table ------------------------------------------------------------------------------------


def test_the_roadmap_lands_in_its_horizons_linked_to_the_teams_it_names():
    imported("Runtime/2016/2016-09-13-runtime.md")  # Diego's team exists before the roadmap names it
    meeting = imported("Runtime/2018/2018-02-20-runtime.md")
    entries = [e for e in meeting.roadmap_entries.prefetch_related("teams").order_by("position") if e.text]
    assert [(e.horizon, e.text) for e in entries] == [
        (Horizon.RECENTLY_COMPLETED, "Service instance sharing (Services API)"),
        (Horizon.RECENTLY_COMPLETED, "Rootless containers in Garden"),
        (Horizon.SOON, "Zero-downtime app updates (CAPI, Diego)"),
        (Horizon.NEXT, "Droplet upload with cf CLI"),
        (Horizon.NEXT, "Layered filesystems for droplets"),
        (Horizon.FUTURE, "Placing large instances with less spare capacity (Diego)"),
    ]
    linked = {e.text: sorted(t.slug for t in e.teams.all()) for e in entries}
    assert linked["Zero-downtime app updates (CAPI, Diego)"] == ["capi", "diego"]
    assert linked["Service instance sharing (Services API)"] == []  # no such team in this committee
    roadmap = meeting.items.get(kind=ItemKind.ROADMAP)
    assert roadmap.title == "CF Feature Roadmap Review"
    assert roadmap.footnote == "*Above are plans, not commitments, and may change without notice.*"


# --- Extensions: groups, leads in parentheses, the date from the file name ------------------------------


def test_extensions_projects_import_in_their_groups():
    meeting = imported("Extensions/2018/03-19-2018.md")
    assert (meeting.committee.name, meeting.date) == ("Extensions", date(2018, 3, 19))
    assert meeting.title == "CF Extensions PMC Notes"
    assert reports(meeting) == [
        ("App AutoScaler", "", "Lena", "Incubating"),
        ("Buildpacks", "", "Milo", "Incubating"),
        ("Service Fabrik", "", "Nia", "Under Review"),
        ("Multi-Buildpacks", "", "?", "Misc"),
    ]
    assert BacklogReport.objects.get(team__slug="app-autoscaler").heading == "### App AutoScaler (Lena)"
    assert meeting.items.get(kind=ItemKind.BACKLOG).level == 1
    assert not RoadmapEntry.objects.exists()
    assert Committee.objects.get(slug="extensions").teams.count() == 4
