"""Invitation links: the page the invited person opens, and a chair withdrawing one."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms.invitations import InvitationSignUpForm
from ..models import Invitation
from ..services import invitations
from .accounts import allows_provider_redirects, signin_providers
from .lookup import get_committee


@allows_provider_redirects
def invitation(request, token):
    """Sign up (or take the account signed in) and join as the invitation says."""
    try:
        invitation = Invitation.objects.select_related("committee", "team").for_token(token)
    except Invitation.DoesNotExist:
        return render(request, "registration/invitation_invalid.html", status=404)
    if not invitations.is_pending(invitation):
        return _unavailable(request, invitation, invitations.why_unavailable(invitation))
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                invitations.accept(invitation, request.user)
            except invitations.InvitationUnavailable as error:
                return _unavailable(request, invitation, str(error))
            return _welcome(request, invitation)
    elif settings.PMC_PASSWORD_SIGNIN:
        # Or sign in with GitHub (or the OIDC provider) below and come back here to accept.
        form = InvitationSignUpForm(request.POST or None, invitation=invitation)
        if request.method == "POST" and form.is_valid():
            try:
                user = invitations.sign_up_and_accept(invitation, form)
            except invitations.InvitationUnavailable as error:
                return _unavailable(request, invitation, str(error))
            except IntegrityError:  # the same username taken a moment before
                form.add_error("username", "That username was just taken; choose another.")
            else:
                # Named because sign-in throttling adds a second backend (settings.AUTHENTICATION_BACKENDS).
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return _welcome(request, invitation)
    return render(
        request,
        "registration/invitation.html",
        {
            "invitation": invitation,
            "role": invitations.role_of(invitation),
            "form": form,
            "providers": signin_providers(request),
            "password_signin": settings.PMC_PASSWORD_SIGNIN,
            "next": request.path,
        },
    )


def _unavailable(request, invitation: Invitation, reason: str):
    # 410 Gone: the link existed and will never work again.
    return render(
        request,
        "registration/invitation_unavailable.html",
        {"invitation": invitation, "reason": reason},
        status=410,
    )


def _welcome(request, invitation: Invitation):
    messages.success(request, f"Welcome! You now {invitations.role_of(invitation)}.")
    if invitation.team is None:
        return redirect(invitation.committee.get_absolute_url())
    return redirect("meetings:my_sections")


@require_POST
@login_required
def invitation_revoke(request, committee, pk):
    committee = get_committee(committee, request, allowed=permissions.can_manage_committee)
    invitation = get_object_or_404(committee.invitations, pk=pk)
    if invitations.revoke(invitation):
        messages.success(request, f"Withdrew the invitation of {invitation.email}; its link no longer works.")
    else:
        messages.error(request, f"{invitation.email} had already used the invitation; it cannot be withdrawn.")
    return redirect("meetings:roster", committee.slug)
