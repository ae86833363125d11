"""gunicorn's settings for production: the Procfile's `gunicorn --worker-class pmc_minutes.workers.AsgiWorker
pmc_minutes.asgi:application` reads this file from the current folder (as `gunicorn pmc_minutes.wsgi` does).

Options given on the command line win over these (bench/harness.py passes its own bind and workers).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Under WSGI only (the ASGI worker is one event loop, its sync views run in a thread pool):
# GUNICORN_THREADS > 1 gives gthread workers: a reader's request is served beside a burst of PDF requests rather
# than queued behind them (bench j: 2.2x the idle p95 against 4.1x with sync workers). Not the default: a thread
# stuck in a request is not killed by `timeout` as a sync worker is, and the PDF renderer is forked from a worker.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# Longer than the slowest work a request may do (an ASGI worker's loop tells gunicorn it is alive between requests,
# so a WebSocket open for hours is no silent worker): typesetting a PDF is stopped
# after PMC_PDF_TIMEOUT_SECONDS (20), and building its HTML comes before that.
# A worker silent for longer is stuck: gunicorn kills it and starts another.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (a deploy, a scale-down) or a recycling below, a worker stops accepting, closes its WebSockets with
# 1012 (clients reconnect, to another worker), each live room saves as its last connection leaves and the rest on
# the lifespan's shutdown: well within this. A worker still busy then is killed:
# the live room's log (written every 200 ms) has what its rooms held.
graceful_timeout = 30

# Recycle each worker after about a thousand requests: a second line of defence
# against memory that a renderer (cmark, WeasyPrint's caches, a fragmented heap
# after a hostile document) keeps and never returns. The jitter spreads the
# restarts, so that the workers never all restart at the same moment. Only HTTP requests count (uvicorn's
# limit_max_requests), not WebSocket messages; a recycled worker drains its sockets as on SIGTERM above.
max_requests = 1000
max_requests_jitter = 100


def post_worker_init(worker):
    """Load WeasyPrint's fonts and the print stylesheet as each worker starts (the app is loaded by then).

    Otherwise the first PDF a worker typesets pays for it, in the request and
    at full priority, while the render itself runs niced in a child.
    """
    # Imported here: Django is set up only once the worker has loaded the app.
    from meetings.pdf import warm_up

    warm_up()


# Each access line names the request id the app answered with (X-Request-ID: the proxy's, or one the app
# made), so that it joins the app's own lines of that request; the ASGI worker writes them in this format
# (pmc_minutes/workers.py), a WebSocket's followed by its state. Access lines are written when
# --access-logfile (or GUNICORN_ACCESS_LOG, e.g. "-" for stdout) names a destination.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'

# LOG_FORMAT=json: gunicorn's own lines are JSON objects too, like the app's (pmc_minutes/observability.py).
if os.environ.get("LOG_FORMAT") == "json":
    _json = {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": _json},
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        # gunicorn's defaults are merged key by key: the root must not name their "console" handler.
        "root": {"level": "WARNING", "handlers": []},
        "loggers": {
            "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
