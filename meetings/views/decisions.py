"""Decisions: recording one in a section, and the committee's decisions page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .. import permissions
from ..forms.decisions import DecisionCandidateForm, DecisionFilterForm, DecisionForm
from ..queries.candidates import meeting_decision_candidates
from ..queries.decisions import committee_decisions
from ..queries.minutes import section_anchor
from ..services.decisions import accept_decision_candidate, dismiss_decision_candidate, record_decision
from ..services.live import RoomError
from .lookup import get_committee, get_meeting, get_report, get_written_section
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


@login_required
def candidates(request, committee, date):
    """The archive's own decision lines, accepted as decisions or left as text one by one (as action candidates)."""
    meeting = get_meeting(request, committee, date, allowed=permissions.can_review_candidates)
    offered = meeting_decision_candidates(meeting)
    here = redirect("meetings:decision_candidates", meeting.committee.slug, meeting.date)
    bound, status = None, 200
    if request.method == "POST":
        key, seen = request.POST.get("key", ""), request.POST.get("seen", "")
        chosen = next((o for o in offered if o.key == key and o.text == seen), None)
        if chosen is None:
            messages.error(request, "That line has changed or was dealt with since; here are the lines as they stand.")
            return here
        if "dismiss" in request.POST:
            dismiss_decision_candidate(meeting, anchor=chosen.anchor, text=chosen.text, by=request.user)
            messages.success(request, f"Left “{chosen.text}” as text.")
            return here
        bound = DecisionCandidateForm(request.POST, auto_id=_ids(chosen))
        if bound.is_valid():
            data = bound.cleaned_data
            decision = data["decision"]
            if accept_decision_candidate(
                chosen.section,
                line=chosen.line,
                was=chosen.was,
                decision=decision,
                by=request.user,
                expected_version=data["version"],
            ):
                title = chosen.title or "the section"
                messages.success(request, f"Recorded the decision “{decision.text}” in {title}.")
            else:
                messages.error(request, f"Someone saved {chosen.title or 'the section'} meanwhile: nothing recorded.")
            return here
        status = 400
    rows = [
        (
            line,
            bound
            if bound is not None and bound["key"].value() == line.key
            else DecisionCandidateForm(
                initial={"text": line.text, "version": line.section.version, "key": line.key, "seen": line.text},
                auto_id=_ids(line),
            ),
        )
        for line in offered
    ]
    return render(request, "meetings/decision_candidates.html", {"meeting": meeting, "rows": rows}, status=status)


def _ids(offered) -> str:
    """The ids of one line's form: unique on the page of many."""
    return "d-" + offered.key.replace(":", "-") + "-%s"
