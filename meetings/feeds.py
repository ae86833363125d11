"""Atom feeds of published minutes: one per committee, one per team timeline, one of a committee's decisions and
one of its action items.

An entry is dated by the meeting it reports on (published: when the meeting
took place) and updated by its latest amendment, never by when the file was
imported or the minutes published: an archive imported in one afternoon keeps
its years.
"""

from itertools import islice

from django.contrib.syndication.views import Feed
from django.db.models import DateTimeField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string as render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from .lib.rendering import render_markdown
from .models import (
    ActionStatus,
    AgendaItem,
    BacklogReport,
    Committee,
    Decision,
    Meeting,
    MeetingStatus,
    Revision,
    Team,
)
from .queries.actions import feed_actions
from .queries.decisions import committee_decisions

ITEMS = 30


def _amended_at(**outer) -> Subquery:
    """The latest change after publication, looked up per row read: an aggregate grouped every column of
    every meeting or report of the committee or team, which grew with the archive."""
    changes = Revision.objects.filter(after_publication=True, **outer).order_by("-created_at")
    return Subquery(changes.values("created_at")[:1])


class CommitteeFeed(Feed):
    """Each published meeting of the committee, with its agenda, decisions and who reported; an amendment brings
    it up again as updated."""

    feed_type = Atom1Feed

    def get_object(self, request, committee):
        # Links inside an entry's HTML are absolute: a feed reader shows it away from this site.
        self.site = request.build_absolute_uri("/").rstrip("/")
        return get_object_or_404(Committee, slug=committee)

    def title(self, committee):
        return f"{committee.name} PMC minutes"

    def link(self, committee):
        return committee.get_absolute_url()

    def subtitle(self, committee):
        return committee.description or f"Published minutes of the {committee.name} Project Management Committee."

    def items(self, committee):
        return (
            Meeting.objects.for_committee(committee)
            .published()
            .listed()
            .select_related("committee")
            .prefetch_related(
                Prefetch("items", queryset=AgendaItem.objects.only("meeting", "position", "title", "agenda_label")),
                Prefetch("decisions", queryset=Decision.objects.order_by("position")),
                Prefetch(
                    "reports",
                    # The team for the report's anchor; its text to tell a written report from placeholders.
                    queryset=BacklogReport.objects.select_related("team").only(
                        "meeting", "position", "team_name", "leads", "body", "team__slug"
                    ),
                ),
            )
            .annotate(amended_at=_amended_at(meeting=OuterRef("pk")))
            # Latest news first: an amendment of old minutes comes back to the top of the feed.
            .order_by(Coalesce("amended_at", Cast("date", output_field=DateTimeField())).desc(), "-date")[:ITEMS]
        )

    def item_title(self, meeting):
        title = meeting.title
        if meeting.date.isoformat() not in title:
            title += f", {meeting.date:%-d %B %Y}"  # titles such as “CF Extensions PMC Notes” say no date
        return title + (" (amended)" if meeting.amended_at else "")

    def item_description(self, meeting):
        reports = list(meeting.reports.all())
        return render(
            "meetings/includes/feed_meeting.html",
            {
                "meeting": meeting,
                "site": self.site,
                "agenda": [item for item in meeting.items.all() if item.title or item.agenda_label],
                "decisions": meeting.decisions.all(),
                "reported": [report for report in reports if not report.is_empty],
                "silent": [report.team_name for report in reports if report.is_empty],
            },
        )

    def item_pubdate(self, meeting):
        return meeting.held_at

    def item_updateddate(self, meeting):
        return meeting.amended_at or meeting.held_at


class TeamFeed(Feed):
    """The team's published reports, newest first, with their text."""

    feed_type = Atom1Feed

    def get_object(self, request, committee, team):
        return get_object_or_404(Team.objects.select_related("committee"), committee__slug=committee, slug=team)

    def title(self, team):
        return f"{team.name}: reports to the {team.committee.name} PMC"

    def link(self, team):
        return team.get_absolute_url()

    def items(self, team):
        reports = (
            BacklogReport.objects.filter(team=team, meeting__status=MeetingStatus.PUBLISHED)
            .exclude(body="")
            .select_related("meeting__committee", "team")
            .annotate(amended_at=_amended_at(report=OuterRef("pk")))
            .order_by("-meeting__date")
        )
        # Placeholders only (“[add here]”, the committee's template lines) are no report: read on past them,
        # in one query however many there are.
        return list(islice((report for report in reports.iterator(chunk_size=ITEMS) if not report.is_empty), ITEMS))

    def item_title(self, report):
        return f"{report.team_name} – {report.meeting.date:%Y-%m-%d}"

    def item_description(self, report):
        return render_markdown(report.body)

    def item_link(self, report):
        return report.get_absolute_url()

    def item_pubdate(self, report):
        return report.meeting.held_at

    def item_updateddate(self, report):
        return report.amended_at or report.meeting.held_at


class DecisionFeed(Feed):
    """The decisions of the committee's published minutes, newest meeting first."""

    feed_type = Atom1Feed

    def get_object(self, request, committee):
        return get_object_or_404(Committee, slug=committee)

    def title(self, committee):
        return f"Decisions of the {committee.name} PMC"

    def link(self, committee):
        return reverse("meetings:decisions", args=[committee.slug])

    def items(self, committee):
        return committee_decisions(committee)[:ITEMS]

    def item_title(self, decision):
        return f"{decision.meeting.date:%Y-%m-%d}: {Truncator(decision.text).chars(120)}"

    def item_description(self, decision):
        return render("meetings/includes/decision.html", {"decision": decision})

    def item_link(self, decision):
        return decision.get_absolute_url()

    def item_guid(self, decision):
        # The row is rebuilt with each edit of its meeting: its place in the minutes names it, not its id;
        # and its link is its section's, which two decisions may share.
        meeting = decision.meeting
        return f"urn:pmc-minutes:{meeting.committee.slug}:{meeting.date.isoformat()}:decision:{decision.position}"

    def item_guid_is_permalink(self, decision):
        return False

    def item_pubdate(self, decision):
        return decision.meeting.held_at

    def item_updateddate(self, decision):
        return decision.meeting.held_at


class ActionFeed(Feed):
    """The action items of the committee's published minutes, newest meeting first; an entry is updated when
    published minutes close it."""

    feed_type = Atom1Feed

    def get_object(self, request, committee):
        return get_object_or_404(Committee, slug=committee)

    def title(self, committee):
        return f"Action items of the {committee.name} PMC"

    def link(self, committee):
        return reverse("meetings:actions", args=[committee.slug])

    def items(self, committee):
        return feed_actions(committee, limit=ITEMS)

    def item_title(self, action):
        status = "" if action.said_status == ActionStatus.OPEN else f" ({action.said_status_label})"
        return f"{action.meeting.date:%Y-%m-%d}: {action.owner_name}: {Truncator(action.text).chars(120)}{status}"

    def item_description(self, action):
        return render("meetings/includes/action_entry.html", {"action": action})

    def item_link(self, action):
        return action.get_absolute_url()

    def item_guid(self, action):
        # The row stays while its line does (services/action_rows.py), moves with its report: its id names it.
        return f"urn:pmc-minutes:{action.committee.slug}:action:{action.pk}"

    def item_guid_is_permalink(self, action):
        return False

    def item_pubdate(self, action):
        return action.meeting.held_at

    def item_updateddate(self, action):
        closed_in = action.said_closed_in
        return closed_in.held_at if closed_in is not None else action.meeting.held_at
