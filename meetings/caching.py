"""Published minutes rendered once per version of the meeting, and validated over HTTP.

A meeting's *version* is a digest of one small query (`version_sql`): the
meeting's own row (updated_at, status, roadmap version; publishing, imports,
roadmap saves and attendance all touch updated_at), its committee's name,
time zone and placeholder lines, and, per kind of child row, a count, the newest
id and the sum of versions (reports, sections, revisions, attendees). Every edit, amendment,
restore, import or move changes one of them, so each change gives exactly that
meeting new cache keys (`minutes:<pk>:<version>:<kind>`), and the entries of
older versions simply expire: nothing is ever cleared.

Only published minutes are cached and answered with a public Cache-Control:
drafts (whose roster changes are not versioned) and the pages of signed-in
users, which carry their own links, are rendered afresh and marked private.

The query is written in SQL once rather than built by the ORM on every
request: on a cache hit it is all the work a request does, and composing its
subqueries cost more than running them.
"""

import functools
import hashlib
import weakref
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import condition

from .models import ActionItem, AgendaItem, Attendee, BacklogReport, Committee, Meeting, MeetingStatus, Revision

# Entries are immutable (a new version gets a new key), so they only need to
# outlive the time people keep reading a meeting; older versions expire.
ENTRY_TIMEOUT = 7 * 24 * 3600
KINDS = ("html", "pdf", "md", "json")  # json: the API's minutes (meetings/api/), links relative


class Version(NamedTuple):
    """What one query tells about a meeting: enough to validate and serve its cached minutes."""

    meeting_id: int
    is_published: bool
    content: str  # changes with every change of the minutes (PDF, Markdown)
    page: str  # also changes when the previous or next published meeting changes (the page links to them)
    content_modified: datetime
    page_modified: datetime
    previous_date: date | None  # the committee's previous published meeting
    next_date: date | None

    def of(self, kind: str) -> str:
        return self.page if kind == "html" else self.content

    def modified(self, kind: str) -> datetime:
        return self.page_modified if kind == "html" else self.content_modified


@functools.cache
def version_sql(status: str = "%s", slug: str = "%s", day: str = "%s") -> str:
    """The one query: the meeting, its committee, one aggregate per kind of child row, its two neighbours.

    Each subquery folds its aggregates into one text (`count|newest id|...`):
    fewer subqueries make the query quicker to plan, which is most of its cost.
    """
    meeting, committee = Meeting._meta.db_table, Committee._meta.db_table

    def text(expression: str) -> str:
        return f"CAST({expression} AS {connection.ops.cast_char_field_without_max_length})"

    def child(model, *aggregates: str) -> str:
        folded = " || '|' || ".join(text(aggregate) for aggregate in aggregates)
        return f"(SELECT {folded} FROM {model._meta.db_table} x WHERE x.meeting_id = m.id)"  # noqa: S608 (our names)

    def committee_actions() -> str:
        folded = " || '|' || ".join(text(aggregate) for aggregate in ("COUNT(*)", "MAX(x.id)", "MAX(x.updated_at)"))
        return f"(SELECT {folded} FROM {ActionItem._meta.db_table} x WHERE x.committee_id = m.committee_id)"  # noqa: S608

    def neighbour(later: bool) -> str:
        compare, order = (">", "ASC") if later else ("<", "DESC")
        return (
            f"(SELECT {text('n.date')} || '|' || {text('n.updated_at')} FROM {meeting} n "  # noqa: S608 (our names)
            f"WHERE n.committee_id = m.committee_id AND n.status = {status} AND n.date {compare} m.date "
            f"ORDER BY n.date {order} LIMIT 1)"
        )

    columns = [
        # The placeholder lines decide which reports count as written ("N of M teams reported").
        "m.id, m.status, m.updated_at, m.published_at, m.roadmap_version, c.name, c.slug, c.timezone, c.placeholders",
        child(BacklogReport, "COUNT(*)", "MAX(x.id)", "SUM(x.version)"),
        child(AgendaItem, "COUNT(*)", "MAX(x.id)", "SUM(x.version)"),
        child(Attendee, "COUNT(*)", "MAX(x.id)"),
        # The open action items the page lists come from the committee's other meetings too.
        committee_actions(),
        # The newest revision's time last: it is also the minutes' Last-Modified.
        child(Revision, "COUNT(*)", "MAX(x.id)", "MAX(x.created_at)"),
        neighbour(later=False),
        neighbour(later=True),
    ]
    return (
        f"SELECT {', '.join(columns)} FROM {meeting} m INNER JOIN {committee} c ON c.id = m.committee_id "  # noqa: S608
        f"WHERE c.slug = {slug} AND m.date = {day}"
    )


