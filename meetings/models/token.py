"""Personal access tokens: how a team's bot or a dashboard writes through the API (meetings/api/)."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction

PREFIX = "pmc_"  # says what the secret is when it turns up in a log or a leaked file


class TokenScope(models.TextChoices):
    REPORT = "report", "Write my team reports"
    CHAIR = "chair", "Chair: everything the site lets me write through the API"


class TokenLimitReached(Exception):
    """The account already holds the most live tokens one may (`PMC_API_TOKENS_PER_ACCOUNT`)."""


class ApiTokenQuerySet(models.QuerySet):
    @transaction.atomic
    def issue(self, user, *, name: str, scope: str) -> tuple["ApiToken", str]:
        """A new token and its secret, which is shown once and never stored; raises TokenLimitReached at the cap.

        The API's write limit counts per account; the cap keeps the number of
        tokens, and so what one account can spread its reads over, bounded.
        """
        # The account's row locked: two requests at once cannot both take the last place.
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        limit = settings.PMC_API_TOKENS_PER_ACCOUNT
        if ApiToken.objects.filter(user=user).count() >= limit:
            raise TokenLimitReached(
                f"You have {limit} tokens, the most one account may hold: revoke one to create another."
            )
        secret = ApiToken.new_secret()
        token = self.create(user=user, name=name, scope=scope, digest=ApiToken.digest_of(secret), hint=secret[:8])
        return token, secret

    def for_secret(self, secret: str) -> "ApiToken":
        """The token with that secret, and its user; raises DoesNotExist otherwise."""
        return self.select_related("user").get(digest=ApiToken.digest_of(secret), user__is_active=True)


class ApiToken(models.Model):
    """A secret its owner sees once; only its SHA-256 is kept.

    The secret has 256 random bits, so a fast hash is enough: there is nothing
    to guess from it, unlike a password.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “Diego's CI”.")
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.REPORT)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The secret's first characters, to recognise it by.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return PREFIX + secrets.token_urlsafe(32)
