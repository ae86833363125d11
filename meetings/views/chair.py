"""The chair's pages: create a meeting, edit its sections and roadmap, publish."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms import ItemForm, MeetingCreateForm, RoadmapForm
from ..minutes import gather
from ..models import AgendaItem, Meeting
from ..roadmap import entries_to_text
from .lookup import get_committee, get_meeting, require


def meeting_create(request, committee):
    committee = get_committee(committee)
    if refused := require(request, permissions.can_create_meeting(request.user, committee)):
        return refused
    form = MeetingCreateForm(request.POST or None, committee=committee, initial={"date": _next_date(committee)})
    if request.method == "POST" and form.is_valid():
        meeting = Meeting.objects.create_from_roster(committee, form.cleaned_data["date"], form.cleaned_data["title"])
        messages.success(request, f"Created {meeting}, with {meeting.reports.count()} team sections to fill in.")
        return redirect(meeting.get_edit_url())
    return render(request, "meetings/meeting_create.html", {"committee": committee, "form": form})


def _next_date(committee):
    """Two weeks after the committee's latest meeting, the usual cadence."""
    latest = Meeting.objects.for_committee(committee).order_by("-date").first()
    return latest.date + timedelta(days=14) if latest else None


def meeting_edit(request, committee, date):
    meeting = get_meeting(request, committee, date)
    if refused := require(request, permissions.can_edit_meeting(request.user, meeting)):
        return refused
    return render(
        request,
        "meetings/meeting_edit.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "minutes": gather(meeting),
            "editing": True,
            "editable_reports": permissions.editable_reports(request.user, meeting),
        },
    )


@require_POST
def meeting_publish(request, committee, date):
    meeting = get_meeting(request, committee, date)
    if refused := require(request, permissions.can_publish(request.user, meeting)):
        return refused
    if request.POST.get("action") == "unpublish":
        meeting.unpublish()
        messages.success(request, f"{meeting} is a draft again; only its chairs and leads can see it.")
        return redirect(meeting.get_edit_url())
    meeting.publish()
    messages.success(request, f"{meeting} is published.")
    return redirect(meeting.get_absolute_url())


def item_edit(request, committee, date, item):
    meeting = get_meeting(request, committee, date)
    if refused := require(request, permissions.can_edit_meeting(request.user, meeting)):
        return refused
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item)
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.set_agenda_label(form.cleaned_data["agenda_label"])
        item.save()
        messages.success(request, f"Saved “{item}”.")
        return redirect(meeting.get_edit_url())
    return render(request, "meetings/item_edit.html", {"meeting": meeting, "item": item, "form": form})


def roadmap_edit(request, committee, date):
    meeting = get_meeting(request, committee, date)
    if refused := require(request, permissions.can_edit_meeting(request.user, meeting)):
        return refused
    form = RoadmapForm(request.POST or None, initial={"outline": entries_to_text(meeting.roadmap_entries.all())})
    if request.method == "POST" and form.is_valid():
        meeting.set_roadmap(form.cleaned_data["outline"])
        messages.success(request, "Saved the roadmap.")
        return redirect(meeting.get_edit_url())
    return render(request, "meetings/roadmap_edit.html", {"meeting": meeting, "form": form})
