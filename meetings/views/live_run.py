"""The chair runs the meeting in the live room: start, the current section, end; attendance; decisions and actions
recorded in a section. Plain POSTs that come back to the room (`#anchor`), and JSON for run.js's fetch."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import permissions
from ..forms.actions import owner_choices
from ..forms.live_run import AttendanceToggleForm, CurrentSectionForm, LiveActionForm, LiveDecisionForm
from ..models import BacklogReport, Meeting
from ..queries.live_run import Clock, RunState, attendance_people, find_section, run_state
from ..services.meeting_run import (
    RunError,
    end_meeting,
    record_action_now,
    record_decision_now,
    set_attendance,
    set_current_section,
    start_meeting,
)
from .lookup import check, get_meeting


def room_url(meeting: Meeting, anchor: str = "") -> str:
    """The live room of the meeting (views/live.py), at a section."""
    return meeting.get_absolute_url() + "live/" + (f"#{anchor}" if anchor else "")


def _urls(meeting: Meeting) -> dict[str, str]:
    args = [meeting.committee.slug, meeting.date]
    names = ("start", "current", "end", "attendance", "state")
    return {name: reverse(f"meetings:run_{name}", args=args) for name in names}


@dataclass
class SectionTools:
    """What _section_tools.html shows for one section: its clock, and the forms the user may use there."""

    clock: Clock
    decision_form: LiveDecisionForm | None = None
    action_form: LiveActionForm | None = None
    decision_url: str = ""
    action_url: str = ""


@dataclass
class RunPanel:
    """The context of _run_panel.html and _section_tools.html (as `run`)."""

    meeting: Meeting
    state: RunState
    may_run: bool
    may_take_attendance: bool
    urls: dict[str, str]
    people: list = field(default_factory=list)  # attendance_people, for those who take attendance
    present: list = field(default_factory=list)  # names, for the others
    tools: dict[str, SectionTools] = field(default_factory=dict)

    @property
    def current(self) -> Clock | None:
        return self.state.current

    @property
    def next_section(self) -> Clock | None:
        return self.state.next_after(self.state.current)

    @property
    def publish_url(self) -> str:
        return reverse("meetings:meeting_publish", args=[self.meeting.committee.slug, self.meeting.date])


def run_panel_context(meeting: Meeting, user) -> dict:
    """Template context for templates/meetings/live/_run_panel.html and _section_tools.html: {"run": RunPanel}."""
    state = run_state(meeting)
    may_take_attendance = permissions.can_record_attendance(user, meeting)
    panel = RunPanel(
        meeting=meeting,
        state=state,
        may_run=permissions.can_run_meeting(user, meeting),
        may_take_attendance=may_take_attendance,
        urls=_urls(meeting),
    )
    if may_take_attendance:
        panel.people = attendance_people(meeting)
    else:
        panel.present = [str(row) for row in meeting.attendees.all()]
    in_items, in_reports = permissions.recording_sections(user, meeting)
    owners = owner_choices(meeting.committee) if in_items or in_reports else None
    amending = meeting.is_published
    for clock in state.clocks:
        tools = panel.tools[clock.anchor] = SectionTools(clock=clock)
        kind, pk = clock.key
        if in_items if kind == "item" else pk in in_reports:
            args = [meeting.committee.slug, meeting.date, clock.anchor]
            tools.decision_url = reverse("meetings:run_decision", args=args)
            tools.action_url = reverse("meetings:run_action", args=args)
            tools.decision_form = LiveDecisionForm(amending=amending, auto_id=f"id_{clock.anchor}_decision_%s")
            tools.action_form = LiveActionForm(
                amending=amending, committee=meeting.committee, owners=owners, auto_id=f"id_{clock.anchor}_action_%s"
            )
    return {"run": panel}


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _done(request, meeting: Meeting, message: str, *, anchor: str = "", payload: dict | None = None):
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message, **(payload or {})})
    messages.success(request, message)
    return redirect(room_url(meeting, anchor))


def _refused(request, meeting: Meeting, message: str, *, anchor: str = ""):
    """A change that cannot be made: its reason, in the room (or as JSON with a 400)."""
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=400)
    messages.error(request, message)
    return redirect(room_url(meeting, anchor))


def _first_error(form) -> str:
    return next(iter(error for errors in form.errors.values() for error in errors), "Check the form.")


@never_cache
@require_GET
def run_state_json(request, committee, date):
    """The run as the room's followers receive it: for run.js on a page that cannot know it (the cached minutes)."""
    meeting = get_meeting(request, committee, date)
    return JsonResponse(run_state(meeting).event())


