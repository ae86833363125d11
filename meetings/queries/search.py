"""Full-text search over published minutes: one interface, the engine of the database in use.

PostgreSQL ranks with its own full-text search (tsvector with a GIN index,
websearch_to_tsquery, ts_rank, ts_headline); SQLite with its FTS5 module
(bm25, snippet). Both index the same rows, SearchDocument: one per team report,
notes section and roadmap of a meeting, rebuilt whenever a meeting's text
changes (`reindex_meeting`).

Queries take what people type into search boxes: words, "quoted phrases" and
-exclusions. Whatever the query, the answer is results or a clear message.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import Committee, Meeting, MeetingStatus, SearchDocument

FTS_TABLE = "meetings_search_fts"  # created by migration 0005 on SQLite
MAX_QUERY_CHARS = 300
MAX_TERMS = 12
LIMIT = 50  # sections a search shows
# PostgreSQL ranks the newest matching sections only, however many match: ranking every match grew with the
# archive (a common word is in a fifth of all sections). Found by walking the meetings newest first (index on
# status and date), it stops there; the order by date is exact, relevance is within these.
CANDIDATES = 500
CONFIG = "english"
# Private-use characters mark the matches in snippets: they survive escaping.
# Typed into the minutes they would be taken for marks, so the index never holds
# them (`indexable`), and a snippet only ever gets balanced <mark>s (`_snippet`).
_START, _STOP = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{_START}{_STOP}]")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
_WORD = re.compile(r"\w+")


class QueryError(ValueError):
    """The query cannot be searched; the message says what to type instead."""


@dataclass
class Query:
    """A parsed query: every term and phrase must match, no excluded one may."""

    phrases: list[str] = field(default_factory=list)  # single words are one-word phrases
    excluded: list[str] = field(default_factory=list)

    def websearch(self) -> str:
        """The query in PostgreSQL's websearch syntax."""
        return " ".join([f'"{p}"' for p in self.phrases] + [f'-"{e}"' for e in self.excluded])

    def fts5(self) -> str:
        """The query as an FTS5 expression (every part quoted, so no word is an operator)."""
        expression = " AND ".join(f'"{p}"' for p in self.phrases)
        return expression + "".join(f' NOT "{e}"' for e in self.excluded)


