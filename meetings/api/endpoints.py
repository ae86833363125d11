"""The endpoints of /api/v1/: public reads of published minutes, and a team's report written with a token."""

import datetime
import hashlib
from math import ceil
from urllib.parse import urlencode

from csp.decorators import csp_update
from django.conf import settings
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Query, Schema

from .. import caching, permissions
from ..forms.archive import SearchForm
from ..forms.lead import ReportForm
from ..models import ActionItem, BacklogReport, Committee, Meeting, MeetingStatus, RevisionSource, Team
from ..queries.actions import agreed_actions, open_actions
from ..queries.minutes import gather
from ..queries.search import LIMIT, MAX_QUERY_CHARS, MAX_TERMS, Order
from ..queries.timeline import Gap, team_timeline
from ..services.live import merge_text
from ..views.lookup import get_committee, get_report
from . import problems
from .auth import guarded, token_optional, token_required
from .problems import Problem
from .schemas import (
    ActionOut,
    ChangeOut,
    CommitteeOut,
    CommitteePage,
    ConflictOut,
    DecisionOut,
    HitOut,
    InputSchema,
    MeetingOut,
    MeetingPage,
    MeetingSummaryOut,
    OpenActionOut,
    ProblemOut,
    ReportIn,
    ReportOut,
    ReportSavedOut,
    RoadmapRowOut,
    SearchOut,
    SectionOut,
    TeamOut,
    TeamPage,
    TimelineGapOut,
    TimelineOut,
    TimelineReportOut,
)


class MinutesAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The generated document, saying that errors come as `application/problem+json` (ninja says JSON)."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation["responses"].items():
                    if int(status) >= 400 and "content" in answer:
                        answer["content"] = {problems.CONTENT_TYPE: answer["content"].pop("application/json")}
        return schema


