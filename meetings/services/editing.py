"""Changing the text of minutes: a report, a chair's section, the roadmap; moving a report; restoring a revision.

Each save checks the version in its UPDATE (of two saves from the same version
exactly one applies), records a Revision, brings the search index up to date
and, for published minutes, owes the committee's git mirror the change
(`mirror_later`, committed after the transaction), in one transaction.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from ..format.choices import ItemKind
from ..format.outline import OutlineError, entries_to_text, text_to_entries
from ..format.writing import agenda_lines
from ..lib.rendering import render_markdown
from ..models import NO_UPDATE_TEXT, ActionItem, AgendaItem, BacklogReport, Meeting, Revision, RevisionSource
from .mirroring import mirror_later
from .search_index import reindex_meeting


def save_report(
    report: BacklogReport,
    *,
    body: str,
    by=None,
    expected_version: int | None = None,
    source=RevisionSource.WEB,
    reason: str = "",
    index: bool = True,
) -> bool:
    """Store a new body unless someone saved since `expected_version` was read.

    The version check is part of the UPDATE itself, so of two simultaneous
    saves from the same version exactly one applies. Returns False on such a
    conflict (the report is then reloaded with the text saved in between).
    The report says “no update this cycle” exactly while its body is that
    sentence: writing any other text clears it, restoring it sets it again.
    Not `index`: the caller brings the search index (and the decisions read
    from the text) up to date itself, later (the live room, saving every second).
    """
    expected = report.version if expected_version is None else expected_version
    if body == report.body:
        return True  # nothing to change: no new version, and no conflict either
    editor = by if by is not None and by.is_authenticated else None
    before = report.body
    with transaction.atomic():
        if expected != report.version:
            # This copy was read at another version: the replaced text is the stored one.
            before = BacklogReport.objects.filter(pk=report.pk).values_list("body", flat=True).get()
        updated = BacklogReport.objects.filter(pk=report.pk, version=expected).update(
            body=body,
            no_update=body.strip() == NO_UPDATE_TEXT,
            version=models.F("version") + 1,
            updated_at=timezone.now(),
            updated_by=editor,
        )
        if updated:
            # The version matched, so `before` is exactly the text this save replaced.
            report.record_revision(before, body, author=editor, source=source, reason=reason)
            if index:
                reindex_meeting(report.meeting)
            mirror_later(report.meeting, author=editor, message=f"{report.team_name} report {_done(source)}")
    if updated:
        render_markdown(body)  # rendered once, when written: the pages then read it from the cache
    report.refresh_from_db()
    return bool(updated)


def mark_no_update(report: BacklogReport, *, by=None, expected_version: int) -> bool:
    """Say the team has no update this cycle, as one save of the report; False on a conflict."""
    return save_report(report, body=NO_UPDATE_TEXT, by=by, expected_version=expected_version)


def save_item(
    item: AgendaItem,
    *,
    body: str,
    title: str,
    agenda_label: str,
    by=None,
    expected_version: int,
    source=RevisionSource.WEB,
    reason: str = "",
    index: bool = True,
) -> bool:
    """Save the section's title, agenda label and notes unless someone saved since `expected_version`.

    Returns False on such a conflict (the item is then reloaded). The notes
    and the agenda list each get a revision when they change.
    """
    if (body, title, agenda_label) == (item.body, item.title, item.agenda_label):
        return True
    meeting = item.meeting
    siblings = list(meeting.items.all())
    agenda_before = "\n".join(agenda_lines(siblings, meeting.agenda_marker))
    target_before, body_before = item.revision_target, item.body
    item.title, item.body = title, body
    item.set_agenda_label(agenda_label)
    with transaction.atomic():
        updated = AgendaItem.objects.filter(pk=item.pk, version=expected_version).update(
            title=title,
            body=body,
            agenda_label=item.agenda_label,
            agenda_position=item.agenda_position,
            version=models.F("version") + 1,
        )
        if updated:
            if item.revision_target != target_before:
                # A new heading is the same section: its history follows it, and stays restorable.
                meeting.revisions.filter(target=target_before).update(target=item.revision_target)
            if body != body_before or item.revision_target != target_before:
                Revision.record(
                    meeting, item.revision_target, body_before, body, author=by, source=source, reason=reason
                )
            siblings = [item if sibling.pk == item.pk else sibling for sibling in siblings]
            agenda_after = "\n".join(agenda_lines(siblings, meeting.agenda_marker))
            if agenda_after != agenda_before:
                Revision.record(meeting, "agenda", agenda_before, agenda_after, author=by, source=source, reason=reason)
            if index:
                reindex_meeting(meeting)
            mirror_later(meeting, author=by, message=f"{item} {_done(source)}")
    if updated:
        render_markdown(body)  # as for a report: rendered when written, read from the cache
    item.refresh_from_db()
    return bool(updated)


def save_roadmap(
    meeting: Meeting, *, entries, by=None, expected_version: int, source=RevisionSource.WEB, reason: str = ""
) -> bool:
    """Replace the roadmap unless someone saved it since `expected_version`.

    Like a report's text, the version check is in the UPDATE itself; the
    change is recorded as a revision of the roadmap's outline.
    """
    before = entries_to_text(meeting.roadmap_entries.all())
    after = entries_to_text(entries)
    if before == after:
        return True
    with transaction.atomic():
        updated = Meeting.objects.filter(pk=meeting.pk, roadmap_version=expected_version).update(
            roadmap_version=models.F("roadmap_version") + 1, updated_at=timezone.now()
        )
        if updated:
            meeting.set_roadmap(entries)
            Revision.record(meeting, "roadmap", before, after, author=by, source=source, reason=reason)
            reindex_meeting(meeting)
            mirror_later(meeting, author=by, message=f"Roadmap {_done(source)}")
    meeting.refresh_from_db(fields=["roadmap_version", "updated_at"])
    return bool(updated)


@dataclass
class AgendaRow:
    """One row of the agenda page, in the new order: an item of the meeting (`item_id`) or a new section (None)."""

    item_id: int | None
    title: str
    agenda_label: str
    presenter: str = ""
    duration_minutes: int | None = None
    remove: bool = False


def save_agenda(meeting: Meeting, *, rows: list[AgendaRow], by=None, expected_version: int, reason: str = "") -> bool:
    """Rename, reorder, add and remove the meeting's sections unless someone saved the agenda since `expected_version`.

    Returns False on such a conflict. Only notes sections can be removed;
    one that had text leaves it in a revision (the history keeps it, and it
    can be copied back). Items the rows do not name keep their place at the end.
    """
    editor = by if by is not None and by.is_authenticated else None
    with transaction.atomic():
        updated = Meeting.objects.filter(pk=meeting.pk, agenda_version=expected_version).update(
            agenda_version=models.F("agenda_version") + 1, updated_at=timezone.now()
        )
        if not updated:
            meeting.refresh_from_db(fields=["agenda_version", "updated_at"])
            return False
        record = {"author": editor, "reason": reason}
        items = {item.pk: item for item in meeting.items.all()}
        agenda_before = "\n".join(agenda_lines(items.values(), meeting.agenda_marker))
        ordered: list[AgendaItem] = []
        for row in rows:
            item = items.pop(row.item_id, None) if row.item_id is not None else None
            if row.item_id is not None and item is None:
                continue  # not (or no longer) an item of this meeting
            if row.remove:
                if item is not None and item.kind == ItemKind.NOTES:
                    if item.body.strip():
                        Revision.record(meeting, item.revision_target, item.body, "", **record)
                    item.delete()
                    continue
                if item is None:
                    continue
            if item is None:
                if not (row.title or row.agenda_label):
                    continue  # an empty row of the page
                item = AgendaItem(meeting=meeting, level=2, kind=ItemKind.NOTES)
            ordered.append(_apply_row(meeting, item, row, record))
        ordered += sorted(items.values(), key=lambda item: item.position)
        _renumber(meeting, ordered)
        agenda_after = "\n".join(agenda_lines(ordered, meeting.agenda_marker))
        if agenda_after != agenda_before:
            Revision.record(meeting, "agenda", agenda_before, agenda_after, **record)
        reindex_meeting(meeting)
    meeting.refresh_from_db(fields=["agenda_version", "updated_at"])
    return True


def _apply_row(meeting: Meeting, item: AgendaItem, row: AgendaRow, record: dict) -> AgendaItem:
    """The item with the row's title, label, presenter and time (not saved yet); its history follows a new title."""
    changed = (item.title, item.agenda_label, item.presenter, item.duration_minutes) != (
        row.title,
        row.agenda_label,
        row.presenter,
        row.duration_minutes,
    )
    if item.pk is not None and row.title and row.title != item.title:
        target_before = item.revision_target
        item.title = row.title
        if item.revision_target != target_before:
            meeting.revisions.filter(target=target_before).update(target=item.revision_target)
            Revision.record(meeting, item.revision_target, item.body, item.body, **record)
    item.title = row.title
    item.agenda_label = row.agenda_label
    item.presenter = row.presenter
    item.duration_minutes = row.duration_minutes
    item.touched = changed  # its own version goes up: an open edit of its notes must not undo the rename
    return item