def parse_query(text: str) -> Query:
    text = (text or "").strip()
    if not text:
        raise QueryError("Type a word to look for.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"That search is {len(text):,} characters long; keep it under {MAX_QUERY_CHARS}.")
    query = Query()
    for match in _TOKEN.finditer(text):
        negated = bool(match[1] or match[3])
        words = _WORD.findall(match[2] if match[2] is not None else match[4])
        if not words:
            continue
        (query.excluded if negated else query.phrases).append(" ".join(words).lower())
    if not query.phrases and not query.excluded:
        raise QueryError("There is no word to look for in that search: only punctuation.")
    if not query.phrases:
        raise QueryError("Add a word to look for: “-word” only leaves results out.")
    if len(query.phrases) + len(query.excluded) > MAX_TERMS:
        raise QueryError(f"Use at most {MAX_TERMS} words or phrases.")
    return query


@dataclass
class Hit:
    document: SearchDocument
    snippet: SafeString
    rank: float

    @property
    def meeting(self) -> Meeting:
        return self.document.meeting

    def get_absolute_url(self) -> str:
        return self.document.get_absolute_url()


class Order(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"


ORDER_CHOICES = [(Order.RELEVANCE.value, "Most relevant first"), (Order.DATE.value, "Newest first")]


@dataclass
class MeetingHits:
    """The sections of one meeting that match, in the order of the results."""

    meeting: Meeting
    hits: list[Hit] = field(default_factory=list)


def by_meeting(hits: list[Hit]) -> list[MeetingHits]:
    """The hits grouped by meeting, each meeting where its first hit stands (its best, or its date)."""
    groups: dict[int, MeetingHits] = {}
    for hit in hits:
        groups.setdefault(hit.document.meeting_id, MeetingHits(hit.meeting)).hits.append(hit)
    return list(groups.values())


def search(
    query: Query,
    *,
    committee: Committee | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    order: str = Order.RELEVANCE,
    limit: int = LIMIT,
) -> list[Hit]:
    """Published sections matching the query, most relevant first, or newest meeting first (the most relevant
    first within a meeting)."""
    filters = {"meeting__status": MeetingStatus.PUBLISHED}
    if committee is not None:
        filters["meeting__committee"] = committee
    if date_from:
        filters["meeting__date__gte"] = date_from
    if date_to:
        filters["meeting__date__lte"] = date_to
    documents = SearchDocument.objects.filter(**filters).select_related("meeting__committee", "team")
    by_date = order == Order.DATE
    if connection.vendor == "postgresql":
        return _search_postgresql(documents, query, limit, by_date=by_date)
    return _search_sqlite(documents, filters, query, limit, by_date=by_date)


def indexable(text: str) -> str:
    """The text without the snippet markers, so that only the search can put them in."""
    return _MARKERS.sub("", text)


def _snippet(text: str) -> SafeString:
    """The engine's snippet, escaped, its marks as <mark>: always balanced, even from an index built before
    `indexable` (a stray marker is dropped)."""
    parts, open_ = [], False
    for part in re.split(f"([{_START}{_STOP}])", text):
        if part == (_STOP if open_ else _START):
            parts.append("</mark>" if open_ else "<mark>")
            open_ = not open_
        elif part not in (_START, _STOP):
            parts.append(escape(part))
    if open_:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 (the text is escaped, the marks are ours)


def _search_postgresql(documents, query: Query, limit: int, *, by_date: bool) -> list[Hit]:
    tsquery = SearchQuery(query.websearch(), search_type="websearch", config=CONFIG)
    newest = documents.filter(vector=tsquery).order_by("-meeting__date", "-pk").values("pk")[:CANDIDATES]
    found = (
        documents.filter(pk__in=newest)
        .annotate(
            rank=SearchRank(F("vector"), tsquery),
            headline=SearchHeadline(
                "text", tsquery, config=CONFIG, start_sel=_START, stop_sel=_STOP, max_fragments=2, max_words=30
            ),
        )
        .order_by(*(("-meeting__date", "-rank") if by_date else ("-rank", "-meeting__date")), "pk")[:limit]
    )
    return [Hit(document, _snippet(document.headline), document.rank) for document in found]


_SQLITE_FILTERS = {
    "meeting__status": "m.status = %s",
    "meeting__committee": "m.committee_id = %s",
    "meeting__date__gte": "m.date >= %s",
    "meeting__date__lte": "m.date <= %s",
}


def _search_sqlite(documents, filters: dict, query: Query, limit: int, *, by_date: bool) -> list[Hit]:
    # FTS5 matches and ranks; the same visibility filters apply in the one statement.
    where = " AND ".join(_SQLITE_FILTERS[name] for name in filters)
    values = [getattr(value, "pk", value) for value in filters.values()]
    order = "m.date DESC, 2" if by_date else "2, m.date DESC"  # bm25: the lower, the better
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {FTS_TABLE}.rowid, bm25({FTS_TABLE}, 4.0, 1.0), "  # noqa: S608 (names are ours, values bound)
            f"snippet({FTS_TABLE}, 1, %s, %s, '…', 24) FROM {FTS_TABLE} "
            f"JOIN meetings_searchdocument d ON d.id = {FTS_TABLE}.rowid "
            "JOIN meetings_meeting m ON m.id = d.meeting_id "
            f"WHERE {FTS_TABLE} MATCH %s AND {where} ORDER BY {order}, d.id LIMIT %s",
            [_START, _STOP, query.fts5(), *values, limit],
        )
        ranked = cursor.fetchall()
    by_id = documents.in_bulk([row[0] for row in ranked])
    return [Hit(by_id[pk], _snippet(snippet), -score) for pk, score, snippet in ranked if pk in by_id]
