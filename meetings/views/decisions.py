"""Decisions: recording one in a section, and the committee's decisions page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .. import permissions
from ..forms.decisions import DecisionFilterForm, DecisionForm
from ..queries.decisions import committee_decisions
from ..queries.minutes import section_anchor
from ..services.decisions import record_decision
from ..services.live import RoomError
from .lookup import get_committee, get_report, get_written_section
from .navigation import safe_next

PER_PAGE = 50


def decisions_page(request, committee):
    committee = get_committee(committee)
    form = DecisionFilterForm(request.GET)
    words = form.cleaned_data["q"].strip() if form.is_valid() else ""
    paginator = Paginator(committee_decisions(committee, words=words), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/decisions.html",
        {"committee": committee, "form": form, "words": words, "page": page},
    )


@login_required
def item_decision(request, committee, date, item):
    section = get_written_section(request, committee, date, item, allowed=permissions.can_record_decision)
    back = f"{section.meeting.get_edit_url()}#{section_anchor(section.meeting, section)}"  # its section, not the top
    return _record(request, section, name=str(section), back=safe_next(request) or back)


@login_required
def report_decision(request, committee, date, team):
    report = get_report(request, committee, date, team, allowed=permissions.can_record_decision)
    return _record(
        request, report, name=f"the {report.team_name} report", back=safe_next(request) or report.get_edit_url()
    )


def _record(request, section, *, name: str, back: str):
    amending = section.meeting.is_published
    form = DecisionForm(request.POST or None, initial={"version": section.version}, amending=amending)
    context = {
        "meeting": section.meeting,
        "section": section,
        "name": name,
        "back": back,
        "next": safe_next(request),
        "form": form,
        "amending": amending,
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = record_decision(
                section,
                decision=data["decision"],
                by=request.user,
                expected_version=data["version"],
                reason=form.reason(),
            )
        except RoomError as error:  # the section with the line would be a text the forms refuse
            form.add_error(None, str(error))
            return render(request, "meetings/decision_new.html", context)
        if recorded:
            messages.success(request, f"Recorded the decision in {name}.")
            return redirect(back)
        # Someone saved the section in between: the decision is not recorded; it may no longer belong there.
        context["conflict"] = True
        context["form"] = DecisionForm(initial={**data, "version": section.version}, amending=amending)
        return render(request, "meetings/decision_new.html", context, status=409)
    return render(request, "meetings/decision_new.html", context)
