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


@dataclass(frozen=True)
class Facet:
    """A committee or a year among the results: how many sections match there, and the filter that shows them."""

    label: str
    count: int
    params: dict


@dataclass
class Results:
    """One page of a search, and how many sections match in all, by committee and by year.

    The counts are exact when fewer than CANDIDATES sections match; otherwise they count the newest CANDIDATES
    (`counted_all` is False) and the pages still go on, block after block, to the oldest match.
    """

    hits: list[Hit]
    page: int
    has_next: bool
    total: int
    meetings: int  # how many meetings the counted sections are in
    counted_all: bool
    counted: int  # the most a search counts: CANDIDATES
    committees: list[Facet]
    years: list[Facet]

    @property
    def first(self) -> int:
        """The position of the page's first result among all (1 for the first page)."""
        return (self.page - 1) * LIMIT + 1 if self.hits else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * LIMIT + len(self.hits)


def _filters(committee, date_from, date_to) -> dict:
    filters = {"meeting__status": MeetingStatus.PUBLISHED}
    if committee is not None:
        filters["meeting__committee"] = committee
    if date_from:
        filters["meeting__date__gte"] = date_from
    if date_to:
        filters["meeting__date__lte"] = date_to
    return filters


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
    filters = _filters(committee, date_from, date_to)
    newest = _newest(filters, query, 0, CANDIDATES)
    return _ranked(query, newest, 0, limit, by_date=order == Order.DATE)


def find(
    query: Query,
    *,
    committee: Committee | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    order: str = Order.RELEVANCE,
    page: int = 1,
) -> Results:
    """A page of LIMIT results with the counts of all of them.

    Results are ranked within blocks of the CANDIDATES newest matches (the
    ranking of PostgreSQL's search always was), block after block: so every
    match has exactly one place, on exactly one page, however deep.
    """
    filters = _filters(committee, date_from, date_to)
    first_block = _newest(filters, query, 0, CANDIDATES + 1)  # one more: are there others past the counted?
    counted_all = len(first_block) <= CANDIDATES
    start = (page - 1) * LIMIT
    block_start = start - start % CANDIDATES
    # A deep page: the block it stands in, found the same way.
    block = first_block if block_start == 0 else _newest(filters, query, block_start, block_start + CANDIDATES + 1)
    in_block = start - block_start
    hits = _ranked(query, block[:CANDIDATES], in_block, LIMIT, by_date=order == Order.DATE)
    first_block = first_block[:CANDIDATES]
    return Results(
        hits=hits,
        page=page,
        has_next=in_block + LIMIT < len(block),
        total=len(first_block),
        meetings=len({row[1] for row in first_block}),
        counted_all=counted_all,
        counted=CANDIDATES,
        committees=_committee_facets(first_block),
        years=_year_facets(first_block),
    )


def _committee_facets(rows) -> list[Facet]:
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        slug, name = row[2], row[3]
        counts[slug, name] = counts.get((slug, name), 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))
    return [Facet(name, count, {"committee": slug}) for (slug, name), count in ordered]


