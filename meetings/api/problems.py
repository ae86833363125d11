"""Every error of the API in one shape: `application/problem+json` (RFC 9457).

`{"type", "title", "status", "detail"}`, plus what a client needs to act
(`errors` for bad input, `current` for a lost race). Bad input of any kind is
a 4xx problem, never a 500.
"""

import json
from functools import wraps

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    412: "Precondition failed",
    413: "Request body too large",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal error",
}
# What a refusal that Django made before the API saw the request (or a crash) says in a problem.
GENERIC_DETAILS = {
    400: "The request cannot be read as sent (its Host, headers or encoding).",
    403: "Refused.",
    404: "No such API endpoint; see /api/v1/docs.",
    500: "Something went wrong on our side; it has been logged.",
}
# A refusal's headers that the client acts on, kept when its body becomes a problem.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class Problem(Exception):
    """Raised anywhere below an endpoint: the API answers with it."""

    def __init__(self, status: int, detail: str, *, headers: dict | None = None, **extra):
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra


def problem_response(status: int, detail: str, *, headers: dict | None = None, **extra) -> HttpResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **extra}
    response = HttpResponse(json.dumps(body, default=str), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "private, no-store"
    return response


def _validation_errors(errors: list[dict]) -> list[dict]:
    """Pydantic's errors without their `input` and `ctx`: an echo of a huge body helps nobody."""
    return [{"loc": list(error.get("loc", [])), "msg": error.get("msg", "")} for error in errors]


def install(api: NinjaAPI) -> None:
    """Answer every exception an endpoint may raise on bad input with a problem."""

    @api.exception_handler(Problem)
    def on_problem(request, exc: Problem):
        return problem_response(exc.status, exc.detail, headers=exc.headers, **exc.extra)

    @api.exception_handler(ValidationError)
    def on_invalid(request, exc: ValidationError):
        return problem_response(422, "The request does not match the schema.", errors=_validation_errors(exc.errors))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc: AuthenticationError):
        detail = str(exc) if str(exc) != "Unauthorized" else "Send a personal access token: Authorization: Bearer …"
        return problem_response(401, detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return problem_response(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        return problem_response(404, str(exc) or "Nothing here.")

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc: PermissionDenied):
        return problem_response(403, str(exc) or "The permissions of this token's account do not allow this.")

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc: RequestDataTooBig):
        return problem_response(413, "The request body is over the size this site accepts.")

    @api.exception_handler(TooManyFieldsSent)
    def on_too_many_fields(request, exc: TooManyFieldsSent):
        return problem_response(400, "Too many fields.")


def problems_under_api(get_response):
    """Middleware: any error under /api/ that is not a problem yet (Django's 400, CSRF 403, 404, 500 pages) becomes one.

    The API's own views answer with problems; this is for what refuses a
    request before them or around them, so that the API's promise holds whatever refused it.
    """

    def middleware(request):
        response = get_response(request)
        if (
            request.path_info.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(CONTENT_TYPE)
        ):
            status = response.status_code
            kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            return problem_response(status, GENERIC_DETAILS.get(status, TITLES.get(status, "Error")), headers=kept)
        return response

    return middleware


def with_method_problems(view):
    """Wrap one of django-ninja's path views: its plain-text 405 for a method no endpoint has becomes a problem."""

    @wraps(view)  # keeps its csrf_exempt: the API's writes are authorized by a header token, never a cookie
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(CONTENT_TYPE):
            allowed = response.get("Allow", "")
            return problem_response(405, f"This address answers {allowed}.", headers={"Allow": allowed})
        return response

    return wrapper
