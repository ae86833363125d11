"""The team leads' pages: the sections they owe, and editing one report."""

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms.lead import NoUpdateForm, ReportForm
from ..forms.notes import PrivateNoteForm
from ..forms.questions import AnswerForm
from ..lib.diffing import diff_lines
from ..models import BacklogReport, Meeting, MeetingStatus
from ..queries.actions import open_actions_of, with_closing_meetings
from ..queries.questions import with_unanswered
from ..services.editing import mark_no_update
from ..services.live import merge_text
from .lookup import check, get_report
from .navigation import go_back, safe_next


@login_required
def my_sections(request):
    reports = with_unanswered(
        BacklogReport.objects.owed_by(request.user)
        .with_previous()
        .select_related("meeting__committee", "team", "updated_by__profile")
    )
    chaired = (
        Meeting.objects.drafts()
        .filter(committee__in=permissions.chaired_committees(request.user))
        .select_related("committee")
        .order_by("date")
    )
    actions = with_closing_meetings(open_actions_of(request.user))
    return render(
        request,
        "meetings/my_sections.html",
        {
            "reports": reports,
            "chaired_drafts": chaired,
            "open_actions": actions,
            "closable": permissions.closable_actions(request.user, actions),
        },
    )


# The thumbnail of a picture not yet uploaded is the picked file's blob: URL (static/js/editor-toolbar.js).
@csp_update({"img-src": ["blob:"]})
@login_required  # before the lookup: a draft is a 404 to anonymous users, but its edit link is not
def report_edit(request, committee, date, team):
    report = get_report(request, committee, date, team, allowed=permissions.can_edit_report)
    meeting = report.meeting
    previous = report.previous_report()
    amending = meeting.is_published
    back = safe_next(request) or report.get_absolute_url()
    context = {
        "report": report,
        "meeting": meeting,
        "previous": previous,
        "next": safe_next(request),
        "back_url": back,
        "amending": amending,
        "note_form": PrivateNoteForm(initial={"private_note": report.private_note}),
        "questions": report.questions.select_related("asked_by__profile", "answered_by__profile"),
        "answer_form": AnswerForm(),
        "report_note_url": reverse(
            "meetings:report_note", args=[meeting.committee.slug, meeting.date, report.team.slug]
        ),
        "can_answer": meeting.status == MeetingStatus.DRAFT,  # the page itself asks can_edit_report
        "copying": permissions.can_edit_meeting(request.user, meeting),
    }
    if request.method != "POST":
        body = report.body
        if request.GET.get("start") == "previous" and previous is not None:
            # A starting point in the form only: nothing is saved until the lead saves.
            body = previous.body
            messages.info(request, f"Started from your report of {previous.meeting.date:%Y-%m-%d}; not saved yet.")
        form = ReportForm(initial={"body": body, "version": report.version}, amending=amending)
        return render(request, "meetings/report_edit.html", {**context, "form": form})

    form = ReportForm(request.POST, amending=amending)
    if not form.is_valid():
        return render(request, "meetings/report_edit.html", {**context, "form": form})
    theirs = form.cleaned_data["body"]
    # Through the live room's document: with a room open on any server, its people see the text arrive.
    saved = merge_text(
        report, theirs, by=request.user, expected_version=form.cleaned_data["version"], reason=form.reason()
    )
    if saved:
        messages.success(request, f"Saved the {report.team_name} section of {meeting}.")
        return go_back(request, report.get_absolute_url())  # the team's own section, #anchored
    # Someone saved in between: keep both texts, ask the user to merge.
    form = ReportForm(initial={"body": theirs, "version": report.version}, amending=amending)
    return render(
        request,
        "meetings/report_conflict.html",
        # No "start from the last report" here: it would replace the text the user is merging.
        {
            **context,
            "previous": None,
            "form": form,
            "saved": report.body,
            "diff": diff_lines(report.body, theirs, context=None),
        },
        status=409,
    )


@require_POST
@login_required
def report_no_update(request, committee, date, team):
    """From My sections or the editor: the team has no update this cycle; written text is replaced once confirmed."""
    report = get_report(request, committee, date, team, allowed=permissions.can_edit_report)
    form = NoUpdateForm(request.POST)
    check(form.is_valid())
    data = form.cleaned_data
    back = "meetings:my_sections" if data["back"] == "sections" else None
    written = not report.no_update and not report.is_empty
    if written and not data["confirm"] and data["version"] == report.version:  # a stale page: the conflict below
        # Asked by the server, not a script's confirm(): one click must not replace a written report.
        return render(
            request,
            "meetings/report_no_update.html",
            {
                "report": report,
                "meeting": report.meeting,
                "version": data["version"],
                "back": data["back"],
                "back_url": reverse(back) if back else report.get_edit_url(),
            },
        )
    if mark_no_update(report, by=request.user, expected_version=data["version"]):
        messages.success(request, f"The {report.team_name} section now says “No update this cycle.”")
    else:
        messages.error(
            request, f"Someone saved the {report.team_name} section meanwhile; nothing changed. Look at it again."
        )
    return redirect(back) if back else redirect(report.get_edit_url())
