"""The dead letters: a committee's background work that failed on every attempt, and the button that retries it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import permissions
from ..models import FailedTask
from ..services.background import ATTEMPTS, NotATask, retry_failed
from .lookup import get_committee

SHOWN = 200  # the newest; older ones wait behind them (a committee rarely has more than a few)


@login_required
def failed_tasks(request, committee):
    committee = get_committee(committee, request, allowed=permissions.can_handle_failed_tasks)
    failed = list(FailedTask.objects.filter(committee=committee).waiting()[:SHOWN])
    return render(
        request,
        "meetings/failed_tasks.html",
        {"committee": committee, "failed": failed, "attempts": ATTEMPTS},
    )


@login_required
@require_POST
def retry_task(request, committee, pk):
    committee = get_committee(committee, request, allowed=permissions.can_handle_failed_tasks)
    failed = get_object_or_404(FailedTask, committee=committee, pk=pk)
    try:
        retry_failed(failed, by=request.user)
    except NotATask as error:
        messages.error(request, f"Cannot retry “{failed.description}”: {error}")
    else:
        messages.success(request, f"Retrying: {failed.description}.")
    return redirect("meetings:failed_tasks", committee.slug)
