"""Settings for PMC Minutes, read from the environment.

Defaults are safe for development only: with DEBUG off the app refuses to
start without a SECRET_KEY. See README.md for every variable.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from pmc_minutes.cloudfoundry import service_url
from pmc_minutes.observability import logging_config, start_sentry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is convenient in development; the real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 (dev only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First: its runserver serves HTTP and the live room's WebSockets (pmc_minutes/asgi.py) in development.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "markdownx",
    "axes",
    "csp",
    "ninja",  # its Swagger UI files, served from our own static files (the CSP allows no CDN)
    "channels",
    "django_tasks",
    "django_tasks_db",
    # Sign-in with GitHub and OpenID Connect (django-allauth; see "Signing in" in README.md).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.openid_connect",
    "meetings",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id (X-Request-ID, kept from the proxy or made here).
    "pmc_minutes.observability.RequestIdMiddleware",
    # Before Django's own: a load balancer's probe is never redirected, refused for its Host or cached.
    "pmc_minutes.health.HealthCheckMiddleware",
    # Around the rest: whatever refuses a request under /api/ (a Host, CSRF, a crash), the answer is a problem.
    "meetings.api.problems.problems_under_api",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in users' pages: private, never stored, unless a view said otherwise.
    "meetings.caching.private_by_default",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Every form's fields refuse text that no database or page can hold (a lone surrogate) with a field error.
FORM_RENDERER = "meetings.forms.fields.SiteFormRenderer"

ROOT_URLCONF = "pmc_minutes.urls"
WSGI_APPLICATION = "pmc_minutes.wsgi.application"
# HTTP and the live room's WebSockets (meetings/live/); production with gunicorn's uvicorn workers (Procfile).
ASGI_APPLICATION = "pmc_minutes.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# On Cloud Foundry the bound services' addresses come in VCAP_SERVICES; DATABASE_URL and REDIS_URL still win.
VCAP_SERVICES = env.str("VCAP_SERVICES", default="")
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=service_url(VCAP_SERVICES, tags={"postgres", "postgresql"}) or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several app servers share one truth: with REDIS_URL every instance reads and writes the same
# cache (rendered minutes, password-reset counts); without it each process keeps its own.
# A Redis outage is an empty cache, not an error (meetings/lib/redis_cache.py): the timeouts
# are short so that a dead or unreachable Redis answers fast, and it is tried again every
# REDIS_RETRY_SECONDS meanwhile.
REDIS_URL = env.str("REDIS_URL", default=service_url(VCAP_SERVICES, tags={"redis"}))
CACHES = {
    "default": (
        {
            "BACKEND": "meetings.lib.redis_cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT_SECONDS", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT_SECONDS", default=2.0),
                "RETRY_SECONDS": env.float("REDIS_RETRY_SECONDS", default=5.0),
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}}
    )
}
# The live room's broadcasts between app servers (meetings/live/): over the same Redis when REDIS_URL is set,
# else in this process's memory (one server only). Pub/sub rather than RedisChannelLayer's lists: a room's
# frames are fan-out to whoever listens now, never queued for a listener that is gone, and nothing is
# kept in Redis; a frame lost meanwhile heals at the client's next resync (SyncStep1), as with either layer.
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
        if REDIS_URL
        # One process: a connection may fall a few seconds behind in a busy room before frames are dropped (the
        # default, 100, drops them after a moment's stall; the editor's periodic resync would heal it, late).
        else {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 2000}}
    )
}
# The live room (meetings/live/consumers.py): the largest frame a client may send (a paste of a whole
# report is about 200,000 characters, up to 800 KB as UTF-8 in one update), and how often a connection's
# right to write is asked again, so that a lead whose team was taken away stops writing within that time.
PMC_LIVE_MAX_FRAME_BYTES = env.int("PMC_LIVE_MAX_FRAME_BYTES", default=1024 * 1024)
PMC_LIVE_RECHECK_SECONDS = env.float("PMC_LIVE_RECHECK_SECONDS", default=5.0)
# Background work (meetings/services/background.py), through Django's tasks API (the
# django-tasks backport). PMC_TASKS=database queues it in the database for
# `manage.py db_worker` (production); the default, immediate, runs each task at once
# in the request that asked for it, so development needs no worker (and has no retries).
PMC_TASKS = env.str("PMC_TASKS", default="immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if PMC_TASKS not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"PMC_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {PMC_TASKS!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[PMC_TASKS]}}

# Sessions live in the database, which every instance shares: a sign-in holds on every server. Not
# cached_db: a Redis outage would then fail every signed-in request (it writes a miss back to the cache).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Seconds a browser or CDN may keep published minutes (HTML, PDF, Markdown) before
# revalidating them with their ETag; rendered copies are cached per version (meetings/caching.py).
PMC_PUBLIC_MAX_AGE = env.int("PMC_PUBLIC_MAX_AGE", default=300)
# API requests per window (meetings/throttling.py), then 429: writes per account, whatever token sends them;
# reads (every other request under /api/) per token, or per client address without one.
PMC_API_RATE_LIMIT = env.int("PMC_API_RATE_LIMIT", default=120)
PMC_API_READ_RATE_LIMIT = env.int("PMC_API_READ_RATE_LIMIT", default=600)
PMC_API_RATE_WINDOW_SECONDS = env.int("PMC_API_RATE_WINDOW_SECONDS", default=60)
# Live personal access tokens one account may hold: with the write limit per account, a bound on what it can send.
PMC_API_TOKENS_PER_ACCOUNT = env.int("PMC_API_TOKENS_PER_ACCOUNT", default=10)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "meetings:my_sections"
LOGOUT_REDIRECT_URL = "meetings:home"

# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins
# for one username from one address, that pair is refused for the cool-off,
# even with the right password. The pair, not the username alone, so that a
# stranger cannot lock a chair out from elsewhere; a locked-out or unknown
# username gets the same answer as a wrong password, so nothing tells which
# accounts exist.
AUTHENTICATION_BACKENDS = [
    # Before any password is checked: none is while PASSWORD_SIGNIN is off, on any form (the admin's too).
    "meetings.auth_backends.PasswordSignInSwitch",
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out pair before any password is checked
    "django.contrib.auth.backends.ModelBackend",
    # Completes a GitHub or OpenID Connect sign-in (which never goes through a password form).
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures are counted in the database, so a lockout holds across every app server.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"  # with status 429
# Behind the proxy every request comes from the proxy's address; use the one it adds instead.
AXES_CLIENT_IP_CALLABLE = "meetings.throttling.client_ip"
# Password reset (meetings/throttling.py): at most PASSWORD_RESET_LIMIT requests
# per client address, and as many per e-mail address, in PASSWORD_RESET_WINDOW_MINUTES;
# then 429. Per e-mail too, so that no one can fill a person's mailbox from many addresses.
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=5)
PASSWORD_RESET_WINDOW = timedelta(minutes=env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60))

# Signing in with GitHub and OpenID Connect (django-allauth). A provider is on when its client id is
# set, or when SIGNIN_PROVIDERS names the ones to offer ("github", "oidc"). Password sign-in (the
# form, password reset and the invitation's sign-up form) stays for small installations;
# PASSWORD_SIGNIN=false switches it off where everyone signs in through a provider: every
# password form and check, the admin's sign-in and password change included.
PMC_PASSWORD_SIGNIN = env.bool("PASSWORD_SIGNIN", default=True)
_GITHUB_CLIENT_ID = env.str("GITHUB_CLIENT_ID", default="")
_OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
PMC_SIGNIN_PROVIDERS = env.list(
    "SIGNIN_PROVIDERS", default=[name for name, on in (("github", _GITHUB_CLIENT_ID), ("oidc", _OIDC_CLIENT_ID)) if on]
)
# The OpenID Connect provider's id in URLs (/accounts/oidc/<id>/login/) and its name on the button.
PMC_OIDC_PROVIDER_ID = env.str("OIDC_PROVIDER_ID", default="oidc")
if not re.fullmatch(r"[-a-zA-Z0-9_]+", PMC_OIDC_PROVIDER_ID):
    raise ImproperlyConfigured(
        f"OIDC_PROVIDER_ID must be a URL slug (letters, digits, - and _), not {PMC_OIDC_PROVIDER_ID!r}"
    )
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        "APPS": [{"client_id": _GITHUB_CLIENT_ID, "secret": env.str("GITHUB_SECRET", default="")}]
        if "github" in PMC_SIGNIN_PROVIDERS
        else [],
        # read:user for the login (the handle the roster names), user:email for the verified addresses.
        "SCOPE": ["read:user", "user:email"],
    },
    "openid_connect": {
        "APPS": [
            {
                "provider_id": PMC_OIDC_PROVIDER_ID,
                "name": env.str("OIDC_NAME", default="OpenID Connect"),
                "client_id": _OIDC_CLIENT_ID,
                "secret": env.str("OIDC_SECRET", default=""),
                # The issuer URL; /.well-known/openid-configuration is read from it.
                "settings": {"server_url": env.str("OIDC_SERVER_URL", default="")},
            }
        ]
        if "oidc" in PMC_SIGNIN_PROVIDERS
        else [],
        "OAUTH_PKCE_ENABLED": True,
    },
}
# GitHub Enterprise: its address; allauth then uses <GITHUB_URL>/login/oauth/ and <GITHUB_URL>/api/v3/.
if env.str("GITHUB_URL", default=""):
    SOCIALACCOUNT_PROVIDERS["github"]["GITHUB_URL"] = env.str("GITHUB_URL")
SOCIALACCOUNT_ADAPTER = "meetings.views.signin.ProviderSignInAdapter"
ACCOUNT_ADAPTER = "meetings.views.signin.AccountAdapter"
# Safe defaults, spelled out: a provider's e-mail never signs anyone into an existing account
# (no account takeover by an address someone added to their GitHub account without owning it);
# only a provider account already connected signs in. The adapter keeps only verified addresses.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_QUERY_EMAIL = True  # GitHub's /user/emails, with their "verified" flags
SOCIALACCOUNT_STORE_TOKENS = False  # the site calls no provider API after sign-in
SOCIALACCOUNT_LOGIN_ON_GET = False  # a sign-in starts with a POST, so it carries a CSRF token
# allauth's own e-mail verification mails are not used: provider addresses are kept only when verified.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False  # as Django's User: an address may be on a password account and a GitHub one
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads in an S3-compatible store (django-storages) when a bucket is named, so that every app
# server sees every picture; else in MEDIA_ROOT, which must then be one folder shared by all servers.
# Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3 from the environment.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            # Pictures in published minutes are public and their names random: plain URLs that never expire.
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="pmc-minutes@localhost")
# The site's address, for every link in e-mails (never the Host a request came with). Unset in
# production, `check --deploy` warns (meetings/checks.py) and e-mails with links are not sent.
PMC_SITE_URL = env.str("PMC_SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")

# Production hardening; harmless in development because they follow DEBUG.
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
# CSRF_COOKIE_HTTPONLY stays off: markdownx's preview reads the token from the cookie.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): scripts and styles only from our own
# static files, never inline, so that HTML slipping past the sanitiser could
# not run. The editor's preview posts to our own URL (connect-src). Images may
# come from any HTTPS site: the archive, written for GitHub, embeds them. The
# admin needs nothing more (Django 5.2's admin has no inline scripts). The live room's WebSockets are our
# own too: 'self' covers them in CSP 3 browsers, the site's ws(s):// origin is named for the others.
_SITE = urlsplit(PMC_SITE_URL)
_SOCKET_ORIGIN = f"{_SITE.scheme.replace('http', 'ws')}://{_SITE.netloc}" if _SITE.scheme in ("http", "https") else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:"],
        "connect-src": [SELF, *([_SOCKET_ORIGIN] if _SOCKET_ORIGIN else [])],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Request size limits: a larger body is refused with the 400 page. Reports are
# at most 200,000 characters (meetings/forms.py), at most 2.4 MB form-encoded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, without uploaded files
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file, not memory

# Markdown: one renderer (GitHub Flavored, sanitised) for pages, PDF and the
# editor's live preview, so that the preview is exactly the published page.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "meetings.lib.rendering.render_markdown"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdownx/upload/"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
MARKDOWNX_MEDIA_PATH = "uploads/"
# Uploaded images (meetings/uploads.py): decoded and re-encoded, at most this many pixels.
PMC_UPLOAD_MAX_PIXELS = env.int("PMC_UPLOAD_MAX_PIXELS", default=40_000_000)

# Page size of the PDF minutes: "A4" or "Letter".
PMC_PDF_PAGE_SIZE = env.str("PMC_PDF_PAGE_SIZE", default="A4")
# Bounds on typesetting a PDF (meetings/pdf.py): the size of its HTML, and the
# seconds before the renderer's process is killed (0: render in-process, unbounded).
PMC_PDF_MAX_SOURCE_BYTES = env.int("PMC_PDF_MAX_SOURCE_BYTES", default=2 * 1024 * 1024)
PMC_PDF_TIMEOUT_SECONDS = env.float("PMC_PDF_TIMEOUT_SECONDS", default=20.0)
# Memory the renderer's process may take beyond what it starts with, so that a
# hostile table fails alone instead of starving the server.
PMC_PDF_MAX_MEMORY_MB = env.int("PMC_PDF_MAX_MEMORY_MB", default=1024)
# PDFs typeset at once by this server's processes (0: no limit); past it a reader
# gets 503 at once. Half the CPUs by default: the other half keep serving pages.
PMC_PDF_MAX_CONCURRENT = env.int("PMC_PDF_MAX_CONCURRENT", default=max(1, (os.cpu_count() or 2) // 2))
# Folder of the lock files that count those renders; empty: a temporary folder
# per server (meetings/pdf.py). Name one folder to share the limit between servers of one machine.
PMC_PDF_SLOTS_DIR = env.str("PMC_PDF_SLOTS_DIR", default="")

# Backups (meetings/services/backups.py). A backup's manifest is signed with PMC_BACKUP_KEY, else a key
# derived from SECRET_KEY; a restore accepts that key, SECRET_KEY and SECRET_KEY_FALLBACKS, so an archive
# restores only where one of them is known. Reading one is capped, whatever its zip headers claim.
PMC_BACKUP_KEY = env.str("PMC_BACKUP_KEY", default="")
PMC_BACKUP_MAX_MEMBER_MB = env.int("PMC_BACKUP_MAX_MEMBER_MB", default=1024)
PMC_BACKUP_MAX_TOTAL_MB = env.int("PMC_BACKUP_MAX_TOTAL_MB", default=16384)
PMC_BACKUP_MAX_RATIO = env.int("PMC_BACKUP_MAX_RATIO", default=100)

# Days an invitation link (to lead a team or chair a committee) stays valid.
PMC_INVITATION_DAYS = env.int("PMC_INVITATION_DAYS", default=7)

# The git mirror of published minutes (meetings/services/mirroring.py). Commits of an import or of
# the system, and the committer of every mirror commit, carry this identity.
PMC_GIT_NAME = env.str("PMC_GIT_NAME", default="PMC Minutes")
PMC_GIT_EMAIL = env.str("PMC_GIT_EMAIL", default=DEFAULT_FROM_EMAIL)
# The folder of the mirror's working copies, one per committee, made and named by the site (never by a
# chair). The default is beside the code, for development; production names a folder of its own data.
PMC_GIT_MIRROR_ROOT = Path(env.str("PMC_GIT_MIRROR_ROOT", default="") or BASE_DIR / "var" / "git-mirrors")
if not PMC_GIT_MIRROR_ROOT.is_absolute():
    raise ImproperlyConfigured(f"PMC_GIT_MIRROR_ROOT must be a full path, not {str(PMC_GIT_MIRROR_ROOT)!r}")
# A remote on the server's own disk (a path, file://) lets a chair push into any repository the server may
# write, the app's own .git included: only for tests and single-user setups.
PMC_GIT_MIRROR_LOCAL_REMOTES = env.bool("PMC_GIT_MIRROR_LOCAL_REMOTES", default=False)
# Longest a git command of the mirror may take (a push to a slow remote): below the worker timeout,
# since the sync after an edit runs in the request; past it the change stays owed.
PMC_GIT_TIMEOUT_SECONDS = env.float("PMC_GIT_TIMEOUT_SECONDS", default=30.0)

# Logs: plain text, or one JSON object per line (LOG_FORMAT=json) for a log collector; every line of a
# request names its id (pmc_minutes/observability.py).
LOGGING = logging_config(
    log_format=env.str("LOG_FORMAT", default="text"), level=env.str("LOG_LEVEL", default="WARNING")
)

# /healthz (pmc_minutes/health.py) asks the task queue for its lag through this hook: the dotted path
# of a callable returning {"ok": bool, ...}; by default the queue's own (how long the oldest ready task waited).
PMC_HEALTH_TASK_QUEUE = env.str("PMC_HEALTH_TASK_QUEUE", default="meetings.services.background.queue_health")

# Error reporting to Sentry, only when SENTRY_DSN is set; never people's data (send_default_pii off).
SENTRY_ENABLED = start_sentry(
    env.str("SENTRY_DSN", default=""),
    environment=env.str("SENTRY_ENVIRONMENT", default=""),
    release=env.str("SENTRY_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)
