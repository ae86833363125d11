"""The chair's pages: create a meeting, edit its sections, agenda and roadmap, move a report, publish."""

from datetime import timedelta

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import permissions
from ..format.choices import ItemKind
from ..format.outline import entries_to_text
from ..forms.chair import (
    AgendaForm,
    AgendaFormSet,
    ImportForm,
    ItemForm,
    MeetingCreateForm,
    MoveReportForm,
    RoadmapForm,
)
from ..forms.notes import PrivateNoteForm
from ..lib.diffing import diff_lines
from ..models import AgendaItem, Meeting
from ..queries.minutes import gather, publication_summary, section_anchor
from ..queries.questions import attach_questions
from ..services.editing import move_report, save_agenda, save_roadmap
from ..services.importing import import_uploads
from ..services.live import merge_text
from ..services.notifications import Notice, notify_published
from ..services.publishing import publish_meeting, unpublish_meeting
from ..services.scheduling import create_meeting
from .lookup import get_committee, get_meeting, get_report
from .navigation import go_back, safe_next


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
            "outcome_allowed": permissions.outcome_actions(request.user, meeting, minutes.open_actions),
            "private_notes": permissions.can_see_private_notes(request.user, meeting),
            "show_questions": show_questions,
            "can_ask": show_questions,
            "can_edit_meeting": True,
        },
    )


def _edit_context(request, meeting: Meeting, back: str) -> dict:
    """What every edit page of a meeting shows around its form: where Cancel leads, and, on published
    minutes, that the save is an amendment."""
    return {"next": safe_next(request), "back_url": safe_next(request) or back, "amending": meeting.is_published}


@require_http_methods(["GET", "POST"])  # no @login_required: a draft is a 404 to anonymous visitors first
def meeting_publish(request, committee, date):
    """GET: what will go out, and the button that publishes it; POST: publish (or unpublish)."""
    meeting = get_meeting(request, committee, date, allowed=permissions.can_publish)
    if request.method != "POST":
        return render(
            request,
            "meetings/meeting_publish.html",
            {"meeting": meeting, "committee": meeting.committee, "summary": publication_summary(meeting)},
        )
    if request.POST.get("action") == "unpublish":
        unpublish_meeting(meeting, by=request.user)
        messages.success(request, f"{meeting} is a draft again; only its chairs and leads can see it.")
        return redirect(meeting.get_edit_url())
    was_published = meeting.is_published
    publish_meeting(meeting, by=request.user)
    messages.success(request, f"{meeting} is published.")
    if not was_published:
        notice = notify_published(meeting)
        address = meeting.committee.list_address
        if notice == Notice.QUEUED:
            messages.info(request, f"The minutes are being sent to {address}.")
    return redirect(meeting.get_absolute_url())


# The thumbnail of a picture not yet uploaded is the picked file's blob: URL (static/js/editor-toolbar.js).
@csp_update({"img-src": ["blob:"]})
@login_required
def item_edit(request, committee, date, item):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_edit_meeting)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__committee"), meeting=meeting, pk=item)
    current = {"title": item.title, "agenda_label": item.agenda_label, "body": item.body, "version": item.version}
    amending = meeting.is_published
    form = ItemForm(request.POST or None, initial=current, amending=amending)
    back = f"{meeting.get_edit_url()}#{section_anchor(meeting, item)}"
    context = {
        "meeting": meeting,
        "item": item,
        "form": form,
        "note_form": PrivateNoteForm(initial={"private_note": item.private_note}),
        "note_url": reverse("meetings:item_note", args=[meeting.committee.slug, meeting.date, item.pk]),
        **_edit_context(request, meeting, back),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = merge_text(  # through the live room's document, if a room is open on any server
            item,
            data["body"],
            title=data["title"],
            agenda_label=data["agenda_label"],
            by=request.user,
            expected_version=data["version"],
            reason=form.reason(),
        )
        if saved:
            messages.success(request, f"Saved “{item}”.")
            # The anchor of the section as saved: a new heading is a new anchor.
            return go_back(request, f"{meeting.get_edit_url()}#{section_anchor(meeting, item)}")
        # Someone saved in between: the form keeps what this user typed, on the new version.
        context["form"] = ItemForm(initial={**data, "version": item.version}, amending=amending)
        context["conflict"] = _conflict(item.body, data["body"])
        return render(request, "meetings/item_edit.html", context, status=409)
    return render(request, "meetings/item_edit.html", context)


@login_required
def roadmap_edit(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_edit_meeting)
    outline = entries_to_text(meeting.roadmap_entries.all())
    amending = meeting.is_published
    form = RoadmapForm(
        request.POST or None, initial={"outline": outline, "version": meeting.roadmap_version}, amending=amending
    )
    section = meeting.items.filter(kind=ItemKind.ROADMAP).first()
    back = meeting.get_edit_url() + (f"#{section_anchor(meeting, section)}" if section else "")
    context = {"meeting": meeting, "form": form, **_edit_context(request, meeting, back)}
    if request.method == "POST" and form.is_valid():
        entries = form.cleaned_data["outline"]
        saved = save_roadmap(
            meeting,
            entries=entries,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            reason=form.reason(),
        )
        if saved:
            messages.success(request, "Saved the roadmap.")
            return go_back(request, back)
        theirs = request.POST["outline"].replace("\r\n", "\n")
        context["form"] = RoadmapForm(
            initial={"outline": theirs, "version": meeting.roadmap_version}, amending=amending
        )
        context["conflict"] = _conflict(entries_to_text(meeting.roadmap_entries.all()), theirs)
        return render(request, "meetings/roadmap_edit.html", context, status=409)
    return render(request, "meetings/roadmap_edit.html", context)


@login_required
def agenda_edit(request, committee, date):
    """The meeting's sections as a list: rename, reorder, add, remove; presenter and time of each."""
    meeting = get_meeting(request, committee, date, allowed=permissions.can_edit_meeting)
    items = list(meeting.items.all())
    initial = [
        {
            "item": item.pk,
            "order": (position + 1) * 10,
            "title": item.title,
            "agenda_label": item.agenda_label,
            "presenter": item.presenter,
            "duration_minutes": item.duration_minutes,
        }
        for position, item in enumerate(items)
    ]
    data = request.POST if request.method == "POST" else None
    rows = AgendaFormSet(data, initial=initial, items=items, prefix="rows")
    amending = meeting.is_published
    form = AgendaForm(data, initial={"version": meeting.agenda_version}, amending=amending)
    agenda = next((item for item in items if item.kind == ItemKind.AGENDA), None)
    back = meeting.get_edit_url() + (f"#{section_anchor(meeting, agenda)}" if agenda else "")
    context = {"meeting": meeting, "rows": rows, "form": form, **_edit_context(request, meeting, back)}
    if request.method == "POST" and rows.is_valid() and form.is_valid():
        losing = rows.removed_with_text()
        if losing and not form.cleaned_data["confirm_remove"]:
            context["losing"] = losing
            return render(request, "meetings/agenda_edit.html", context)
        saved = save_agenda(
            meeting,
            rows=rows.rows(),
            by=request.user,
            expected_version=form.cleaned_data["version"],
            reason=form.reason(),
        )
        if saved:
            messages.success(request, "Saved the agenda.")
            return go_back(request, back)
        # Someone saved the agenda meanwhile: start again from theirs rather than undo it unseen.
        messages.error(
            request, "Someone saved the agenda while you were editing it; yours was not saved. Here it is as saved now."
        )
        return redirect(request.get_full_path())
    return render(request, "meetings/agenda_edit.html", context)


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
