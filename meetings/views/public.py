"""Pages for everyone: the committees, their archives, and the minutes in three formats."""

from django.db.models import Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render

from .. import permissions
from ..exporting import meeting_to_markdown
from ..minutes import gather
from ..models import Committee, Meeting, MeetingStatus
from ..pdf import render_pdf
from .lookup import get_committee, get_meeting


def home(request):
    committees = Committee.objects.annotate(
        latest_date=Max("meetings__date", filter=Q(meetings__status=MeetingStatus.PUBLISHED))
    )
    latest = {
        (m.committee_id, m.date): m
        for m in Meeting.objects.published().filter(date__in=[c.latest_date for c in committees if c.latest_date])
    }
    upcoming = list(Meeting.objects.drafts().upcoming().select_related("committee"))
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
    published = Meeting.objects.for_committee(committee).published()
    years = [day.year for day in published.dates("date", "year", order="DESC")]
    # One year a page, so that decades of biweekly meetings stay one short page each.
    year = _year(request.GET.get("year"), years)
    meetings = published.filter(date__year=year).with_summary().order_by("-date") if year else []
    is_chair = permissions.is_chair(request.user, committee)
    drafts = Meeting.objects.for_committee(committee).drafts().order_by("date") if is_chair else []
    # Cancelled meetings are kept for their chairs only (their written reports may still move on).
    cancelled = Meeting.objects.for_committee(committee).cancelled().order_by("date") if is_chair else []
    upcoming = Meeting.objects.for_committee(committee).upcoming().select_related("committee")[:6]
    return render(
        request,
        "meetings/committee_archive.html",
        {
            "committee": committee,
            "meetings": meetings,
            "years": years,
            "year": year,
            "drafts": drafts,
            "cancelled": cancelled,
            "upcoming": upcoming,
            "is_chair": is_chair,
        },
    )


def _year(asked: str | None, years: list[int]) -> int | None:
    if asked and asked.isdigit() and int(asked) in years:
        return int(asked)
    if asked:
        raise Http404("No published minutes that year.")
    return years[0] if years else None


def meeting_detail(request, committee, date):
    meeting = get_meeting(request, committee, date)
    minutes = gather(meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "minutes": minutes,
            "previous": meeting.neighbour(later=False),
            "next": meeting.neighbour(later=True),
            "can_edit_meeting": permissions.can_edit_meeting(request.user, meeting),
            "editable_reports": permissions.editable_reports(request.user, meeting),
        },
    )


def meeting_pdf(request, committee, date):
    meeting = get_meeting(request, committee, date)
    response = HttpResponse(render_pdf(meeting, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{meeting.date.isoformat()}-{meeting.committee.slug}.pdf"'
    return response


def meeting_markdown(request, committee, date):
    meeting = get_meeting(request, committee, date)
    response = HttpResponse(meeting_to_markdown(meeting), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{meeting.date.isoformat()}-{meeting.committee.slug}.md"'
    return response