def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    """Save the items in this order: sections by position, labelled ones in the agenda list in the same order."""
    # Out of the way first: (meeting, position) is unique at every single UPDATE.
    shift = len(ordered) + (meeting.items.aggregate(last=models.Max("position"))["last"] or 0) + 1
    meeting.items.update(position=models.F("position") + shift)
    listed = 0
    for position, item in enumerate(ordered):
        item.position = position
        item.agenda_position = listed if item.agenda_label else None
        listed += bool(item.agenda_label)
        if item.pk is None:
            item.save()
            continue
        fields = {
            "position": item.position,
            "agenda_position": item.agenda_position,
            "title": item.title,
            "agenda_label": item.agenda_label,
            "presenter": item.presenter,
            "duration_minutes": item.duration_minutes,
        }
        if getattr(item, "touched", False):
            fields["version"] = models.F("version") + 1
        AgendaItem.objects.filter(pk=item.pk).update(**fields)


@transaction.atomic
def move_report(report: BacklogReport, *, to: Meeting, by=None) -> None:
    """Move the report (text and history) to another meeting of the committee.

    The meeting it leaves keeps an empty section for the team; the meeting
    it joins must not hold a written report of the team already.
    """
    meeting = to
    source = report.meeting
    if meeting.pk == source.pk or meeting.committee_id != source.committee_id:
        raise ValueError("A report can only move to another meeting of the same committee.")
    there = meeting.reports.filter(team=report.team).first()
    if there is not None and not there.is_empty:
        raise ValueError(
            f"The {meeting.date:%Y-%m-%d} meeting already has a written {report.team_name} report; "
            "merge the two texts by hand instead."
        )
    if there is not None:
        # An emptied section may have a history: it joins this report's, not the cascade.
        there.revisions.update(report=report)
        position = there.position
        there.delete()
    else:
        position = (meeting.reports.aggregate(last=models.Max("position"))["last"] or 0) + 1
    left_behind = BacklogReport(
        meeting=source,
        team=report.team,
        position=report.position,
        heading=report.heading,
        team_name=report.team_name,
        status_label=report.status_label,
        leads=report.leads,
        group=report.group,
        group_heading=report.group_heading,
    )
    # The row moves only as it was read: a text saved in between is not overwritten by this copy's.
    moved = BacklogReport.objects.filter(pk=report.pk, version=report.version).update(
        meeting=meeting, position=position, version=models.F("version") + 1
    )
    if not moved:
        raise ValueError(f"The {report.team_name} report was saved meanwhile; look at it again before moving it.")
    report.refresh_from_db()
    left_behind.save()
    report.revisions.update(meeting=meeting)
    # Its actions go with it, rows and all: the sync would drop them from `source` and make new ones here,
    # losing the outcomes recorded for them in later meetings.
    ActionItem.objects.filter(report=report).update(meeting=meeting, updated_at=timezone.now())
    Revision.record(
        meeting, report.revision_target, "", report.body, author=by, source=RevisionSource.MOVE, report=report
    )
    reindex_meeting(source)
    reindex_meeting(meeting)
    mirror_later(source, author=by, message=f"{report.team_name} report moved to the minutes of {meeting.date}")
    mirror_later(meeting, author=by, message=f"{report.team_name} report moved from the minutes of {source.date}")