api = MinutesAPI(
    title="PMC Minutes API",
    version="1",
    description=(
        "Read the published minutes of every committee; write your team's report with a personal access token "
        "(`Authorization: Bearer pmc_…`, created on the site's API tokens page). Errors are "
        "`application/problem+json`."
    ),
    urls_namespace="api-v1",
    # The docs page is Swagger UI from our own static files (INSTALLED_APPS "ninja"), never a CDN; its
    # stylesheet draws its arrows as data: SVG images, which the site's policy allows on this page only.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)
problems.install(api)

PAGE_SIZE = 50
# The site's own converters (meetings/urls.py): no NUL or stray character reaches a lookup, as on the pages.
COMMITTEE = "/committees/{slug:committee}"
MEETING = COMMITTEE + "/meetings/{isodate:date}"
REPORT = MEETING + "/reports/{slug:team}"

# The problems any endpoint may answer with; each endpoint adds its own.
# Every endpoint refuses a wrong token (401) and counts requests (429), public ones too (auth.guarded).
READ_ERRORS = {401: ProblemOut, 404: ProblemOut, 422: ProblemOut, 429: ProblemOut}
TOKEN_ERRORS = {401: ProblemOut, 429: ProblemOut}


class PageQuery(InputSchema):
    page: int = Query(1, ge=1, le=1_000_000, description="From 1.")


def respond(request, data: Schema) -> HttpResponse:
    """The data as JSON with an ETag of its bytes; 304 when the client has them.

    These answers are the same for every reader (published minutes only), so
    they are public for `PMC_PUBLIC_MAX_AGE` seconds, as the minutes' pages are.
    """
    body = data.model_dump_json()
    etag = '"' + hashlib.blake2b(body.encode(), digest_size=12).hexdigest() + '"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.PMC_PUBLIC_MAX_AGE)
    return response


def paged(request, queryset, page: int) -> tuple[list, dict]:
    """One page of the queryset, with its count and the links to its neighbours (two queries)."""
    count = queryset.count()
    pages = max(1, ceil(count / PAGE_SIZE))
    if page > pages:
        raise Problem(404, f"There {'is 1 page' if pages == 1 else f'are {pages} pages'}.")

    def link(number: int) -> str:
        return f"{request.path}?{urlencode({**request.GET.dict(), 'page': number})}"

    return list(queryset[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]), {
        "count": count,
        "page": page,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
    }


# Committees ------------------------------------------------------------------------------------------------------


def _committee_out(committee: Committee) -> CommitteeOut:
    return CommitteeOut(
        slug=committee.slug,
        name=committee.name,
        description=committee.description,
        latest_meeting=committee.latest_date,
        url=committee.get_absolute_url(),
    )


def _committees():
    # Each committee's latest date read off the (committee, status, date) index, not a MAX over all its meetings:
    # the cost stays flat as the archive grows (bench i: 4.4x from 5,000 to 50,000 meetings with the MAX).
    latest = Meeting.objects.filter(committee=OuterRef("pk"), status=MeetingStatus.PUBLISHED).order_by("-date")
    return Committee.objects.annotate(latest_date=Subquery(latest.values("date")[:1])).order_by("name")


@api.get("/committees", response={200: CommitteePage, **READ_ERRORS}, summary="The committees", tags=["read"])
def committees(request, paging: Query[PageQuery]):
    items, page = paged(request, _committees(), paging.page)
    return respond(request, CommitteePage(items=[_committee_out(c) for c in items], **page))


@api.get(COMMITTEE, response={200: CommitteeOut, **READ_ERRORS}, summary="One committee", tags=["read"])
def committee(request, committee: str):
    return respond(request, _committee_out(get_object_or_404(_committees(), slug=committee)))


# Meetings --------------------------------------------------------------------------------------------------------


def _summary(meeting: Meeting) -> dict:
    return {
        "committee": meeting.committee.slug,
        "date": meeting.date,
        "title": meeting.title,
        "published_at": meeting.published_at,
        "url": meeting.get_absolute_url(),
    }


@api.get(
    COMMITTEE + "/meetings",
    response={200: MeetingPage, **READ_ERRORS},
    summary="A committee's published minutes, newest first",
    tags=["read"],
)
def meetings(request, committee: str, paging: Query[PageQuery]):
    found = get_committee(committee)
    published = Meeting.objects.for_committee(found).published().select_related("committee").order_by("-date")
    items, page = paged(request, published, paging.page)
    return respond(request, MeetingPage(items=[MeetingSummaryOut(**_summary(m)) for m in items], **page))


@api.get(
    COMMITTEE + "/meetings/latest",
    response={200: MeetingOut, **READ_ERRORS},
    summary="A committee's latest published minutes",
    tags=["read"],
)
def latest_meeting(request, committee: str):
    found = get_committee(committee)
    day = Meeting.objects.for_committee(found).published().aggregate(latest=Max("date"))["latest"]
    if day is None:
        raise Problem(404, f"{found.name} has no published minutes yet.")
    return meeting(request, committee=committee, date=day)


@api.get(MEETING, response={200: MeetingOut, **READ_ERRORS}, summary="Published minutes", tags=["read"])
@caching.validated("json")
def meeting(request, committee: str, date: datetime.date):
    # The page's cache and validators: one query when the client or the cache has this version.
    return caching.cached_response(request, committee, date, "json", lambda: _meeting_json(committee, date))


def _meeting_json(committee: str, date: datetime.date) -> HttpResponse:
    found = get_object_or_404(
        Meeting.objects.published().select_related("committee"), committee__slug=committee, date=date
    )
    minutes = gather(found)
    data = MeetingOut(
        **_summary(found),
        preamble=found.preamble,
        amended_at=minutes.amended_at,
        sections=[
            SectionOut(
                title=item.title,
                kind=item.kind,
                level=item.level,
                anchor=item.page_anchor,
                agenda_label=item.agenda_label,
                presenter=item.presenter,
                duration_minutes=item.duration_minutes,
                body=item.body,
            )
            for item in minutes.sections
        ],
        reports=[_report_out(report) for report in minutes.reports],
        roadmap=[RoadmapRowOut(horizon=row.label, markdown=row.markdown) for row in minutes.roadmap],
        decisions=[
            DecisionOut(
                section=d.section,
                anchor=d.anchor,
                text=d.text,
                votes_for=d.votes_for,
                votes_against=d.votes_against,
                votes_abstain=d.votes_abstain,
                link=d.link,
            )
            for d in found.decisions.order_by("position")
        ],
        actions=[ActionOut(**_action_fields(action)) for action in agreed_actions(found)],
        open_actions=[
            OpenActionOut(
                **_action_fields(action),
                agreed_in=action.meeting.date,
                age_days=action.age,
                outcome_here=action.outcomes_here[-1].outcome if action.outcomes_here else None,
                note_here=action.outcomes_here[-1].note if action.outcomes_here else "",
            )
            for action in open_actions(found)
        ],
        markdown_url=found.get_markdown_url(),
        pdf_url=found.get_pdf_url(),
    )
    return HttpResponse(data.model_dump_json(), content_type="application/json")


def _action_fields(action: ActionItem) -> dict:
    return {
        "section": action.section,
        "anchor": action.anchor,
        "text": action.text,
        "owner": action.owner,
        "owner_team": action.owner_team.slug if action.owner_team else None,
        "due": action.due,
        "status": action.said_status,  # as its readers read the minutes (queries/actions.py)
        "closed_in": action.said_closed_on,
    }


def _report_out(report: BacklogReport) -> ReportOut:
    return ReportOut(
        team=report.team.slug,
        team_name=report.team_name,
        heading=report.heading,
        leads=report.leads,
        status_label=report.status_label,
        group=report.group,
        body=report.body,
        no_update=report.no_update,
        version=report.version,
        updated_at=report.updated_at,
    )


# A team's report: read it (drafts too, with a token that may see them), and write it -------------------------------


def _saved_out(report: BacklogReport) -> ReportSavedOut:
    meeting = report.meeting
    return ReportSavedOut(
        committee=meeting.committee.slug,
        date=meeting.date,
        team=report.team.slug,
        body=report.body,
        version=report.version,
        updated_at=report.updated_at,
        url=report.get_absolute_url(),
    )


def _versioned(report: BacklogReport, status: int = 200) -> HttpResponse:
    response = HttpResponse(_saved_out(report).model_dump_json(), status=status, content_type="application/json")
    response["ETag"] = f'"{report.version}"'
    # A draft's text, or one read with a token: for this client only.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@api.get(
    REPORT,
    auth=token_optional,
    response={200: ReportSavedOut, **READ_ERRORS, **TOKEN_ERRORS},
    summary="A team's report and its version (a draft's with a token that may see it)",
    tags=["write"],
)
def report(request, committee: str, date: datetime.date, team: str):
    return _versioned(get_report(request, committee, date, team))


