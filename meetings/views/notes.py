"""Private notes of a section: written by the chair and the team's leads, read by the committee's chairs and leads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms.notes import PrivateNoteForm
from ..models import AgendaItem
from ..services.notes import save_private_note
from .lookup import check, get_meeting, get_report


@require_POST
@login_required
def report_note(request, committee, date, team):
    report = get_report(request, committee, date, team, allowed=permissions.can_write_report_note)
    _save(request, report)
    return redirect(report.get_edit_url())


@require_POST
@login_required
def item_note(request, committee, date, item):
    meeting = get_meeting(request, committee, date)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__committee"), meeting=meeting, pk=item)
    check(permissions.can_write_item_note(request.user, item))
    _save(request, item)
    return redirect("meetings:item_edit", meeting.committee.slug, meeting.date, item.pk)


def _save(request, section) -> None:
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        save_private_note(section, note=form.cleaned_data["private_note"])
        messages.success(request, "Saved the private note.")
    else:
        messages.error(request, " ".join(form.errors.get("private_note", ["The note could not be saved."])))