@login_required
@require_POST
def run_start(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_run_meeting)
    start_meeting(meeting, by=request.user)
    return _done(request, meeting, "The meeting has started.", payload=run_state(meeting).event())


@login_required
@require_POST
def run_current(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_run_meeting)
    state = run_state(meeting)
    form = CurrentSectionForm(request.POST, anchors=[clock.anchor for clock in state.clocks])
    if not form.is_valid():
        return _refused(request, meeting, _first_error(form))
    anchor = form.cleaned_data["section"]
    try:
        set_current_section(meeting, state.section(anchor), by=request.user)
    except RunError as error:
        return _refused(request, meeting, str(error), anchor=anchor)
    state = run_state(meeting)
    return _done(request, meeting, f"Now discussing {state.current.title}.", anchor=anchor, payload=state.event())


@login_required
@require_POST
def run_end(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_run_meeting)
    try:
        end_meeting(meeting, by=request.user)
    except RunError as error:
        return _refused(request, meeting, str(error))
    publish = reverse("meetings:meeting_publish", args=[meeting.committee.slug, meeting.date])
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": "The meeting has ended.", "redirect": publish})
    messages.success(request, "The meeting has ended: review the minutes, then publish them.")
    return redirect(publish)


@login_required
@require_POST
def run_attendance(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_record_attendance)
    form = AttendanceToggleForm(request.POST, people=attendance_people(meeting))
    if not form.is_valid():
        return _refused(request, meeting, _first_error(form), anchor="run-attendance")
    person, present = form.cleaned_data["person"], form.cleaned_data["present"]
    try:
        saved = set_attendance(meeting, person=person, present=present, by=request.user)
    except RunError as error:
        return _refused(request, meeting, str(error), anchor="run-attendance")
    message = f"{person.name} is {'present' if present else 'not listed as present'}."
    names = [row.name for row in saved]
    return _done(request, meeting, message, anchor="run-attendance", payload={"attendees": names})


@login_required
@require_POST
def run_decision(request, committee, date, anchor):
    return _record_line(request, committee, date, anchor, what="decision")


@login_required
@require_POST
def run_action(request, committee, date, anchor):
    return _record_line(request, committee, date, anchor, what="action")


def _record_line(request, committee, date, anchor: str, *, what: str):
    meeting = get_meeting(request, committee, date)
    section = find_section(meeting, anchor)
    if section is None:
        raise Http404("No such section in these minutes.")
    deciding = what == "decision"
    check((permissions.can_record_decision if deciding else permissions.can_record_action)(request.user, section))
    amending = meeting.is_published
    if deciding:
        form = LiveDecisionForm(request.POST, amending=amending)
    else:
        form = LiveActionForm(request.POST, amending=amending, committee=meeting.committee)
    name = f"the {section.team_name} report" if isinstance(section, BacklogReport) else str(section)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if deciding:
                record_decision_now(section, decision=data["decision"], by=request.user, reason=form.reason())
            else:
                record_action_now(section, action=data["action"], by=request.user, reason=form.reason())
        except RunError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, meeting, f"Recorded the {what} in {name}.", anchor=anchor)
    if _wants_json(request):
        errors = {key: [str(error) for error in value] for key, value in form.errors.items()}
        return JsonResponse({"ok": False, "message": _first_error(form), "errors": errors}, status=400)
    # Without JavaScript: the page of the form, with what was typed and why it was refused, coming back to the room.
    context = {"meeting": meeting, "section": section, "name": name, "back": room_url(meeting, anchor), "form": form}
    return render(request, f"meetings/{what}_new.html", {**context, "amending": amending}, status=400)
