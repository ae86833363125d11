"""Import minutes files of the archive into the database.

Each file is parsed (parsing.py) and saved in its own transaction: a file that
fails leaves nothing behind and the others go on. Importing the same file again
changes nothing; a newer revision of a file updates its meeting, touching only
the reports that changed.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .exporting import meeting_to_markdown, minutes_markdown, roadmap_lines, same_lines
from .models import (
    AgendaItem,
    AgendaTemplateItem,
    BacklogReport,
    Committee,
    ItemKind,
    Meeting,
    MeetingStatus,
    Revision,
    RevisionSource,
    Team,
    TeamStatus,
)
from .parsing import ParsedMeeting, ParseError, decode, parse_minutes

MAX_FILE_BYTES = 2 * 1024 * 1024
_PLACEHOLDER = re.compile(r"^\s*(\[add[^\]]*\]|tbd|n/?a|-)?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")


class Outcome:
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"
    ALL = (IMPORTED, UPDATED, UNCHANGED, SKIPPED, FAILED)


@dataclass
class ImportResult:
    path: Path
    outcome: str
    message: str = ""
    meeting: Meeting | None = None
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        notes = "; ".join(filter(None, [self.message, *self.warnings]))
        return f"{self.outcome:9} {self.path}" + (f": {notes}" if notes else "")


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that nothing is kept."""


def minutes_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(file, committee name) for every .md file named or under a named folder.

    The committee is the nearest folder above the file that is not a year,
    e.g. `Runtime` for `corpus/Runtime/2018/2018-06-12-runtime.md`.
    """
    found = []
    for path in map(Path, paths):
        files = sorted(p for p in path.rglob("*.md") if p.name.lower() != "readme.md") if path.is_dir() else [path]
        for file in files:
            found.append((file, _committee_folder(file)))
    return found


def _committee_folder(file: Path) -> str:
    for folder in file.resolve().parents:
        if folder.name and not _YEAR.match(folder.name):
            return folder.name
    return "Minutes"


def get_or_create_committee(name_or_slug: str) -> Committee:
    slug = slugify(name_or_slug)
    committee = Committee.objects.filter(slug=slug).first()
    if committee is None:
        name = name_or_slug if name_or_slug != slug else name_or_slug.replace("-", " ").title()
        committee = Committee.objects.create(name=name, slug=slug)
    return committee


def import_paths(
    paths: Iterable[Path], committee: str | None = None, *, draft: bool = False, dry_run: bool = False
) -> list[ImportResult]:
    """Import every minutes file named or under the named folders."""
    results = []
    committees_without_agenda: dict[int, Committee] = {}
    for file, folder in minutes_files(paths):
        result = import_file(file, committee or folder, draft=draft, dry_run=dry_run)
        results.append(result)
        if result.meeting and not dry_run:
            target = result.meeting.committee
            if not target.agenda_template.exists():
                committees_without_agenda[target.pk] = target
    for target in committees_without_agenda.values():
        adopt_agenda_from_latest(target)
    return results


def import_file(path: Path, committee: str, *, draft: bool = False, dry_run: bool = False) -> ImportResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(
                f"the file is {size / 1e6:.1f} MB; a minutes file may be at most {MAX_FILE_BYTES // 2**20} MB"
            )
        parsed = parse_minutes(decode(path.read_bytes()), path.name)
    except OSError as error:
        return ImportResult(path, Outcome.FAILED, f"cannot read the file ({error.strerror})")
    except ParseError as error:
        return ImportResult(path, Outcome.FAILED, str(error))
    if parsed.date is None:
        return ImportResult(
            path, Outcome.SKIPPED, "no date in the title or the file name (a template?); expected e.g. 2018-06-12"
        )
    if is_blank(parsed):
        return ImportResult(path, Outcome.SKIPPED, "a blank template: nothing is written in it yet")
    try:
        with transaction.atomic():
            result = save_meeting(parsed, get_or_create_committee(committee), path, draft=draft)
            if dry_run:
                raise _DryRun
    except _DryRun:
        result.meeting = None
        result.message = "(dry run, nothing written)"
    except Exception as error:
        return ImportResult(path, Outcome.FAILED, f"could not be saved: {error}")
    return result


def is_blank(parsed: ParsedMeeting) -> bool:
    """Only headings and placeholders such as “[add here]”: a template, not minutes."""
    texts = [report.body for report in parsed.reports] + [item.body for item in parsed.items if item.kind == "notes"]
    return not parsed.roadmap and all(_PLACEHOLDER.match(line) for text in texts for line in text.split("\n"))


def save_meeting(parsed: ParsedMeeting, committee: Committee, path: Path, *, draft: bool) -> ImportResult:
    """Create or update the committee's meeting of that date from parsed minutes."""
    existing = Meeting.objects.filter(committee=committee, date=parsed.date).first()
    new_text = minutes_markdown(
        parsed.title, parsed.preamble, parsed.agenda_marker, parsed.items, parsed.reports, parsed.roadmap
    )
    if existing and same_lines(meeting_to_markdown(existing).split("\n"), new_text.split("\n")):
        return ImportResult(path, Outcome.UNCHANGED, meeting=existing, warnings=parsed.warnings)

    meeting = existing or Meeting(committee=committee, date=parsed.date)
    meeting.title = parsed.title or committee.meeting_title(parsed.date)
    meeting.preamble = parsed.preamble
    meeting.agenda_marker = parsed.agenda_marker
    if not existing:
        meeting.status = MeetingStatus.DRAFT if draft else MeetingStatus.PUBLISHED
        meeting.published_at = None if draft else timezone.now()
    meeting.save()

    old_texts = _texts(meeting) if existing else {}
    meeting.items.all().delete()
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                position=position,
                level=item.level,
                title=item.title,
                kind=item.kind,
                body=item.body,
                footnote=item.footnote,
                agenda_position=item.agenda_position,
                agenda_label=item.agenda_label,
            )
            for position, item in enumerate(parsed.items)
        ]
    )
    _save_reports(meeting, parsed)
    meeting.set_roadmap(parsed.roadmap)
    if existing:
        _record_changes(meeting, old_texts, _texts(meeting))
    outcome = Outcome.UPDATED if existing else Outcome.IMPORTED
    return ImportResult(path, outcome, f"{len(parsed.reports)} team reports", meeting, parsed.warnings)


