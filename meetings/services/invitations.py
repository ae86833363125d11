"""Invitations: a chair invites someone by e-mail to lead a team or to co-chair.

The e-mail carries a one-time link; opening it makes an account (or takes the
visitor's own) and attaches it to the team or the committee. A link works once
and only until it expires, however many people use it at the same moment.
The e-mail is a background task (services/background.py): retried when the
mail server fails, then listed among the committee's failed tasks, while the
roster shows the invitation pending (revoke it, or invite again).
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..models import Committee, Invitation, Team, person_name
from .background import background_task, enqueue_on_commit
from .notifications import absolute_url
from .roster import update_open_reports


class InvitationUnavailable(Exception):
    """The link was used already, or has expired."""


def is_pending(invitation: Invitation) -> bool:
    return invitation.used_at is None and invitation.expires_at > timezone.now()


def why_unavailable(invitation: Invitation) -> str:
    """What the visitor of a link that no longer works is told."""
    if invitation.used_at is not None:
        return "This invitation link was already used."
    expired = timezone.localtime(invitation.expires_at)
    return f"This invitation link expired on {expired:%d %B %Y at %H:%M %Z}."


def role_of(invitation: Invitation) -> str:
    """What the invitation makes of its guest, in words: “lead Diego” or “co-chair the Runtime PMC”."""
    if invitation.team is not None:
        return f"lead {invitation.team.name} in the {invitation.committee.name} PMC"
    return f"co-chair the {invitation.committee.name} PMC"


def link_path(invitation: Invitation) -> str:
    """The path of the invitation's link; LookupError when no key this site has makes it again."""
    if (token := invitation.link_token()) is None:
        raise LookupError(f"The link of {invitation} cannot be made again: send a new one.")
    return reverse("meetings:invitation", args=[token])


def _renew_link(invitation: Invitation) -> None:
    """A new link for an invitation whose own cannot be made again (made before 0020, or under a key gone since)."""
    invitation.new_link()
    invitation.save(update_fields=["nonce", "digest"])


def invite(committee: Committee, email: str, *, team: Team | None = None, by=None, request=None) -> Invitation:
    """Make an invitation; its link is e-mailed once it is saved."""
    invitation = Invitation(
        committee=committee,
        team=team,
        email=email,
        created_by=by if by is not None and by.is_authenticated else None,
        expires_at=timezone.now() + timedelta(days=settings.PMC_INVITATION_DAYS),
    )
    invitation.new_link()  # the token itself goes in the e-mail only
    invitation.save()
    enqueue_on_commit(send_invitation, invitation.pk)
    return invitation


def _describe_invitation(invitation_id: int) -> tuple[str, int]:
    invitation = Invitation.objects.select_related("committee", "team").get(pk=invitation_id)
    return f"Invitation to {invitation.email} to {role_of(invitation)}", invitation.committee_id


@background_task(describe=_describe_invitation)
def send_invitation(invitation_id: int) -> bool:
    """E-mail the invitation's link; False when it was revoked, used or expired before it went."""
    invitation = Invitation.objects.select_related("committee", "team", "created_by").filter(pk=invitation_id).first()
    if invitation is None or not is_pending(invitation):
        return False
    if invitation.link_token() is None:
        # Not delivered before (this task failed): a new link lets it go out rather than fail forever.
        _renew_link(invitation)
    # From PMC_SITE_URL even within a request: a forged Host must not become the link in the e-mail.
    link = absolute_url(link_path(invitation))
    # The inviter by name, never by username: without one, the e-mail says who invites by role.
    by = invitation.created_by
    inviter = person_name(by) if by is not None else ""
    context = {"invitation": invitation, "link": link, "role": role_of(invitation), "inviter": inviter}
    send_mail(
        f"Invitation to {role_of(invitation)}",
        render_to_string("emails/invitation.txt", context),
        None,  # DEFAULT_FROM_EMAIL
        [invitation.email],
    )
    return True


def accept(invitation: Invitation, user) -> None:
    """Attach the account as the invitation says and mark the link used; at most once.

    The claim is a conditional UPDATE, so of two simultaneous accepts exactly
    one succeeds; the other raises InvitationUnavailable, and its transaction
    (an account made for it, say) is rolled back by the caller's atomic block.
    """
    with transaction.atomic():
        now = timezone.now()
        claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now, used_by=user
        )
        invitation.refresh_from_db()
        if not claimed:
            raise InvitationUnavailable(why_unavailable(invitation))
        team = invitation.team
        if team is None:
            invitation.committee.chairs.add(user)
        else:
            team.leads.add(user)
            update_open_reports(team)  # the drafts' empty sections name the new lead


def sign_up_and_accept(invitation: Invitation, form):
    """Make the account of a sign-up form and accept the invitation with it, both or neither."""
    with transaction.atomic():
        user = form.save()
        accept(invitation, user)
    return user


def revoke(invitation: Invitation) -> bool:
    """Withdraw an invitation not used yet: its link then leads nowhere. False if it was used."""
    deleted, _ = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).delete()
    return bool(deleted)
