"""The chair's pages: create a meeting, edit its sections and roadmap, move a report, publish."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions
from ..format.outline import entries_to_text
from ..forms.chair import ImportForm, ItemForm, MeetingCreateForm, MoveReportForm, RoadmapForm
from ..forms.notes import PrivateNoteForm
from ..lib.diffing import diff_lines
from ..models import AgendaItem, Meeting
from ..queries.minutes import gather
from ..queries.questions import attach_questions
from ..services.editing import move_report, save_item, save_roadmap
from ..services.importing import import_uploads
from ..services.notifications import Notice, notify_published
from ..services.publishing import publish_meeting
from ..services.scheduling import create_meeting
from .lookup import get_committee, get_meeting, get_report


@login_required
def meeting_create(request, committee):
    committee = get_committee(committee, request, allowed=permissions.can_create_meeting)
    form = MeetingCreateForm(request.POST or None, committee=committee, initial={"date": _next_date(committee)})
    if request.method == "POST" and form.is_valid():
        meeting = create_meeting(committee, day=form.cleaned_data["date"], title=form.cleaned_data["title"])
        messages.success(request, f"Created {meeting}, with {meeting.reports.count()} team sections to fill in.")
        return redirect(meeting.get_edit_url())
    return render(request, "meetings/meeting_create.html", {"committee": committee, "form": form})


def _next_date(committee):
    """One cadence (`cadence_weeks`) after the committee's latest meeting."""
    latest = Meeting.objects.for_committee(committee).order_by("-date").first()
    return latest.date + timedelta(weeks=committee.cadence_weeks) if latest else None


@login_required
def meeting_edit(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_edit_meeting)
    minutes = gather(meeting)
    show_questions = bool(minutes.reports) and permissions.can_ask_question(request.user, minutes.reports[0])
    if show_questions:
        attach_questions(minutes)
    return render(
        request,
        "meetings/meeting_edit.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "minutes": minutes,
            "editing": True,
            "editable_reports": permissions.editable_reports(request.user, meeting),
            "private_notes": permissions.can_see_private_notes(request.user, meeting),
            "show_questions": show_questions,
            "can_ask": show_questions,
            "can_edit_meeting": True,
        },
    )


@require_POST  # no @login_required: to anonymous visitors a draft is a 404 first, then sign-in (lookup.py)
def meeting_publish(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_publish)
    if request.POST.get("action") == "unpublish":
        meeting.unpublish()
        messages.success(request, f"{meeting} is a draft again; only its chairs and leads can see it.")
        return redirect(meeting.get_edit_url())
    was_published = meeting.is_published
    publish_meeting(meeting, by=request.user)
    messages.success(request, f"{meeting} is published.")
    if not was_published:
        notice = notify_published(meeting)
        address = meeting.committee.list_address
        if notice == Notice.SENT:
            messages.info(request, f"Sent the minutes to {address}.")
        elif notice == Notice.FAILED:
            messages.warning(request, f"The minutes are published, but the e-mail to {address} could not be sent.")
    return redirect(meeting.get_absolute_url())


@login_required
def item_edit(request, committee, date, item):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_edit_meeting)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__committee"), meeting=meeting, pk=item)
    current = {"title": item.title, "agenda_label": item.agenda_label, "body": item.body, "version": item.version}
    form = ItemForm(request.POST or None, initial=current)
    context = {
        "meeting": meeting,
        "item": item,
        "form": form,
        "note_form": PrivateNoteForm(initial={"private_note": item.private_note}),
        "note_url": reverse("meetings:item_note", args=[meeting.committee.slug, meeting.date, item.pk]),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_item(
            item,
            body=data["body"],
            title=data["title"],
            agenda_label=data["agenda_label"],
            by=request.user,
            expected_version=data["version"],
        )
        if saved:
            messages.success(request, f"Saved “{item}”.")
            return redirect(meeting.get_edit_url())
        # Someone saved in between: the form keeps what this user typed, on the new version.
        context["form"] = ItemForm(initial={**data, "version": item.version})
        context["conflict"] = _conflict(item.body, data["body"])
        return render(request, "meetings/item_edit.html", context, status=409)
    return render(request, "meetings/item_edit.html", context)


@login_required
def roadmap_edit(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_edit_meeting)
    outline = entries_to_text(meeting.roadmap_entries.all())
    form = RoadmapForm(request.POST or None, initial={"outline": outline, "version": meeting.roadmap_version})
    context = {"meeting": meeting, "form": form}
    if request.method == "POST" and form.is_valid():
        entries = form.cleaned_data["outline"]
        if save_roadmap(meeting, entries=entries, by=request.user, expected_version=form.cleaned_data["version"]):
            messages.success(request, "Saved the roadmap.")
            return redirect(meeting.get_edit_url())
        theirs = request.POST["outline"].replace("\r\n", "\n")
        context["form"] = RoadmapForm(initial={"outline": theirs, "version": meeting.roadmap_version})
        context["conflict"] = _conflict(entries_to_text(meeting.roadmap_entries.all()), theirs)
        return render(request, "meetings/roadmap_edit.html", context, status=409)
    return render(request, "meetings/roadmap_edit.html", context)


def _conflict(saved: str, theirs: str) -> dict:
    return {"saved": saved, "diff": diff_lines(saved, theirs, context=None)}


@login_required
def report_move(request, committee, date, team):
    report = get_report(request, committee, date, team, allowed=permissions.can_move_report)
    form = MoveReportForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        source, target = report.meeting, form.cleaned_data["meeting"]
        try:
            move_report(report, to=target, by=request.user)
        except ValueError as error:
            form.add_error("meeting", str(error))
        else:
            messages.success(
                request, f"Moved the {report.team_name} report from {source.date:%Y-%m-%d} to {target.date:%Y-%m-%d}."
            )
            return redirect(target.get_edit_url())
    return render(request, "meetings/report_move.html", {"report": report, "meeting": report.meeting, "form": form})


@login_required
def import_files(request, committee):
    committee = get_committee(committee, request, allowed=permissions.can_import)
    # Bound on every POST: a post holding only files has an empty request.POST.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    results = None
    if form.is_bound and form.is_valid():
        results = import_uploads(form.cleaned_data["files"], committee, draft=form.cleaned_data["draft"])
    return render(request, "meetings/import.html", {"committee": committee, "form": form, "results": results})
