"""The meeting's live room: every written section, a live editor where the user may write it, read-only elsewhere.

Each section keeps its meeting-page anchor, which is also its socket's last path segment (live/consumers.py).
Without JavaScript (or when the socket cannot connect) a writable section is a form, with its 409 on a stale save:
a report's posts to its edit page, a chair's section's to item_text here (its text alone: note-takers write it).
"""

from dataclasses import dataclass, field

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions
from ..format.choices import ItemKind
from ..forms.live import ItemTextForm, NoteTakersForm
from ..lib.diffing import diff_lines
from ..models import BacklogReport
from ..models.people import person_name
from ..queries.minutes import WrittenSection, section_anchor, written_sections
from ..services.live import merge_text
from .live_run import run_panel_context
from .lookup import get_meeting, get_written_section
from .navigation import go_back


@dataclass
class RoomSection:
    written: WrittenSection
    writable: bool
    form_url: str  # where the no-JavaScript form posts (a report's edit page, item_text); "" if not writable
    children: list["RoomSection"] = field(default_factory=list)  # the reports, under the backlog's heading

    @property
    def anchor(self) -> str:
        return self.written.anchor

    @property
    def is_report(self) -> bool:
        return isinstance(self.written.section, BacklogReport)


# The editor (CodeMirror) injects <style> elements: they carry this page's nonce; no other page allows one.
@csp_update({"style-src": [NONCE]})
def room(request, committee, date):
    meeting = get_meeting(request, committee, date)
    prefetch_related_objects(
        [meeting], "items", Prefetch("reports", queryset=BacklogReport.objects.select_related("team"))
    )
    user = request.user
    takes_notes = permissions.can_take_notes(user, meeting)
    editable = permissions.editable_reports(user, meeting)
    sections = _room_sections(meeting, takes_notes=takes_notes, editable=editable)
    naming = permissions.can_name_note_takers(user, meeting)
    context = {
        "meeting": meeting,
        "committee": meeting.committee,
        "sections": sections,
        "amending": meeting.is_published,
        "writes_any": takes_notes or bool(editable),
        "live_user": _label(user) if user.is_authenticated else "",
        "can_edit_meeting": permissions.can_edit_meeting(user, meeting),
        "note_takers": [_label(u) for u in meeting.note_takers.select_related("profile").order_by("username")]
        if naming
        else [],
        "note_form": _note_form(meeting) if naming else None,
        "room_url": reverse("meetings:meeting_live", args=[meeting.committee.slug, meeting.date]),
        **run_panel_context(meeting, user),
    }
    return render(request, "meetings/live/room.html", context)


@require_POST
@login_required
def note_takers(request, committee, date):
    meeting = get_meeting(request, committee, date, allowed=permissions.can_name_note_takers)
    form = _note_form(meeting, request.POST)
    if not form.is_valid():
        messages.error(request, "Note-takers not saved: " + " ".join(form.errors["note_takers"]))
    else:
        meeting.note_takers.set(form.cleaned_data["note_takers"])
        named = ", ".join(map(_label, form.cleaned_data["note_takers"]))
        messages.success(request, f"Note-takers: {named}." if named else "No note-takers: the chair writes alone.")
    return redirect(reverse("meetings:meeting_live", args=[meeting.committee.slug, meeting.date]) + "#note-takers")


# The thumbnail of a picture not yet uploaded is the picked file's blob: URL (static/js/editor-toolbar.js).
@csp_update({"img-src": ["blob:"]})
@login_required
def item_text(request, committee, date, item):
    """A chair's section's text alone: what the room's form posts without JavaScript, for its note-takers too.

    Its heading and label stay the chair's (chair.item_edit); the text merges into the room if one is open.
    """
    item = get_written_section(request, committee, date, item, allowed=permissions.can_write_item_text)
    meeting = item.meeting
    amending = meeting.is_published
    room = reverse("meetings:meeting_live", args=[meeting.committee.slug, meeting.date])
    back = f"{room}#{section_anchor(meeting, item)}"
    form = ItemTextForm(request.POST or None, initial={"body": item.body, "version": item.version}, amending=amending)
    context = {"meeting": meeting, "item": item, "form": form, "amending": amending, "back_url": back}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = merge_text(item, data["body"], by=request.user, expected_version=data["version"], reason=form.reason())
        if saved:
            messages.success(request, f"Saved “{item}”.")
            return go_back(request, back)
        # Someone wrote in between (in the room, most likely): the form keeps this user's text, on the new version.
        context["form"] = ItemTextForm(initial={**data, "version": item.version}, amending=amending)
        context["conflict"] = {"saved": item.body, "diff": diff_lines(item.body, data["body"], context=None)}
        return render(request, "meetings/live/item_text.html", context, status=409)
    return render(request, "meetings/live/item_text.html", context)


def _label(user) -> str:
    return person_name(user) or f"@{user.username}"


def _note_form(meeting, data=None) -> NoteTakersForm:
    people = permissions.committee_people(meeting.committee).select_related("profile").order_by("username")
    return NoteTakersForm(data, people=people, initial={"note_takers": list(meeting.note_takers.all())})


def _room_sections(meeting, *, takes_notes: bool, editable: set[int]) -> list[RoomSection]:
    """The sections' texts in the minutes' order, the reports nested under the backlog's item as on the page."""
    slug, day = meeting.committee.slug, meeting.date
    top: list[RoomSection] = []
    for written in written_sections(meeting):
        section = written.section
        if written.field != "body":
            continue  # the backlog's footnote: no room of its own (the sockets serve bodies)
        if isinstance(section, BacklogReport):
            section.meeting = meeting
            writable = section.pk in editable
            url = reverse("meetings:report_edit", args=[slug, day, section.team.slug]) if writable else ""
            entry = RoomSection(written, writable, url)
            parent = next((s for s in reversed(top) if s.written.section.kind == ItemKind.BACKLOG), None)
            (parent.children if parent else top).append(entry)
        else:
            url = reverse("meetings:live_item_text", args=[slug, day, section.pk]) if takes_notes else ""
            top.append(RoomSection(written, takes_notes, url))
    return top
