"""Pages for everyone: the committees, their archives, and the minutes in three formats."""

from django.db.models import Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render

from .. import caching, permissions
from ..models import Committee, Meeting, MeetingStatus
from ..pdf import PdfUnavailable, pdf_headers, render_pdf
from ..queries.minutes import gather
from ..queries.questions import attach_questions
from ..queries.reports import count_reported
from ..services.exporting import meeting_to_markdown, site_address
from .lookup import get_committee, get_meeting


def home(request):
    committees = Committee.objects.annotate(
        latest_date=Max("meetings__date", filter=Q(meetings__status=MeetingStatus.PUBLISHED))
    )
    latest = {
        (m.committee_id, m.date): m
        for m in Meeting.objects.published()
        .listed()
        .filter(date__in=[c.latest_date for c in committees if c.latest_date])
        .select_related("committee")  # its URL names the committee
    }
    upcoming = list(Meeting.objects.drafts().upcoming().listed().select_related("committee"))
    rows = [
        {
            "committee": committee,
            "latest": latest.get((committee.pk, committee.latest_date)),
            "upcoming": [m for m in upcoming if m.committee_id == committee.pk][:3],
        }
        for committee in committees
    ]
    return render(request, "meetings/home.html", {"rows": rows})


def committee_archive(request, committee):
    committee = get_committee(committee)
    # Each listed meeting's URL names its committee: fetched with it, not once per meeting.
    published = Meeting.objects.for_committee(committee).published().listed().select_related("committee")
    years = [day.year for day in published.dates("date", "year", order="DESC")]
    # One year a page, so that decades of biweekly meetings stay one short page each; or all of them, asked for.
    year = _year(request.GET.get("year"), years)
    if year == ALL_YEARS:
        meetings = list(published.with_announcements().order_by("-date"))
    else:
        meetings = list(published.filter(date__year=year).with_announcements().order_by("-date")) if year else []
    count_reported(meetings, committee.placeholder_lines)
    is_chair = permissions.is_chair(request.user, committee)
    drafts = Meeting.objects.for_committee(committee).drafts().listed().select_related("committee").order_by("date")
    drafts = drafts if is_chair else []
    # Cancelled meetings are kept for their chairs only (their written reports may still move on).
    cancelled = (
        Meeting.objects.for_committee(committee).cancelled().listed().select_related("committee").order_by("date")
    )
    cancelled = cancelled if is_chair else []
    upcoming = Meeting.objects.for_committee(committee).upcoming().listed().select_related("committee")[:6]
    # A git mirror that failed, with why: shown to the chairs (and on the settings page).
    mirror_failures = committee.mirror_syncs.failing().select_related("meeting") if is_chair else []
    return render(
        request,
        "meetings/committee_archive.html",
        {
            "committee": committee,
            "meetings": meetings,
            "years": years,
            "year": year,
            "all_years": ALL_YEARS,
            "drafts": drafts,
            "cancelled": cancelled,
            "upcoming": upcoming,
            "is_chair": is_chair,
            "mirror_failures": mirror_failures,
        },
    )


ALL_YEARS = "all"


def _year(asked: str | None, years: list[int]) -> int | str | None:
    if asked == ALL_YEARS and years:
        return ALL_YEARS
    # isdecimal, not isdigit: int() refuses "²" (a digit) and strings of thousands of digits.
    if asked and asked.isdecimal() and len(asked) < 7 and int(asked) in years:
        return int(asked)
    if asked:
        raise Http404("No published minutes that year.")
    return years[0] if years else None


@caching.validated("html")
def meeting_detail(request, committee, date):
    return caching.cached_response(request, committee, date, "html", lambda: _meeting_page(request, committee, date))


def _meeting_page(request, committee, date):
    meeting = get_meeting(request, committee, date)
    minutes = gather(meeting)
    previous, next_ = caching.neighbours(request, meeting)  # found by the version query already
    private_notes = permissions.can_see_private_notes(request.user, meeting)
    show_questions = bool(minutes.reports) and permissions.can_ask_question(request.user, minutes.reports[0])
    if show_questions:
        attach_questions(minutes)
    can_edit = permissions.can_edit_meeting(request.user, meeting)
    editable = permissions.editable_reports(request.user, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "minutes": minutes,
            "previous": previous,
            "next": next_,
            "canonical_url": request.build_absolute_uri(meeting.get_absolute_url()),
            "can_edit_meeting": can_edit,
            "editable_reports": editable,
            # The room is linked for those who write something there (the asked-last note-takers: rarely asked).
            "live_room": can_edit or bool(editable) or permissions.can_take_notes(request.user, meeting),
            # Chairs and leads only: an anonymous reader's page (the one cached and shared) never has them.
            "private_notes": private_notes,
            "show_questions": show_questions,
            "can_ask": show_questions,
            "outcome_allowed": permissions.outcome_actions(request.user, meeting, minutes.open_actions),
        },
    )


@caching.validated("pdf")
def meeting_pdf(request, committee, date):
    return caching.cached_response(request, committee, date, "pdf", lambda: _pdf_response(request, committee, date))


def _pdf_response(request, committee, date):
    meeting = get_meeting(request, committee, date)
    version = caching.version_for(request, committee, date)  # asked already for the ETag: no query
    try:
        pdf = render_pdf(meeting, request, version=version.of("pdf") if version else None)
    except PdfUnavailable as error:
        # Too long, too slow or too busy to typeset: say so, and offer the page and the Markdown instead.
        context = {
            "meeting": meeting,
            "committee": meeting.committee,
            "reason": str(error),
            "retry_in": _in_words(error.retry_after),
        }
        response = render(request, "meetings/pdf_unavailable.html", context, status=503)
        # pdf.py logged the failure once, when it happened; django.request would log every
        # reader's 503 as an error, and readers looping on a failed PDF would flood the log.
        response._has_been_logged = True
        if error.retry_after:
            # Only when asking again could help (busy, or a timeout after a while); a PDF that
            # failed is remembered for these minutes, so a retry would get the same page.
            response["Retry-After"] = str(error.retry_after)
        return response
    response = HttpResponse(pdf)
    for name, value in pdf_headers(meeting).items():
        response[name] = value
    return response


def _in_words(seconds: int | None) -> str | None:
    if not seconds:
        return None
    if seconds < 60:
        return "a few seconds"
    minutes = -(-seconds // 60)
    return "a minute" if minutes == 1 else f"{minutes} minutes"


@caching.validated("md")
def meeting_markdown(request, committee, date):
    return caching.cached_response(request, committee, date, "md", lambda: _markdown_response(request, committee, date))


def _markdown_response(request, committee, date):
    meeting = get_meeting(request, committee, date)
    # Uploaded pictures' links absolute, so that the file shows them wherever it is read.
    text = meeting_to_markdown(meeting, site_url=site_address(request.build_absolute_uri("/")))
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{meeting.date.isoformat()}-{meeting.committee.slug}.md"'
    return response
