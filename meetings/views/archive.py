"""The published archive for the community: team timelines, the roadmap's history, search, downloads."""

import io
import zipfile

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from ..forms.archive import SearchForm
from ..lib.text import storable
from ..models import Meeting, Team
from ..queries.actions import team_actions
from ..queries.search import LIMIT, MAX_QUERY_CHARS, by_meeting
from ..queries.timeline import horizons_of, roadmap_history, team_timeline
from ..services.exporting import archive_files, site_address
from .lookup import get_committee


def team_page(request, committee, team):
    team = get_object_or_404(Team.objects.select_related("committee"), committee__slug=committee, slug=team)
    page = request.GET.get("page", "1")
    # isdecimal, not isdigit: int() refuses "²", which is a digit.
    timeline = team_timeline(team, page=int(page) if page.isdecimal() and len(page) < 7 else 1)
    return render(
        request, "meetings/team_timeline.html", {"team": team, "timeline": timeline, "actions": team_actions(team)}
    )


def roadmap_page(request, committee):
    committee = get_committee(committee)
    lines = roadmap_history(committee)
    return render(
        request,
        "meetings/roadmap_history.html",
        {
            "committee": committee,
            "current": horizons_of([line for line in lines if line.current]),
            "gone": [line for line in lines if not line.current],
        },
    )


def search_page(request):
    asked = "q" in request.GET
    form = SearchForm(request.GET if asked else None)
    hits = None
    if asked and form.is_valid():
        hits = form.hits()
    return render(
        request,
        "meetings/search.html",
        {
            "form": form,
            "hits": hits,
            "meetings": by_meeting(hits) if hits else [],
            "limit": LIMIT,
            # The filters stay folded away unless one is in use (or wrong).
            "filters_open": any(request.GET.get(name) for name in SearchForm.FILTERS)
            or any(name in form.errors for name in SearchForm.FILTERS),
            "query": storable(request.GET.get("q", "")[:MAX_QUERY_CHARS]),
        },
    )


def archive_zip(request, committee):
    """Every published meeting of the committee as Markdown in the archive's layout, with its uploaded pictures."""
    committee = get_committee(committee)
    meetings = (
        Meeting.objects.for_committee(committee)
        .published()
        .select_related("committee")
        .prefetch_related("items", "reports", "roadmap_entries", "attendees")
        .order_by("date")
    )
    site_url = site_address(request.build_absolute_uri("/"))
    buffer = io.BytesIO()
    written = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for meeting in meetings:
            for path, content in archive_files(meeting, site_url=site_url):
                if path not in written:  # a picture shown in two meetings of one year is stored once
                    written.add(path)
                    archive.writestr(path, content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{committee.slug}-minutes.zip"'
    return response
