"""The published archive for the community: team timelines, the roadmap's history, search, downloads."""

import io
import zipfile

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ..forms.archive import SearchForm
from ..lib.text import storable
from ..models import Meeting, Team
from ..queries.actions import team_actions
from ..queries.search import MAX_QUERY_CHARS, by_meeting
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


def subscribe_page(request, committee):
    """The committee's feeds and calendar, explained, with the addresses to copy into a reader or a calendar."""
    committee = get_committee(committee)
    slug = committee.slug

    def address(name, *args) -> str:
        return request.build_absolute_uri(reverse(f"meetings:{name}", args=[slug, *args]))

    feeds = [
        {
            "id": "minutes",
            "label": "Published minutes",
            "help": "Each meeting's minutes when published, with its agenda, decisions and who reported; "
            "again when they are amended.",
            "url": address("committee_feed"),
        },
        {
            "id": "decisions",
            "label": "Decisions",
            "help": "Each decision of the published minutes.",
            "url": address("decisions_feed"),
        },
        {
            "id": "actions",
            "label": "Action items",
            "help": "Each action item of the published minutes, again when it is closed.",
            "url": address("actions_feed"),
        },
    ]
    teams = [
        {
            "id": f"team-{team.slug}",
            "label": f"{team.name} reports",
            "help": f"Each report of the {team.name} team, with its text.",
            "url": address("team_feed", team.slug),
        }
        for team in committee.teams.reporting().order_by("position", "name")
    ]
    context = {
        "committee": committee,
        "feeds": feeds,
        "teams": teams,
        # Come from a team's page: its feed shows unfolded.
        "open_teams": bool(request.GET.get("team")),
        "calendar_url": address("calendar"),
    }
    return render(request, "meetings/subscribe.html", context)


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
    results = None
    if asked and form.is_valid():
        results = form.results()
    return render(
        request,
        "meetings/search.html",
        {
            "form": form,
            "results": results,
            "meetings": by_meeting(results.hits) if results else [],
            **(_links(request.GET, results) if results else {}),
            # The filters stay folded away unless one is in use (or wrong).
            "filters_open": any(request.GET.get(name) for name in SearchForm.FILTERS)
            or any(name in form.errors for name in SearchForm.FILTERS),
            "query": storable(request.GET.get("q", "")[:MAX_QUERY_CHARS]),
        },
    )


def _links(asked, results) -> dict:
    """The addresses of the pager and of the facets: the same search, another page or one more filter."""

    def address(**changed) -> str:
        query = asked.copy()
        query.pop("page", None)
        for name, value in changed.items():
            query[name] = value
        return "?" + query.urlencode()

    def facets(found):
        return [
            {
                "label": facet.label,
                "count": facet.count,
                "href": address(**facet.params),
                # The filter in use: a link to the same page would go nowhere.
                "current": all(asked.get(name) == value for name, value in facet.params.items()),
            }
            for facet in found
        ]

    return {
        "previous_page": address(page=str(results.page - 1)) if results.page > 1 else None,
        "next_page": address(page=str(results.page + 1)) if results.has_next else None,
        "committee_facets": facets(results.committees),
        "year_facets": facets(results.years),
    }


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
