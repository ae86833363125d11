"""Personal access tokens on API requests (`Authorization: Bearer pmc_…`), and every request counted.

`guarded` wraps every view under /api/, the documents and the 404s too: a
present but wrong Authorization header is a 401 wherever it is sent, and no
request goes uncounted. The endpoints' `auth` then only reads what it found.
"""

from datetime import timedelta
from functools import wraps

from django.utils import timezone
from ninja.security import HttpBearer

from ..models import ApiToken
from ..throttling import api_retry_after, client_ip
from .problems import Problem, problem_response

# Writing the time of use on every request would double the writes of a busy bot.
TOUCH_EVERY = timedelta(minutes=1)
# Requests that change nothing: counted per token or address, and while the shared cache is out they pass
# uncounted (meetings/throttling.py). Any other method is a write, counted per account.
READS = frozenset({"GET", "HEAD", "OPTIONS"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def token_of(request) -> ApiToken | None:
    """The live token the Authorization header names, None without the header; raises a 401 for any other header.

    A header that names no live token (garbage, revoked, its account
    deactivated, another scheme) is refused even where no token is needed: a
    client that believes it sends one must learn that it does not.
    """
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Problem(401, "Send a personal access token as Authorization: Bearer pmc_…", headers=CHALLENGE)
    try:
        return ApiToken.objects.for_secret(secret.strip())
    except ApiToken.DoesNotExist:
        raise Problem(401, "This token is unknown or was revoked.", headers=CHALLENGE) from None


def _throttle(who: str, *, write: bool) -> None:
    retry_after = api_retry_after(who, write=write)
    if retry_after is not None:
        whose = "this account" if write else "this token" if who.startswith("token:") else "this address"
        raise Problem(
            429,
            f"Too many requests from {whose}; try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


def _authenticate(request) -> ApiToken | None:
    """The request's token, after counting the request: writes per account, reads per token or address."""
    address = f"address:{client_ip(request)}"
    try:
        token = token_of(request)
    except Problem:
        _throttle(address, write=False)  # guessing tokens costs requests too
        raise
    if token is None:
        _throttle(address, write=False)  # without a token nothing is written: 401 at most
    elif request.method in READS:
        _throttle(f"token:{token.pk}", write=False)
    else:
        _throttle(f"account:{token.user_id}", write=True)
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # Lookups and permissions ask about the token's account, as the pages ask about the signed-in one.
        request.user = token.user
    return token


def guarded(view):
    """Wrap a view under /api/: the token checked and the request counted before it runs."""

    @wraps(view)  # keeps its csrf_exempt: the API's writes are authorized by a header token, never a cookie
    def wrapper(request, *args, **kwargs):
        try:
            request.api_token = _authenticate(request)
        except Problem as refusal:
            return problem_response(refusal.status, refusal.detail, headers=refusal.headers, **refusal.extra)
        return view(request, *args, **kwargs)

    return wrapper


class TokenAuth(HttpBearer):
    """The token `guarded` found; documented as the API's bearer scheme."""

    def __call__(self, request) -> ApiToken | None:
        return getattr(request, "api_token", None)

    def authenticate(self, request, token: str) -> ApiToken | None:
        return getattr(request, "api_token", None)  # never asked: __call__ answers


def anonymous(request) -> bool:
    """Let a request without a token through to a public endpoint (a wrong one never gets here)."""
    return True


token_required = [TokenAuth()]
token_optional = [TokenAuth(), anonymous]