def current_version(committee: str, day: date) -> Version | None:
    """The version of the committee's meeting of that day, in one query; None when there is none."""
    published = MeetingStatus.PUBLISHED.value
    with connection.cursor() as cursor:
        if _can_prepare():
            row = _fetch_prepared(cursor, [published, committee, day])
        else:
            cursor.execute(version_sql(), [published, published, committee, connection.ops.adapt_datefield_value(day)])
            row = cursor.fetchone()
    if row is None:
        return None
    meeting_id, status, updated_at, published_at = row[:4]
    content_columns, revisions, neighbours = row[:-2], row[-3], row[-2:]
    content = _digest(content_columns)
    neighbour_dates = [(value or "|").split("|")[0][:10] for value in neighbours]
    page = _digest([content, *neighbour_dates])
    revised_at = revisions.split("|")[-1] if revisions else None
    content_modified = max(filter(None, [_moment(updated_at), _moment(published_at), _moment(revised_at)]))
    neighbour_moments = [_moment(value.split("|")[1]) for value in neighbours if value]
    page_modified = max([content_modified, *neighbour_moments])
    previous_date, next_date = (date.fromisoformat(day) if day else None for day in neighbour_dates)
    return Version(
        meeting_id, status == published, content, page, content_modified, page_modified, previous_date, next_date
    )


# PostgreSQL connections (by their driver object) on which the query is prepared.
_prepared: "weakref.WeakKeyDictionary[object, int]" = weakref.WeakKeyDictionary()
_STATEMENT = "pmc_minutes_version"


def _can_prepare() -> bool:
    """A prepared statement pays off on PostgreSQL connections that persist (CONN_MAX_AGE); not in a transaction
    (where a failing EXECUTE would break it)."""
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict.get("CONN_MAX_AGE") != 0
        and not connection.in_atomic_block
    )


def _fetch_prepared(cursor, params: list, again: bool = True):
    """Run the query as a prepared statement: planning it was most of its time."""
    raw = connection.connection
    if _prepared.get(raw) != raw.info.backend_pid:
        cursor.execute(f"PREPARE {_STATEMENT} (text, text, date) AS {version_sql('$1', '$2', '$3')}")
        _prepared[raw] = raw.info.backend_pid
    try:
        cursor.execute(f"EXECUTE {_STATEMENT} (%s, %s, %s)", params)
    except DatabaseError:
        # Dropped behind our back (a pooler's DISCARD ALL): prepare it again, once.
        _prepared.pop(raw, None)
        if not again:
            raise
        return _fetch_prepared(cursor, params, again=False)
    return cursor.fetchone()


def _digest(parts) -> str:
    return hashlib.blake2b(repr([str(part) for part in parts]).encode(), digest_size=10).hexdigest()