def _year_facets(rows) -> list[Facet]:
    counts: dict[int, int] = {}
    for row in rows:
        counts[row[4].year] = counts.get(row[4].year, 0) + 1
    return [
        Facet(str(year), count, {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"})
        for year, count in sorted(counts.items(), reverse=True)
    ]


def _newest(filters: dict, query: Query, start: int, stop: int) -> list[tuple]:
    """(id, meeting id, committee slug, committee name, date) of the matching sections, newest first, from start
    to stop (on SQLite, then bm25 and the snippet).

    Found by walking the meetings newest first (index on status and date), the walk stops at `stop`: the
    common word in a fifth of all sections costs what a rare one does.
    """
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(query.websearch(), search_type="websearch", config=CONFIG)
        return list(
            SearchDocument.objects.filter(vector=tsquery, **filters)
            .order_by("-meeting__date", "-pk")
            .values_list("pk", "meeting_id", "meeting__committee__slug", "meeting__committee__name", "meeting__date")[
                start:stop
            ]
        )
    where = " AND ".join(_SQLITE_FILTERS[name] for name in filters)
    values = [getattr(value, "pk", value) for value in filters.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            # The block's ranks and snippets come along (SQLite archives are small): no second statement.
            f"SELECT d.id, m.id, c.slug, c.name, m.date, bm25({FTS_TABLE}, 4.0, 1.0), "  # noqa: S608 (names ours)
            f"snippet({FTS_TABLE}, 1, %s, %s, '…', 24) FROM {FTS_TABLE} "
            f"JOIN meetings_searchdocument d ON d.id = {FTS_TABLE}.rowid "
            "JOIN meetings_meeting m ON m.id = d.meeting_id JOIN meetings_committee c ON c.id = m.committee_id "
            f"WHERE {FTS_TABLE} MATCH %s AND {where} ORDER BY m.date DESC, d.id DESC LIMIT %s OFFSET %s",
            [_START, _STOP, query.fts5(), *values, stop - start, start],
        )
        rows = cursor.fetchall()
    return [(*row[:4], _as_date(row[4]), *row[5:]) for row in rows]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _ranked(query: Query, block: list[tuple], start: int, limit: int, *, by_date: bool) -> list[Hit]:
    """The sections of a block (rows of `_newest`) ranked (or by date, then rank), from start, with snippets."""
    if not block:
        return []
    # What a result shows, no more: the section's text, its vector and the meeting's source would make most of
    # the round trip (a result reads its snippet instead).
    documents = SearchDocument.objects.select_related("meeting__committee", "team").only(
        *("meeting_id", "team_id", "anchor", "section", "meeting__title", "meeting__date", "meeting__committee_id"),
        *("meeting__committee__slug", "meeting__committee__name", "team__slug", "team__committee_id"),
    )
    if connection.vendor == "postgresql":
        if by_date and start < len(block):
            # Newest first, only the page's dates need ranking (within a date, the most relevant first): the
            # rows of newer dates all come before it, of older ones after.
            newest, oldest = block[start][4], block[min(start + limit, len(block)) - 1][4]
            before = sum(1 for row in block if row[4] > newest)
            block, start = [row for row in block if oldest <= row[4] <= newest], start - before
        ids = [row[0] for row in block]
        return _search_postgresql(documents.filter(pk__in=ids), query, start, limit, by_date=by_date)
    return _search_sqlite(documents, block, start, limit, by_date=by_date)


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


def _search_postgresql(documents, query: Query, start: int, limit: int, *, by_date: bool) -> list[Hit]:
    tsquery = SearchQuery(query.websearch(), search_type="websearch", config=CONFIG)
    found = documents.annotate(
        rank=SearchRank(F("vector"), tsquery),
        headline=SearchHeadline(
            "text", tsquery, config=CONFIG, start_sel=_START, stop_sel=_STOP, max_fragments=2, max_words=30
        ),
    ).order_by(*(("-meeting__date", "-rank") if by_date else ("-rank", "-meeting__date")), "pk")[start : start + limit]
    return [Hit(document, _snippet(document.headline), document.rank) for document in found]


_SQLITE_FILTERS = {
    "meeting__status": "m.status = %s",
    "meeting__committee": "m.committee_id = %s",
    "meeting__date__gte": "m.date >= %s",
    "meeting__date__lte": "m.date <= %s",
}


def _search_sqlite(documents, block: list[tuple], start: int, limit: int, *, by_date: bool) -> list[Hit]:
    # bm25: the lower, the better; the block is newest first already, so a stable sort keeps that order.
    ranked = sorted(block, key=lambda row: (-row[4].toordinal(), row[5]) if by_date else (row[5], -row[4].toordinal()))
    page = ranked[start : start + limit]
    by_id = documents.in_bulk([row[0] for row in page])
    return [Hit(by_id[row[0]], _snippet(row[6]), -row[5]) for row in page if row[0] in by_id]
