"""People around a committee's meetings: their profiles, invitations to lead, reminders sent, attendance."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac

# What the public reads where someone has no name of their own: a username is never shown.
NAMELESS = "a member"


class Profile(models.Model):
    """What an account tells about its person: the name the minutes use and where they work."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=200, blank=True, help_text="Your name as the minutes write it.")
    affiliation = models.CharField(max_length=200, blank=True, help_text="Your company or organisation.")

    def __str__(self) -> str:
        return self.display_name or str(self.user)


def person_name(user) -> str:
    """The person's own name: the profile's display name, else the account's full name; "" when neither is set."""
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        profile = None
    return (profile.display_name.strip() if profile else "") or user.get_full_name().strip()


def public_name(user) -> str:
    """The name shown to the public: the person's own, else “a member” (never the username)."""
    return person_name(user) or NAMELESS


def member_name(user) -> str:
    """The name the committee's own pages show (history, questions): the person's own, else their handle (“@lead-y”).

    Its chairs and leads must tell who did what; “a member” is for the public only.
    """
    return person_name(user) or f"@{user.get_username()}"


def affiliation_of(user) -> str:
    try:
        return user.profile.affiliation
    except Profile.DoesNotExist:
        return ""


class InvitationQuerySet(models.QuerySet):
    def for_token(self, token: str) -> "Invitation":
        """The invitation whose link carries `token`; raises DoesNotExist otherwise."""
        return self.get(digest=Invitation.digest_of(token))


class Invitation(models.Model):
    """A one-time sign-up link that makes an account and attaches it as a lead (or chair).

    Only the SHA-256 of the link's token is kept, as for an API token, so the
    table (or a backup of it) opens no invitation. The token is an HMAC of a
    random nonce under SECRET_KEY: the e-mail, sent later by a background task
    and retried, makes the same link again without the token ever being stored.
    """

    committee = models.ForeignKey("meetings.Committee", on_delete=models.CASCADE, related_name="invitations")
    team = models.ForeignKey(
        "meetings.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations",
        help_text="The team to lead; empty for an invitation to chair the committee.",
    )  # fmt: skip
    email = models.EmailField()
    digest = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64, blank=True)  # empty: a link made before 0020, which cannot be made again
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.team or self.committee}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def new_link(self) -> str:
        """A new nonce and its digest on this (unsaved) row; the token its link carries."""
        self.nonce = secrets.token_urlsafe(32)
        token = self.token_with(settings.SECRET_KEY)
        self.digest = self.digest_of(token)
        return token

    def token_with(self, key: str) -> str:
        return salted_hmac("meetings.invitation.link", self.nonce, secret=key, algorithm="sha256").hexdigest()

    def link_token(self) -> str | None:
        """The token of this row's link, made again under SECRET_KEY or a fallback; None if no key makes it."""
        if self.nonce:
            for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
                if self.digest_of(token := self.token_with(key)) == self.digest:
                    return token
        return None


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", "reminder"
    FINAL_CALL = "final_call", "final call"


class ReminderSent(models.Model):
    """A reminder e-mailed to a lead for a meeting: never the same kind twice (a reminder, then a final call)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices, default=ReminderKind.REMINDER)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user", "kind"], name="one_reminder_kind_per_lead_per_meeting")
        ]

    def __str__(self) -> str:
        return f"reminder to {self.user} for {self.meeting}"


class Attendee(models.Model):
    """Someone who came to the meeting: an account, or a name with an affiliation."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "name"], name="one_attendee_name_per_meeting")]

    def __str__(self) -> str:
        return f"{self.name}, {self.affiliation}" if self.affiliation else self.name


class HandleClaim(models.Model):
    """The GitHub account that first signed in as a handle on a team's roster, which holds the handle from then on.

    A GitHub login can be renamed and registered again by someone else; the
    numeric id (allauth's SocialAccount.uid) cannot. A later sign-in as the
    handle with another id is refused, and the last refusal kept for the
    chair to see on the roster. The claim goes when the handle leaves the
    roster, so a chair gives a handle to someone new by removing and adding it.
    """

    team = models.ForeignKey("meetings.Team", on_delete=models.CASCADE, related_name="handle_claims")
    handle = models.CharField(max_length=39)  # case-folded, without “@”
    github_id = models.CharField(max_length=191)  # GitHub's numeric user id, as allauth keeps it (uid)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField(auto_now_add=True)
    refused_github_id = models.CharField(max_length=191, blank=True)
    refused_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "handle"], name="one_claim_per_handle_per_team")]

    def __str__(self) -> str:
        return f"@{self.handle} of {self.team}: GitHub user {self.github_id}"