def _moment(value) -> datetime | None:
    """A timestamp as the database returned it (SQLite: naive or text, in UTC) as an aware datetime."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = parse_datetime(str(value))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def neighbours(request: HttpRequest, meeting: Meeting) -> tuple[Meeting | None, Meeting | None]:
    """The previous and next published meetings the page links to, as the version query found them (no query)."""
    version = version_for(request, meeting.committee.slug, meeting.date)
    return tuple(
        Meeting(committee=meeting.committee, date=day) if day else None
        for day in (version.previous_date, version.next_date)
    )


def version_for(request: HttpRequest, committee: str, day: date) -> Version | None:
    """`current_version`, asked once per request (the ETag, Last-Modified and the view all need it)."""
    memo = request.__dict__.setdefault("_minutes_versions", {})
    if (committee, day) not in memo:
        memo[committee, day] = current_version(committee, day)
    return memo[committee, day]


def is_shared(request: HttpRequest, version: Version | None, kind: str) -> bool:
    """Whether everyone gets the same bytes: published minutes; for the page, anonymous readers only.

    A signed-in reader's page has their own links (chair's page, edit buttons),
    and a page with pending messages shows them; those are rendered afresh.
    """
    if version is None or not version.is_published or request.method not in ("GET", "HEAD"):
        return False
    if kind != "html":
        return True
    return not request.user.is_authenticated and CookieStorage.cookie_name not in request.COOKIES


def cache_key(request: HttpRequest, version: Version, kind: str) -> str:
    """`minutes:<pk>:<version>:<kind>`, plus the site's address that the page, the PDF and the Markdown embed in links.

    Not the query string: the page does not depend on it, and a key per query
    string would let anyone fill the cache with copies of one page.
    """
    return site_cache_key(version, kind, request.build_absolute_uri("/"))


def site_cache_key(version: Version, kind: str, site: str) -> str:
    """`cache_key` for the site at `site` ("https://host/"), without a request: what pre-rendering fills."""
    key = f"minutes:{version.meeting_id}:{version.of(kind)}:{kind}"
    if kind in ("html", "pdf", "md"):  # the Markdown: its uploaded pictures' links (exporting.py)
        key += ":" + _short(site)
    return key


def _short(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def cached_response(
    request: HttpRequest, committee: str, day: date, kind: str, build: Callable[[], HttpResponse]
) -> HttpResponse:
    """The response `build` makes, rendered once per version of shared minutes and then taken from the cache.

    `build` looks the meeting up itself (with the visibility rules), so a cache
    hit costs nothing but the version query.
    """
    version = version_for(request, committee, day)
    if not is_shared(request, version, kind):
        return build()
    key = cache_key(request, version, kind)
    entry = cache.get(key)
    if entry is not None:
        content, headers = entry
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response
    response = build()
    if response.status_code == 200 and not response.streaming:
        headers = {name: response[name] for name in ("Content-Type", "Content-Disposition") if name in response}
        cache.set(key, (response.content, headers), ENTRY_TIMEOUT)
    return response


def validated(kind: str):
    """Decorate a view of one meeting (`committee`, `date`) with ETag and Last-Modified, 304s and Cache-Control.

    Shared responses to anonymous readers are public for `PMC_PUBLIC_MAX_AGE`
    seconds (a CDN may keep them); signed-in readers' copies of them are
    private and revalidated; every other response is private and never stored.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")

    def etag(request, committee, date, **kwargs):
        version = version_for(request, committee, date)
        return f'"{version.of(kind)}-{kind}"' if is_shared(request, version, kind) else None

    def modified(request, committee, date, **kwargs):
        version = version_for(request, committee, date)
        return version.modified(kind) if is_shared(request, version, kind) else None

    def decorator(view):
        conditional = condition(etag_func=etag, last_modified_func=modified)(view)

        @wraps(view)
        def wrapper(request, committee, date, **kwargs):
            response = conditional(request, committee, date, **kwargs)
            shared = is_shared(request, version_for(request, committee, date), kind)
            if response.status_code not in (200, 304):
                # An error page must not carry the validators of the minutes it stands in for.
                for header in ("ETag", "Last-Modified"):
                    if header in response:
                        del response[header]
                patch_cache_control(response, private=True, no_store=True)
            elif shared and not request.user.is_authenticated:
                patch_cache_control(response, public=True, max_age=settings.PMC_PUBLIC_MAX_AGE)
            elif shared:
                # The public's bytes, behind a sign-in: the browser may keep them, revalidated each time.
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator


def private_by_default(get_response):
    """Middleware: a response to a signed-in user that says nothing of caching is private and never stored.

    Their pages hold drafts, invitation addresses and edit forms that a shared
    cache must not keep nor a shared computer's browser keep on disk. Views that
    decide (`validated`, the media view) keep their own Cache-Control; the
    public's pages are not touched.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        # Cache-Control first: a response that has one never loads the session to ask who is signed in.
        if not response.has_header("Cache-Control") and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