def _save_reports(meeting: Meeting, parsed: ParsedMeeting) -> None:
    committee = meeting.committee
    teams = {team.slug: team for team in committee.teams.all()}
    old = {report.team_id: report for report in meeting.reports.all()}
    kept_ids = []
    for position, item in enumerate(parsed.reports):
        slug = Team.slug_for(item.team_name)
        team = teams.get(slug)
        if team is None:
            team = teams[slug] = Team.objects.create(committee=committee, name=item.team_name, slug=slug)
        _update_roster(team, item, meeting, position)
        fields = {
            "position": position,
            "heading": item.heading,
            "team_name": item.team_name,
            "status_label": item.status_label,
            "leads": item.leads,
            "group": item.group,
            "group_heading": item.group_heading,
            "body": item.body,
        }
        report = old.get(team.pk)
        if report is None:
            report = BacklogReport.objects.create(meeting=meeting, team=team, **fields)
        elif any(getattr(report, name) != value for name, value in fields.items()):
            if report.body != item.body:
                report.record_revision(report.body, item.body, source=RevisionSource.IMPORT)
            for name, value in fields.items():
                setattr(report, name, value)
            report.version += 1
            report.updated_at = timezone.now()
            report.updated_by = None
            report.save()
        kept_ids.append(report.pk)
    meeting.reports.exclude(pk__in=kept_ids).delete()


def _texts(meeting: Meeting) -> dict[str, str]:
    """The chair's parts of a meeting (sections and roadmap) as text, by revision target."""
    texts = {item.revision_target: item.body for item in meeting.items.all() if item.kind == ItemKind.NOTES}
    texts["roadmap"] = "\n".join(roadmap_lines(list(meeting.roadmap_entries.all())))
    return texts


def _record_changes(meeting: Meeting, before: dict[str, str], after: dict[str, str]) -> None:
    Revision.objects.bulk_create(
        [
            Revision(
                meeting=meeting,
                target=target,
                before=before.get(target, ""),
                after=after.get(target, ""),
                source=RevisionSource.IMPORT,
                after_publication=meeting.is_published,
            )
            for target in dict.fromkeys([*before, *after])
            if before.get(target, "") != after.get(target, "")
        ]
    )


def _update_roster(team: Team, report, meeting: Meeting, position: int) -> None:
    """The team's current leads, label and group are those of its latest meeting."""
    later = team.reports.filter(meeting__date__gt=meeting.date).exists()
    if later:
        return
    team.lead_names = report.leads
    team.group = report.group
    team.position = position
    if report.status_label.lower().startswith("incubat"):
        team.status = TeamStatus.INCUBATING
    elif team.status in (TeamStatus.INCUBATING, TeamStatus.PROPOSED):
        team.status = TeamStatus.ACTIVE
    team.save()


def adopt_agenda_from_latest(committee: Committee) -> None:
    """Give a committee that has no default agenda the sections of its latest meeting."""
    latest = Meeting.objects.for_committee(committee).order_by("-date").first()
    if latest is None:
        return
    AgendaTemplateItem.objects.bulk_create(
        [
            AgendaTemplateItem(
                committee=committee,
                position=position,
                title=item.title,
                kind=item.kind,
                agenda_label=item.agenda_label,
            )
            for position, item in enumerate(i for i in latest.items.all() if i.has_section)
        ]
    )
    roadmap = latest.items.filter(kind=ItemKind.ROADMAP).first()
    if roadmap and roadmap.footnote:
        committee.roadmap_disclaimer = roadmap.footnote
        committee.save(update_fields=["roadmap_disclaimer"])