def _done(source: str) -> str:
    """What a save did to a section, for the mirror's commit message."""
    if source == RevisionSource.RESTORE:
        return "restored to an earlier revision"
    if source == RevisionSource.LIVE:
        return "amended live"
    return "amended through the API" if source == RevisionSource.API else "amended"


def move_written_reports(meeting: Meeting, *, to: Meeting, by=None) -> tuple[list[BacklogReport], list[str]]:
    """Move every written report to the meeting `to`, as `move_report` does one.

    Returns the reports moved and, for each report that could not move (the
    meeting already has a written report of the team), why. Each move is its own transaction.
    """
    moved, refused = [], []
    for report in meeting.reports.exclude(body="").select_related("team"):
        if report.is_empty:
            continue  # whitespace only: nothing written to carry over
        try:
            move_report(report, to=to, by=by)
        except ValueError as error:
            refused.append(str(error))
        else:
            moved.append(report)
    return moved, refused


def restore_revision(revision: Revision, *, by) -> bool:
    """Make this revision's text current again, as a new revision; False on a conflict."""
    if not revision.can_be_restored:
        raise ValueError("The agenda list cannot be restored directly; edit the labels of its sections instead.")
    kind = revision.target.partition(":")[0]
    if kind == "report":
        report = revision.report
        if report is None:  # removed by a newer import, which keeps its history
            raise ValueError(f"{capfirst(revision.part)} is no longer part of the meeting; it cannot be restored.")
        return save_report(
            report, body=revision.after, by=by, expected_version=report.version, source=RevisionSource.RESTORE
        )
    if kind == "roadmap":
        meeting = revision.meeting
        try:
            entries = text_to_entries(revision.after)
        except OutlineError as error:
            raise ValueError(f"This version of the roadmap cannot be read back: {' '.join(error.messages)}") from None
        return save_roadmap(
            meeting,
            entries=entries,
            by=by,
            expected_version=meeting.roadmap_version,
            source=RevisionSource.RESTORE,
        )
    item = next((i for i in revision.meeting.items.all() if i.revision_target == revision.target), None)
    if item is None:
        raise ValueError(f"{capfirst(revision.part)} is no longer part of the meeting; it cannot be restored.")
    return save_item(
        item,
        body=revision.after,
        title=item.title,
        agenda_label=item.agenda_label,
        by=by,
        expected_version=item.version,
        source=RevisionSource.RESTORE,
    )


def save_section_body(
    section: AgendaItem | BacklogReport,
    body: str,
    *,
    by,
    expected_version: int,
    reason: str = "",
    source: str = RevisionSource.WEB,
    index: bool = True,
) -> bool:
    """Save a new text of a report or a chair's section, keeping the rest of it (a line added to it: an action,
    a decision, the live room's text); False when someone saved it since `expected_version`."""
    if isinstance(section, BacklogReport):
        return save_report(
            section, body=body, by=by, expected_version=expected_version, reason=reason, source=source, index=index
        )
    return save_item(
        section,
        body=body,
        title=section.title,
        agenda_label=section.agenda_label,
        by=by,
        expected_version=expected_version,
        reason=reason,
        source=source,
        index=index,
    )
