"""The team leads' pages: the sections they owe, and editing one report."""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .. import permissions
from ..forms import ReportForm
from ..models import BacklogReport, Meeting, MeetingStatus
from .lookup import get_report, require


@login_required
def my_sections(request):
    reports = (
        BacklogReport.objects.filter(team__leads=request.user, meeting__status=MeetingStatus.DRAFT)
        .select_related("meeting__committee", "team", "updated_by")
        .order_by("meeting__date", "position")
    )
    chaired = (
        Meeting.objects.drafts().filter(committee__chairs=request.user).select_related("committee").order_by("date")
    )
    return render(request, "meetings/my_sections.html", {"reports": reports, "chaired_drafts": chaired})


def report_edit(request, committee, date, team):
    report = get_report(request, committee, date, team)
    if refused := require(request, permissions.can_edit_report(request.user, report)):
        return refused
    meeting = report.meeting
    if request.method != "POST":
        form = ReportForm(initial={"body": report.body, "version": report.version})
        return render(request, "meetings/report_edit.html", {"report": report, "meeting": meeting, "form": form})

    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "meetings/report_edit.html", {"report": report, "meeting": meeting, "form": form})
    theirs = form.cleaned_data["body"]
    if report.save_text(theirs, by=request.user, expected_version=form.cleaned_data["version"]):
        messages.success(request, f"Saved the {report.team_name} section of {meeting}.")
        return redirect(f"{meeting.get_absolute_url()}#{report.team.slug}")
    # Someone saved in between: keep both texts, ask the user to merge.
    form = ReportForm(initial={"body": theirs, "version": report.version})
    diff = difflib.unified_diff(report.body.splitlines(), theirs.splitlines(), "saved", "yours", lineterm="")
    return render(
        request,
        "meetings/report_conflict.html",
        {"report": report, "meeting": meeting, "form": form, "diff": list(diff)[2:]},
        status=409,
    )
