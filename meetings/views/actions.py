"""Action items: recording one in a section, its outcome in a later meeting, and the committee's actions page."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .. import permissions
from ..forms.actions import ActionFilterForm, ActionForm, CandidateForm, OutcomeForm, owner_choices
from ..models import ActionItem
from ..queries.actions import committee_actions
from ..queries.candidates import meeting_candidates
from ..queries.minutes import section_anchor
from ..services.actions import accept_candidate, dismiss_candidate, record_action, record_outcome
from ..services.live import RoomError
from .lookup import check, get_committee, get_meeting, get_report, get_written_section
from .navigation import go_back, safe_next

PER_PAGE = 50


def actions_page(request, committee):
    committee = get_committee(committee)
    drafts = permissions.can_see_draft_actions(request.user, committee)
    # The committee knows its people by handle too; a reader is offered names only.
    form = ActionFilterForm(request.GET, committee=committee, public=not drafts)
    team = person = ""
    if form.is_valid():
        team, person = form.cleaned_data["team"], form.cleaned_data["person"]
    paginator = Paginator(committee_actions(committee, drafts=drafts, team=team, person=person), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = urlencode({name: value for name, value in (("team", team), ("person", person)) if value})
    return render(
        request,
        "meetings/actions.html",
        {"committee": committee, "form": form, "page": page, "filtered": bool(team or person), "query": query},
    )


@login_required
def item_action(request, committee, date, item):
    section = get_written_section(request, committee, date, item, allowed=permissions.can_record_action)
    back = f"{section.meeting.get_edit_url()}#{section_anchor(section.meeting, section)}"  # its section, not the top
    return _record(request, section, name=str(section), back=safe_next(request) or back)


@login_required
def report_action(request, committee, date, team):
    report = get_report(request, committee, date, team, allowed=permissions.can_record_action)
    return _record(
        request, report, name=f"the {report.team_name} report", back=safe_next(request) or report.get_edit_url()
    )


def _record(request, section, *, name: str, back: str):
    committee, amending = section.meeting.committee, section.meeting.is_published
    form = ActionForm(
        request.POST or None, initial={"version": section.version}, committee=committee, amending=amending
    )
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
            recorded = record_action(
                section, action=data["action"], by=request.user, expected_version=data["version"], reason=form.reason()
            )
        except RoomError as error:  # the section with the line would be a text the forms refuse
            form.add_error(None, str(error))
            return render(request, "meetings/action_new.html", context)
        if recorded:
            messages.success(request, f"Recorded the action in {name}.")
            return redirect(back)
        # Someone saved the section in between: the action is not recorded; it may no longer belong there.
        context["conflict"] = True
        context["form"] = ActionForm(
            initial={**data, "version": section.version}, committee=committee, amending=amending
        )
        return render(request, "meetings/action_new.html", context, status=409)
    return render(request, "meetings/action_new.html", context)


@login_required
def action_outcome(request, committee, date, action):
    meeting = get_meeting(request, committee, date)
    # Only an action listed in this meeting: open when it began.
    action = get_object_or_404(ActionItem.objects.open_at(meeting).select_related("meeting"), pk=action)
    if meeting.is_published and not action.meeting.is_published:
        raise Http404("No such action in these minutes.")
    check(permissions.can_record_outcome(request.user, action, meeting))
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record_outcome(action, meeting=meeting, outcome=data["outcome"], note=data["note"], by=request.user)
        label = dict(form.fields["outcome"].choices)[data["outcome"]]
        messages.success(request, f"Recorded the outcome of the action: {label}.")
        return go_back(request, f"{meeting.get_absolute_url()}#action-{action.pk}")  # My sections sends `next`
    status = 400 if request.method == "POST" else 200
    context = {"meeting": meeting, "action": action, "form": form, "next": safe_next(request)}
    return render(request, "meetings/action_outcome.html", context, status=status)


@login_required
def candidates(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_review_candidates)
    offered = meeting_candidates(meeting)
    owners = owner_choices(meeting.committee)
    here = redirect("meetings:action_candidates", meeting.committee.slug, meeting.date)
    bound, status = None, 200
    if request.method == "POST":
        key, seen = request.POST.get("key", ""), request.POST.get("seen", "")
        chosen = next((o for o in offered if o.key == key and o.text == seen), None)
        if chosen is None:
            messages.error(request, "That line has changed or was dealt with since; here are the lines as they stand.")
            return here
        if "dismiss" in request.POST:
            dismiss_candidate(meeting, anchor=chosen.anchor, text=chosen.text, by=request.user)
            messages.success(request, f"Left “{chosen.text}” as text.")
            return here
        bound = CandidateForm(request.POST, owners=owners, auto_id=_ids(chosen))
        if bound.is_valid():
            data = bound.cleaned_data
            action = data["action"]
            if accept_candidate(
                chosen.section,
                line=chosen.line,
                was=chosen.was,
                action=action,
                by=request.user,
                expected_version=data["version"],
            ):
                messages.success(request, f"Recorded the action “{action.text}” in {chosen.title or 'the section'}.")
            else:
                messages.error(request, f"Someone saved {chosen.title or 'the section'} meanwhile: nothing recorded.")
            return here
        status = 400
    rows = [
        (
            offered_line,
            bound
            if bound is not None and bound["key"].value() == offered_line.key
            else CandidateForm(
                initial={
                    "text": offered_line.text,
                    "version": offered_line.section.version,
                    "key": offered_line.key,
                    "seen": offered_line.text,
                },
                owners=owners,
                auto_id=_ids(offered_line),
            ),
        )
        for offered_line in offered
    ]
    return render(request, "meetings/action_candidates.html", {"meeting": meeting, "rows": rows}, status=status)


def _ids(offered) -> str:
    """The ids of one line's form: unique on the page of many."""
    return "c-" + offered.key.replace(":", "-") + "-%s"
