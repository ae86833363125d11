"""What operators see: a request id on every log line of a request, JSON log lines on demand, Sentry when set.

Below the app (it imports nothing of meetings/), so that settings, gunicorn and
the middleware can all use it.
"""

import logging
import re
import uuid
from contextvars import ContextVar

import sentry_sdk

# The id of the request being served by this thread, "-" outside any request (commands, startup).
request_id: ContextVar[str] = ContextVar("request_id", default="-")

# An id from the proxy or load balancer is kept when it is a plain token: never a header that could
# forge log lines (newlines, quotes) or fill them.
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def incoming_request_id(value: str | None) -> str:
    """The id a request carries in X-Request-ID when it is usable, else a new one."""
    if value and _ACCEPTED_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log line of the request carries its id, and the response says it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = incoming_request_id(request.headers.get("X-Request-ID"))
        request.request_id = rid
        token = request_id.set(rid)
        sentry_sdk.set_tag("request_id", rid)  # a no-op unless SENTRY_DSN started Sentry
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class WebSocketRequestId:
    """ASGI middleware around the WebSocket routes, as RequestIdMiddleware around the pages: every log line of a
    connection carries its id, and the handshake's answer says it (so the server's access lines name it)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming_request_id(given)
        token = request_id.set(rid)  # the consumer runs in this task, and its database calls copy the context
        sentry_sdk.set_tag("request_id", rid)

        async def send_with_id(message):
            if message["type"] == "websocket.accept":
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so that any formatter may name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id.get()
        if rid == "-":
            # Django logs a 4xx/5xx answer ("Not Found: /x") after the middleware returned,
            # with the request on the record.
            rid = getattr(getattr(record, "request", None), "request_id", "-")
        record.request_id = rid
        return True


def logging_config(*, log_format: str, level: str) -> dict:
    """LOGGING for settings.py: JSON lines (one object per line) when log_format is "json", else plain text."""
    formatters = {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    if log_format not in formatters:
        raise ValueError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": formatters,
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["request_id"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint warns about every refused URL; our fetcher refuses on purpose.
            "weasyprint": {"level": "ERROR"},
            "fontTools": {"level": "ERROR"},
        },
    }


def start_sentry(dsn: str, *, environment: str, release: str, traces_sample_rate: float) -> bool:
    """Error reporting to Sentry, only when a DSN is given; never people's data (addresses, cookies, users)."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )
    return True
