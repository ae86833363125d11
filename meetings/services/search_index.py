"""The search index: its rows kept up to date with the minutes (see queries/search.py for the queries).

One SearchDocument per team report, notes section, roadmap and text kept between the teams,
rebuilt whenever a meeting's text changes (`reindex_meeting`). The decisions the
text records (models/decision.py) are derived rows too, rebuilt at the same times.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Prefetch

from ..format.choices import ItemKind
from ..format.decisions import read_decisions
from ..format.outline import entries_to_text
from ..lib.rendering import plain_text
from ..models import BacklogReport, Decision, Meeting, SearchDocument
from ..queries.minutes import number_anchors, written_sections
from ..queries.search import CONFIG, FTS_TABLE, indexable
from .action_rows import sync_actions


def documents_for(meeting: Meeting) -> list[SearchDocument]:
    """The searchable sections of a meeting: its written reports, notes and roadmap.

    Reads the meeting's reports, items and roadmap entries through `.all()`, so
    a batch of meetings fetched with `_with_sections` costs no query per meeting.
    """
    reports = list(meeting.reports.all())
    items = list(meeting.items.all())
    # The anchors the meeting page gives its sections (a repeated title is numbered there).
    number_anchors(items, taken={report.team.slug for report in reports})
    documents = [
        SearchDocument(
            meeting=meeting,
            team=report.team,
            anchor=report.team.slug,
            section=indexable(" – ".join(filter(None, [report.team_name, report.status_label, report.leads]))),
            text=_text(report.body),
        )
        for report in reports
        if not report.is_empty  # the page says “No report.”: nothing to find there but the heading
    ]
    # Text kept between the teams (a group heading with its list, a chair's note in a notes-style file)
    # is found at the team it stands before, but is not that team's.
    documents += [
        SearchDocument(
            meeting=meeting,
            anchor=report.team.slug,
            section=_first_line(report.group_heading),
            text=_text(report.group_heading),
        )
        for report in reports
        if report.group_heading.strip()
    ]
    entries = list(meeting.roadmap_entries.all())
    for item in items:
        if item.kind == ItemKind.BACKLOG and (item.body.strip() or item.footnote.strip()):
            documents.append(
                SearchDocument(
                    meeting=meeting,
                    anchor=item.page_anchor,
                    section=indexable(item.title or "Team sections")[:_SECTION_CHARS],
                    text=_text("\n\n".join(filter(None, [item.body, item.footnote]))),
                )
            )
        if item.kind == ItemKind.NOTES and item.has_section and item.body.strip():
            documents.append(
                SearchDocument(
                    meeting=meeting, anchor=item.page_anchor, section=indexable(item.title), text=_text(item.body)
                )
            )
        elif item.kind == ItemKind.ROADMAP and any(not entry.is_spacer for entry in entries):
            documents.append(
                SearchDocument(
                    meeting=meeting,
                    anchor="roadmap",
                    section=indexable(item.title),
                    text=_text(entries_to_text(entries)),
                )
            )
    return documents


_SECTION_CHARS = SearchDocument._meta.get_field("section").max_length


def decisions_for(meeting: Meeting) -> list[Decision]:
    """The decisions a meeting's sections record, in the order of its minutes.

    Like `documents_for`, reads through `.all()`; links to the anchors the meeting page gives its sections.
    """
    decisions = []
    for written in written_sections(meeting):
        team, anchor, section = written.team, written.anchor, written.title
        for line in read_decisions(written.text):
            vote = line.vote
            decisions.append(
                Decision(
                    meeting=meeting,
                    team=team,
                    anchor=anchor,
                    section=section[:_SECTION_CHARS],
                    position=len(decisions),
                    text=line.text,
                    votes_for=vote.votes_for if vote else None,
                    votes_against=vote.against if vote else None,
                    votes_abstain=vote.abstain if vote else None,
                    link=line.link,
                )
            )
    return decisions


def _first_line(text: str) -> str:
    """A block's first written line as a section's name: “## _Incubating_” gives “Incubating”."""
    line = next((line for line in text.split("\n") if line.strip()), "")
    return indexable(line.strip().lstrip("#").strip(" _*"))[:_SECTION_CHARS]