@api.put(
    REPORT,
    auth=token_required,
    response={
        200: ReportSavedOut,
        400: ProblemOut,
        403: ProblemOut,
        412: ConflictOut,
        413: ProblemOut,
        428: ProblemOut,
        **READ_ERRORS,
        **TOKEN_ERRORS,
    },
    summary="Replace a team's report, as its page saves it",
    description=(
        'Send `If-Match: "<version>"` (the report\'s ETag, or its `version`). 200 with the new version; 412 with '
        'the text saved in between when the version is not the current one (compared strongly: `W/"3"` or '
        '`"03"` never match); 428 without If-Match. The same rules '
        "as the report's edit page decide who may (a *report* token: the account's own teams, draft meetings)."
    ),
    tags=["write"],
)
def report_put(request, committee: str, date: datetime.date, team: str, payload: ReportIn):
    scope = request.auth.scope
    found = get_report(
        request,
        committee,
        date,
        team,
        allowed=lambda user, report: permissions.can_edit_report_with_token(user, report, scope),
    )
    expected = _if_match(request)
    if expected is None:
        raise _conflict(
            found,
            "If-Match is compared strongly (RFC 9110): a weak tag (W/) or a padded number names no version. "
            f'Merge the current text and PUT again with If-Match: "{found.version}".',
        )
    amending = found.meeting.is_published
    form = ReportForm({"body": payload.body, "version": expected, "reason": payload.reason}, amending=amending)
    if not form.is_valid():
        errors = [{"loc": ["body", name], "msg": " ".join(messages)} for name, messages in form.errors.items()]
        raise Problem(422, "The report cannot be saved as it is.", errors=errors)
    saved = merge_text(  # with a live room open, the text merges into its document and the version moves on
        found,
        form.cleaned_data["body"],
        by=request.user,
        expected_version=expected,
        source=RevisionSource.API,
        reason=form.reason(),
    )
    if not saved:
        raise _conflict(
            found,
            f"Someone saved this report since version {expected}: merge their text and PUT again "
            f"with If-Match: {found.version}.",
        )
    return _versioned(found)


def _conflict(report: BacklogReport, detail: str) -> Problem:
    """412, with the text and version saved now for the client to merge with."""
    return Problem(
        412, detail, headers={"ETag": f'"{report.version}"'}, current=_saved_out(report).model_dump(mode="json")
    )


