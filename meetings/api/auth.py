"""Personal access tokens on API requests: `Authorization: Bearer pmc_…`, counted per token."""

from datetime import timedelta

from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from ..models import ApiToken
from ..throttling import api_retry_after
from .problems import Problem

# Writing the time of use on every request would double the writes of a busy bot.
TOUCH_EVERY = timedelta(minutes=1)
# Requests that change nothing: while the shared cache is out they pass uncounted (meetings/throttling.py).
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """The token's account becomes `request.user`, so lookups and permissions ask about it as the pages do."""

    def authenticate(self, request, token: str) -> ApiToken:
        try:
            api_token = ApiToken.objects.for_secret(token)
        except ApiToken.DoesNotExist:
            raise AuthenticationError(401, "This token is unknown or was revoked.") from None
        retry_after = api_retry_after(api_token.pk, write=request.method not in READS)
        if retry_after is not None:
            raise Problem(
                429,
                f"This token made too many requests; try again in {retry_after} s.",
                headers={"Retry-After": str(retry_after)},
            )
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token


def anonymous(request) -> bool:
    """Let a request without a token through to a public endpoint (a wrong token is still refused)."""
    return True


token_required = [TokenAuth()]
token_optional = [TokenAuth(), anonymous]