def _text(markdown: str) -> str:
    """What the reader sees of a section, for the engines to match and quote: snippets are plain text, without
    the Markdown's marks (`**`, link URLs, `####`)."""
    return indexable(plain_text(markdown))


def _with_sections(meetings):
    """The meetings with what `documents_for` reads, one query per kind of object."""
    return meetings.select_related("committee").prefetch_related(
        Prefetch("reports", queryset=BacklogReport.objects.select_related("team")), "items", "roadmap_entries"
    )


def _index(meetings: list[Meeting]) -> None:
    """Add the sections of these meetings (none of them indexed) to both sides of the index."""
    created = SearchDocument.objects.bulk_create([d for meeting in meetings for d in documents_for(meeting)])
    Decision.objects.bulk_create([d for meeting in meetings for d in decisions_for(meeting)])
    sync_actions(meetings)
    if connection.vendor == "postgresql":
        SearchDocument.objects.filter(meeting__in=meetings).update(
            vector=SearchVector("section", weight="A", config=CONFIG) + SearchVector("text", weight="B", config=CONFIG)
        )
    elif connection.vendor == "sqlite" and created:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, section, text) VALUES (%s, %s, %s)",  # noqa: S608
                [(document.pk, document.section, document.text) for document in created],
            )


@transaction.atomic
def reindex_meeting(meeting: Meeting) -> None:
    """Replace the meeting's rows in the index with its current text."""
    old_ids = list(meeting.search_documents.values_list("pk", flat=True))
    _drop_fulltext(old_ids)
    SearchDocument.objects.filter(pk__in=old_ids).delete()
    meeting.decisions.all().delete()
    # Read again from the database: the caller's copy may hold related objects from before the change.
    _index([_with_sections(Meeting.objects.filter(pk=meeting.pk)).get()])


@transaction.atomic
def reindex_meetings(meeting_ids) -> None:
    """reindex_meeting for many meetings in one pass (after a history import changed them many times)."""
    old_ids = list(SearchDocument.objects.filter(meeting_id__in=meeting_ids).values_list("pk", flat=True))
    _drop_fulltext(old_ids)
    SearchDocument.objects.filter(pk__in=old_ids).delete()
    _index(list(_with_sections(Meeting.objects.filter(pk__in=meeting_ids))))


def sync_actions_of(meetings) -> None:
    """Bring the action rows of the meetings (a queryset) in step with their text, the index left as it is.

    For an import that indexes later (a history replay) yet reads the actions open at a meeting.
    """
    sync_actions(list(_with_sections(meetings)))


def unindex_meeting(meeting: Meeting) -> None:
    """Take the meeting out of the index (before it is deleted: SQLite's full-text rows have no foreign key)."""
    old_ids = list(meeting.search_documents.values_list("pk", flat=True))
    _drop_fulltext(old_ids)
    SearchDocument.objects.filter(pk__in=old_ids).delete()


def index_new_meetings(meetings) -> None:
    """Index meetings not in the index yet (a queryset, e.g. after a bulk load), in one pass."""
    _index(list(_with_sections(meetings)))


def _drop_fulltext(ids: list[int]) -> None:
    if connection.vendor == "sqlite" and ids:
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in ids])  # noqa: S608


@transaction.atomic
def rebuild_index(batch_size: int = 500) -> int:
    """Index every meeting again (after an upgrade, or a restore of the database); the number indexed."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 (rows left by a restore go too)
    SearchDocument.objects.all().delete()
    Decision.objects.all().delete()
    ids = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        index_new_meetings(Meeting.objects.filter(pk__in=ids[start : start + batch_size]))
    return len(ids)