def _if_match(request) -> int | None:
    """The version the client read, from If-Match (`"3"`, or `3` as the docs long allowed); None for a tag that
    matches no version.

    RFC 9110 compares If-Match strongly: a weak tag (`W/"3"`) never matches,
    and neither does `"03"` the ETag `"3"`: the tags are compared as text.
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        raise Problem(
            428, "Send If-Match with the version you read (the report's ETag), so that no one's save is overwritten."
        )
    tag = header.strip()
    weak = tag.startswith("W/")
    opaque = tag.removeprefix("W/")
    if opaque.startswith('"') and opaque.endswith('"') and len(opaque) >= 2:
        opaque = opaque[1:-1]
    if not opaque.isdecimal() or len(opaque) > 9:
        raise Problem(400, 'If-Match must be the version you read, e.g. If-Match: "3".')
    if weak or opaque != str(int(opaque)):
        return None
    return int(opaque)


# Teams -----------------------------------------------------------------------------------------------------------


def _team_out(team: Team) -> TeamOut:
    return TeamOut(
        slug=team.slug,
        name=team.name,
        status=team.status,
        group=team.group,
        leads=team.leads_display,
        url=team.get_absolute_url(),
    )


@api.get(COMMITTEE + "/teams", response={200: TeamPage, **READ_ERRORS}, summary="A committee's teams", tags=["read"])
def teams(request, committee: str, paging: Query[PageQuery]):
    found = get_committee(committee)
    roster = Team.objects.filter(committee=found).select_related("committee").prefetch_related("leads")
    items, page = paged(request, roster.order_by("position", "name"), paging.page)
    return respond(request, TeamPage(items=[_team_out(team) for team in items], **page))


@api.get(
    COMMITTEE + "/teams/{slug:team}",
    response={200: TimelineOut, **READ_ERRORS},
    summary="A team's timeline: its published reports (25 a page), leads and status over time",
    tags=["read"],
)
def team(request, committee: str, team: str, paging: Query[PageQuery]):
    found = get_object_or_404(Team.objects.select_related("committee"), committee__slug=committee, slug=team)
    timeline = team_timeline(found, page=paging.page)
    if paging.page > timeline.pages:
        raise Problem(404, f"The timeline has {timeline.pages} pages.")

    def link(number: int | None) -> str | None:
        return None if number is None else f"{request.path}?{urlencode({'page': number})}"

    entries = [
        TimelineGapOut(count=entry.count, first=entry.first, last=entry.last)
        if isinstance(entry, Gap)
        else TimelineReportOut(
            date=entry.meeting.date,
            url=entry.get_absolute_url(),
            leads=entry.leads,
            status_label=entry.status_label,
            body=entry.body,
        )
        for entry in timeline.entries
    ]
    changes = [
        [ChangeOut(value=c.value, since=c.since, until=c.until) for c in kind]
        for kind in (timeline.leads, timeline.statuses)
    ]
    return respond(
        request,
        TimelineOut(
            team=_team_out(found),
            report_count=timeline.report_count,
            page=timeline.page,
            pages=timeline.pages,
            next=link(timeline.older_page),
            previous=link(timeline.newer_page),
            entries=entries,
            leads=changes[0],
            statuses=changes[1],
        ),
    )


# Search ----------------------------------------------------------------------------------------------------------


class SearchQuery(InputSchema):
    # The search page's own limit, in the schema: a client (or a fuzzer) reads it there, not from a 400.
    q: str = Query(
        ...,
        description=f'Words, "phrases", -exclusions: at least one word to look for, at most {MAX_TERMS} in all.',
        min_length=1,
        max_length=MAX_QUERY_CHARS,
    )
    committee: str | None = Query(None, description="A committee's slug.", max_length=100)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    order: Order | None = Query(None, description="`relevance` (the default) or `date`.")


@api.get(
    "/search",
    response={200: SearchOut, 400: ProblemOut, **READ_ERRORS},
    summary=f"Search published minutes (the {LIMIT} best sections)",
    description=(
        "404 for a committee that does not exist. 400 for what no schema can say: a query with no word to look "
        f"for (only punctuation, or only -exclusions), more than {MAX_TERMS} words or phrases, or `date_to` "
        "before `date_from`; `errors` says which."
    ),
    tags=["read"],
)
def search_minutes(request, query: Query[SearchQuery]):
    if query.committee is not None:
        get_committee(query.committee)  # an unknown one is a 404, as on every other endpoint
    # The search page's own form: the same parsing, limits and messages.
    form = SearchForm({name: value for name, value in query.dict().items() if value is not None})
    if not form.is_valid():
        errors = [{"loc": ["query", name], "msg": " ".join(messages)} for name, messages in form.errors.items()]
        raise Problem(400, "The search cannot be run as asked.", errors=errors)
    hits = form.hits()
    items = [
        HitOut(
            committee=hit.meeting.committee.slug,
            date=hit.meeting.date,
            section=hit.document.section,
            team=hit.document.team.slug if hit.document.team_id else None,
            url=hit.get_absolute_url(),
            snippet_html=str(hit.snippet),
        )
        for hit in hits
    ]
    return respond(request, SearchOut(count=len(items), limit=LIMIT, items=items))


def urls():
    """The API's URL patterns, as `api.urls` gives them: each checks the token, counts, and answers a wrong method
    with a problem."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = guarded(problems.with_method_problems(pattern.callback))
    return patterns, app_name, namespace


@csrf_exempt  # no cookie is a credential here: an unsafe method gets the same 404 as GET, not the CSRF page
@guarded
def not_found(request, rest: str = "") -> HttpResponse:
    """Any other address under /api/: a problem, as the API's own 404s are (after the token check and the count)."""
    return problems.problem_response(404, "No such API endpoint; see /api/v1/docs.")
