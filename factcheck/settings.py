"""Settings of the fact-check service.

Every value that differs between machines comes from the environment (see ``.env.example``),
with an embedded default that runs on a laptop with no server installed: SQLite under ``var/``
and a Celery broker kept in files under ``var/broker/``, consumed by a real worker process.
``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis; nothing else changes.
"""

import datetime as dt
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import ConnectionError as RedisConnectionError

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is read when present (never committed; .env.example documents the keys).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Local state of the embedded defaults: the SQLite file, the broker folder, beat's schedule.
VAR_DIR = Path(env.str("FACTCHECK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The embedded key is only good for a laptop; any shared deployment sets DJANGO_SECRET_KEY.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-local-only-key-set-DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver leaves static files to WhiteNoise (as in production): staticfiles' own handler
    # answered 500 for /static/../ paths, WhiteNoise answers 404.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "annotations",
    "workers",
    "integrations",
    "axes",  # failed password logins, counted per account and address (factcheck/logins.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "factcheck.csp.ContentSecurityPolicyMiddleware",  # every answer, error pages included
    # Under /api/: 413 over the body limit, 411 for a body without a length, before anything reads it.
    "factcheck.api.middleware.RequestBodyLimits",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused by the lockout into its 429 page (factcheck/logins.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"
# HTTP and the desk's WebSockets (annotations/live/): `make run` serves both from uvicorn.
ASGI_APPLICATION = "factcheck.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Web, worker and beat are separate processes writing to one file: wait for the lock
        # instead of failing, take the write lock up front, and let readers run beside a writer.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a worker process started by the tests sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # After a PostgreSQL restart, a stale pooled connection is replaced instead of failing a request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The planner's price of a random page read, set per connection. PostgreSQL's default (4)
    # is for spinning disks; on SSD or a cached database 1.1 lets it join through indexes, e.g.
    # the article list filtered by extraction status at 100,000 articles: p95 77 -> 26 ms.
    # Empty: the server's own setting (a pooler that refuses startup options needs that).
    _RANDOM_PAGE_COST = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1")
    if _RANDOM_PAGE_COST:
        if not re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", _RANDOM_PAGE_COST):
            raise ImproperlyConfigured(f"DATABASE_RANDOM_PAGE_COST must be a number, not {_RANDOM_PAGE_COST!r}")
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={_RANDOM_PAGE_COST}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes first: a locked-out account or address is refused before its password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the apps without collectstatic on a laptop.
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request is answered 401 with WWW-Authenticate.
        "factcheck.api.authentication.RoleTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["factcheck.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "factcheck.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "factcheck.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check and annotation API",
    "DESCRIPTION": "Articles, the claims and quotes extracted from them, and their review.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set: item statuses, job statuses and verdicts are distinct enums.
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "annotations.models.Item.Status",
        "ExtractionStatusEnum": "annotations.models.ExtractionJob.Status",
    },
}

# --- Ingestion limits -----------------------------------------------------------------------
# Largest request body of any /api/ URL (the article endpoint needs the most); larger: 413.
ARTICLE_MAX_REQUEST_BYTES = env.int("ARTICLE_MAX_REQUEST_BYTES", default=5 * 1024 * 1024)
# Django's own cap on a body read into memory (2.5 MB by default) would refuse a body under the
# API's limit first, as an HTML 400; one limit for both.
DATA_UPLOAD_MAX_MEMORY_SIZE = ARTICLE_MAX_REQUEST_BYTES
# URL ingestion: the worker's fetch is bounded in time, size and redirects.
URL_FETCH_TIMEOUT_SECONDS = env.float("URL_FETCH_TIMEOUT_SECONDS", default=10.0)
URL_FETCH_MAX_BYTES = env.int("URL_FETCH_MAX_BYTES", default=5 * 1024 * 1024)
URL_FETCH_MAX_REDIRECTS = env.int("URL_FETCH_MAX_REDIRECTS", default=5)

# --- Extraction jobs ------------------------------------------------------------------------
# A job is given up (failed, with its last error) after this many starts: covers poison
# articles that crash or hang the worker and are redelivered again and again.
EXTRACTION_MAX_ATTEMPTS = env.int("EXTRACTION_MAX_ATTEMPTS", default=5)
# Retries of transient errors (database or network hiccups) inside one delivery.
EXTRACTION_MAX_RETRIES = env.int("EXTRACTION_MAX_RETRIES", default=3)
EXTRACTION_SOFT_TIME_LIMIT = env.int("EXTRACTION_SOFT_TIME_LIMIT", default=120)
EXTRACTION_TIME_LIMIT = env.int("EXTRACTION_TIME_LIMIT", default=150)
# The sweep re-publishes a job still queued this long after it was last published (a lost
# broker message), or still running this long after its last update (a killed worker).
EXTRACTION_QUEUED_DEADLINE_SECONDS = env.int("EXTRACTION_QUEUED_DEADLINE_SECONDS", default=120)
EXTRACTION_RUNNING_DEADLINE_SECONDS = env.int("EXTRACTION_RUNNING_DEADLINE_SECONDS", default=300)
EXTRACTION_SWEEP_INTERVAL_SECONDS = env.int("EXTRACTION_SWEEP_INTERVAL_SECONDS", default=60)
# Sentences scoring at least this are stored as claims (None: the engine's tuned default).
CLAIM_SCORE_THRESHOLD = env.float("CLAIM_SCORE_THRESHOLD", default=None)
# How claims are scored: "encoder" (sentence encoder + calibrated head) or "fast" (the sparse
# model alone, for bulk backfills). Recorded in every claim's extractor version; a worker whose
# models are missing or corrupt stops at start (workers/startup.py).
CLAIMS_MODE = env.str("CLAIMS_MODE", default="encoder")

# --- Review ---------------------------------------------------------------------------------
# Agreeing reviews (correct or disputed) that set an item's status without an editor's
# resolution; any correct-vs-disputed split makes it disputed (see annotations/rules/policy.py).
REVIEW_QUORUM = env.int("REVIEW_QUORUM", default=2)

# --- Celery ---------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: message files in one folder, shared by web, worker and beat.
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        # Exchange bindings; by default kombu writes them to ./control of whatever directory
        # the process started in.
        "control_folder": str(VAR_DIR / "broker-control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # An unacknowledged message (acks_late) comes back after this long; longer than the
        # hard time limit so a slow job is not run twice at once.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = EXTRACTION_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = EXTRACTION_TIME_LIMIT
# The queue extraction jobs go to; workers consume it (``celery worker -Q extraction``).
EXTRACTION_QUEUE = env.str("EXTRACTION_QUEUE", default="extraction")
CELERY_TASK_DEFAULT_QUEUE = EXTRACTION_QUEUE
# Publishing gives up quickly when the broker is down; the job row stays queued for the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULE = {
    "sweep-extraction-jobs": {
        "task": "workers.tasks.sweep_extraction_jobs",
        "schedule": float(EXTRACTION_SWEEP_INTERVAL_SECONDS),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Interoperability (integrations/) -------------------------------------------------------
# ClaimReview (schema.org): the desk that signs the reviews, and how a status becomes a rating.
CLAIMREVIEW_ORGANIZATION_NAME = env.str("CLAIMREVIEW_ORGANIZATION_NAME", default="Fact-check desk")
CLAIMREVIEW_ORGANIZATION_URL = env.str("CLAIMREVIEW_ORGANIZATION_URL", default="")
# Where a reader finds the fact check: "{id}" and "{kind}" are filled in. Empty: the API URL of the item.
CLAIMREVIEW_URL_TEMPLATE = env.str("CLAIMREVIEW_URL_TEMPLATE", default="")
# Status -> Rating. A JSON object in the environment; the scale is 1 (false) to 5 (true) by default.
CLAIMREVIEW_RATINGS = env.json(
    "CLAIMREVIEW_RATINGS",
    default={
        "correct": {"ratingValue": 5, "bestRating": 5, "worstRating": 1, "textualRating": "Correct"},
        "disputed": {"ratingValue": 1, "bestRating": 5, "worstRating": 1, "textualRating": "Disputed"},
        "unverified": {"ratingValue": 3, "bestRating": 5, "worstRating": 1, "textualRating": "Unverified"},
    },
)
# Webhooks: bounded retries with exponential backoff (base * 2**(attempt-1), capped), then failed.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_BACKOFF_SECONDS = env.float("WEBHOOK_BACKOFF_SECONDS", default=30.0)
WEBHOOK_BACKOFF_MAX_SECONDS = env.float("WEBHOOK_BACKOFF_MAX_SECONDS", default=3600.0)
# One attempt never holds a worker longer than this: wall-clock time for the whole exchange
# (connect, send, read), so a receiver trickling bytes is cut too. Keep it under the task's 60 s.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Deliveries have their own queue, so a slow receiver never delays an extraction; the Procfile
# and docker-compose run a worker for it. Empty: share the extraction queue (one worker kind).
WEBHOOK_QUEUE = env.str("WEBHOOK_QUEUE", default="webhooks")
# Webhook targets must resolve to public addresses (an editor's URL must not reach the desk's
# internal services); true only for receivers on the desk's own network, and tests on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
# The sweep re-publishes a delivery still due this long after its message should have run.
WEBHOOK_SWEEP_INTERVAL_SECONDS = env.int("WEBHOOK_SWEEP_INTERVAL_SECONDS", default=60)
WEBHOOK_DUE_GRACE_SECONDS = env.int("WEBHOOK_DUE_GRACE_SECONDS", default=120)
CELERY_BEAT_SCHEDULE["sweep-webhook-deliveries"] = {
    "task": "integrations.tasks.sweep_webhook_deliveries",
    "schedule": float(WEBHOOK_SWEEP_INTERVAL_SECONDS),
}
# One name for the webhook event choices in the OpenAPI schema (used by several serializers).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["WebhookEventEnum"] = "integrations.models.Event"

# --- Matching claims against earlier fact-checks (annotations/services/matching.py) ---------
# Runs have their own queue, so a slow encoder never delays an extraction; the Procfile and
# docker-compose run a worker for it. Empty: share the extraction queue (one worker kind).
MATCHING_QUEUE = env.str("MATCHING_QUEUE", default="matching") or EXTRACTION_QUEUE
# A match scoring under this is not stored; at most MATCH_KEEP are kept per claim.
MATCH_MIN_SCORE = env.float("MATCH_MIN_SCORE", default=0.5)
MATCH_KEEP = env.int("MATCH_KEEP", default=5)
# An import of up to this many fact-checks matches each against the open claims; a larger one
# re-matches the claims of the latest MATCH_REMATCH_REVISIONS revisions instead (bounded work).
MATCH_NEW_FACTCHECKS_MAX = env.int("MATCH_NEW_FACTCHECKS_MAX", default=200)
MATCH_REMATCH_REVISIONS = env.int("MATCH_REMATCH_REVISIONS", default=500)
MATCHING_SOFT_TIME_LIMIT = env.int("MATCHING_SOFT_TIME_LIMIT", default=120)
MATCHING_TIME_LIMIT = env.int("MATCHING_TIME_LIMIT", default=150)
MATCHING_MAX_RETRIES = env.int("MATCHING_MAX_RETRIES", default=3)
MATCHING_MAX_ATTEMPTS = env.int("MATCHING_MAX_ATTEMPTS", default=5)
MATCHING_QUEUED_DEADLINE_SECONDS = env.int("MATCHING_QUEUED_DEADLINE_SECONDS", default=120)
MATCHING_RUNNING_DEADLINE_SECONDS = env.int("MATCHING_RUNNING_DEADLINE_SECONDS", default=300)
# Fact-checks embedded per batch, and batches per task run (then it queues itself again).
FACTCHECK_EMBED_BATCH = env.int("FACTCHECK_EMBED_BATCH", default=256)
FACTCHECK_EMBED_BATCHES_PER_RUN = env.int("FACTCHECK_EMBED_BATCHES_PER_RUN", default=20)
# Autodiscovery finds each app's tasks.py only; the matching tasks have their own module.
CELERY_IMPORTS = ["workers.matching_tasks"]
CELERY_BEAT_SCHEDULE["sweep-match-jobs"] = {
    "task": "workers.matching_tasks.sweep_match_jobs",
    "schedule": float(EXTRACTION_SWEEP_INTERVAL_SECONDS),
    "options": {"queue": MATCHING_QUEUE},
}
# Embeds what an import or a lost message left without an embedding; a no-op when none is left.
CELERY_BEAT_SCHEDULE["embed-factchecks"] = {
    "task": "workers.matching_tasks.embed_factchecks",
    "schedule": float(EXTRACTION_SWEEP_INTERVAL_SECONDS),
    "options": {"queue": MATCHING_QUEUE, "expires": float(EXTRACTION_SWEEP_INTERVAL_SECONDS)},
}
# Counts the library's search words again, so the candidate search knows which are too common
# to search for (PostgreSQL; a no-op on SQLite). An import queues the same task when it commits.
FACTCHECK_TERMS_REFRESH_SECONDS = env.int("FACTCHECK_TERMS_REFRESH_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["refresh-factcheck-terms"] = {
    "task": "workers.matching_tasks.refresh_factcheck_terms",
    "schedule": float(FACTCHECK_TERMS_REFRESH_SECONDS),
    "options": {"queue": MATCHING_QUEUE, "expires": float(FACTCHECK_TERMS_REFRESH_SECONDS)},
}

# --- Review pages and admin dashboard (annotations/web/, annotations/dashboard/) ----------
# The review pages use Django's session login; the API's SessionAuthentication reads the same session.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:article-list"
LOGOUT_REDIRECT_URL = "login"
# How often the review page asks the API for others' changes (seconds).
REVIEW_POLL_SECONDS = env.float("REVIEW_POLL_SECONDS", default=3.0)
# Desk events are numbered after each commit; beat numbers any a crash left unnumbered this often.
DESK_EVENTS_SWEEP_SECONDS = env.int("DESK_EVENTS_SWEEP_SECONDS", default=10)
CELERY_BEAT_SCHEDULE["sweep-desk-events"] = {
    "task": "workers.tasks.sweep_desk_events",
    "schedule": float(DESK_EVENTS_SWEEP_SECONDS),
    "options": {"expires": float(DESK_EVENTS_SWEEP_SECONDS)},
}
# Catch-up answers hold at most this many events (the page asks again from ``next``).
DESK_EVENTS_PAGE_SIZE = env.int("DESK_EVENTS_PAGE_SIZE", default=200)

# --- Live desk: changes pushed to open pages over WebSockets (annotations/live/) -------------
# The channel layer rings "article N changed" from the committing process to those holding its
# sockets. Embedded default: in memory, which reaches only the committing process's sockets (a
# worker's changes then arrive by the sockets' re-check below). Redis wherever processes are many.
CHANNEL_LAYER_URL = env.str("CHANNEL_LAYER_URL", default="")
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
if CHANNEL_LAYER_URL:  # a page that stops reading loses doorbells, never events (capacity, expiry)
    # Socket timeout above the layer's 5 s blocking receive, which redis-py's 5 s default cut
    # short (a quiet process's receive raised, dropping its sockets: channels_redis#422); a pooled
    # connection that a Redis restart closed is retried once instead of failing its command.
    _LAYER_HOST = {"address": CHANNEL_LAYER_URL, "socket_timeout": 15, "socket_connect_timeout": 5,
                   "retry_on_error": [RedisConnectionError]}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {
        "hosts": [_LAYER_HOST], "prefix": "factcheck:live:", "capacity": 200, "expiry": 30}}}
# Each socket also re-reads its events from the database this often (what a lost doorbell or a
# restarted Redis kept from it), re-checks its login and refreshes its presence.
DESK_PUSH_RECHECK_SECONDS = env.float("DESK_PUSH_RECHECK_SECONDS", default=15.0 if CHANNEL_LAYER_URL else 2.0)
# Where pages open sockets: empty for their own origin, else a ws(s):// origin (a push service beside gunicorn).
DESK_PUSH_URL = env.str("DESK_PUSH_URL", default="").rstrip("/")
if DESK_PUSH_URL and not DESK_PUSH_URL.startswith(("ws://", "wss://")):
    raise ImproperlyConfigured(f"DESK_PUSH_URL must start with ws:// or wss://, not {DESK_PUSH_URL!r}")
# A person shows on an article this long after their socket last said so (it repeats it a third as often).
PRESENCE_TTL_SECONDS = env.int("PRESENCE_TTL_SECONDS", default=45)
# Sockets one user may hold on one ASGI process (tabs); beyond it, closed with 4429.
DESK_PUSH_SOCKETS_PER_USER = env.int("DESK_PUSH_SOCKETS_PER_USER", default=30)
# Beat asks a worker to record a heartbeat this often; the dashboard flags none for 3 intervals.
WORKER_HEARTBEAT_INTERVAL_SECONDS = env.int("WORKER_HEARTBEAT_INTERVAL_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["record-worker-heartbeat"] = {
    "task": "workers.tasks.record_worker_heartbeat",
    "schedule": float(WORKER_HEARTBEAT_INTERVAL_SECONDS),
    # With no worker up, beat's messages would pile up; an expired one is dropped unread.
    "options": {"expires": float(WORKER_HEARTBEAT_INTERVAL_SECONDS)},
}
# Beat asks a worker to recompute the dashboard's desk-wide figures this often (they take most of
# a second at a million items); the page computes them itself when none is younger than two
# intervals. Under 1 s would have beat queue refreshes faster than a worker finishes them.
DASHBOARD_REFRESH_SECONDS = env.int("DASHBOARD_REFRESH_SECONDS", default=60)
if DASHBOARD_REFRESH_SECONDS < 1:
    raise ImproperlyConfigured(f"DASHBOARD_REFRESH_SECONDS must be 1 or more, not {DASHBOARD_REFRESH_SECONDS}")
CELERY_BEAT_SCHEDULE["refresh-dashboard"] = {
    "task": "workers.tasks.refresh_dashboard",
    "schedule": float(DASHBOARD_REFRESH_SECONDS),
    # Unconsumed refreshes are worthless once the next one is due: dropped unread, not piled up.
    "options": {"expires": float(DASHBOARD_REFRESH_SECONDS)},
}

# --- Security and limits ---------------------------------------------------------------------
# HTTPS, cookies, API rate limits and the URL fetcher's address check (see RELIABILITY.md).
# With DJANGO_DEBUG=false (the default) every HTTPS protection below is on unless the
# environment turns it off; `make run` sets DJANGO_DEBUG=true, which turns them off for plain
# http on a laptop. `manage.py check --deploy` is clean with DJANGO_SECURE_SSL_REDIRECT=true.
_HTTPS = not DEBUG
# Off by default: TLS usually ends at a reverse proxy that redirects http itself, and the test
# client and live servers speak plain http. Turn on when Django sees the plain http requests.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# The health check answers docker-compose's and load balancers' plain http probes.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (only then: a client could forge it).
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=_HTTPS)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=_HTTPS)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_HTTPS)
# Only a directive: the domain joins browsers' preload lists when its owner submits it.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=_HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No CORS middleware is installed on purpose: browsers on other origins get no CORS headers,
# so they cannot read API answers; API clients (curl, servers) do not need CORS.

# Counters of the rate limits; set CACHE_URL=redis://... to share them between web processes.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "factcheck.cache.RedisCache"  # reuses its Redis client
# Token identities and rendered article answers kept in that cache (annotations/readcache/).
# Only safe when every web and worker process shares the cache, so on by default only then.
_SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
API_READ_CACHE = env.bool("API_READ_CACHE", default=_SHARED_CACHE)
# Per-user rate limits (factcheck/security.py): 429 with Retry-After beyond them. Generous:
# a person at the desk never gets near them; a runaway script does. Empty value: no limit.
API_THROTTLE_RATES = {
    "user": env.str("API_THROTTLE_USER_RATE", default="1200/minute") or None,
    "write": env.str("API_THROTTLE_WRITE_RATE", default="300/minute") or None,
    "anon": env.str("API_THROTTLE_ANON_RATE", default="120/minute") or None,
    # Wrong tokens per client address; over it the address is refused 429, valid tokens too,
    # until the minute ends (a desk behind one NAT address never gets 30 wrong in a minute).
    "auth_failure": env.str("API_THROTTLE_AUTH_FAILURE_RATE", default="30/minute") or None,
}
# Proxies in front of the web processes that append to X-Forwarded-For; unset: the client's
# address is REMOTE_ADDR for the failed-authentication limit (a client can forge the header).
REST_FRAMEWORK["NUM_PROXIES"] = env.int("API_NUM_PROXIES", default=None)
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "factcheck.security.UserThrottle",
    "factcheck.security.UserWriteThrottle",
    "factcheck.security.AnonThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = API_THROTTLE_RATES

# URL ingestion: hosts resolving to private, loopback or link-local addresses are refused
# (workers/fetching.py); true only for a desk that ingests from its own intranet.
URL_FETCH_ALLOW_PRIVATE = env.bool("URL_FETCH_ALLOW_PRIVATE", default=False)

# Password logins (desk and admin): this many failures per account, or per client address,
# within the cool-off lock that account or address for the cool-off (429 page); counted in the
# database, so shared by every web process. Policy and unlocking: factcheck/logins.py, README.
# Content-Security-Policy of every answer (factcheck/csp.py): nothing inline, nothing from
# another origin. Empty: no header (only to debug a page; the e2e tests check none is refused).
CONTENT_SECURITY_POLICY = env.str(
    "DJANGO_CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    # Pages open their sockets on DESK_PUSH_URL when it is another origin.
    + (f"; connect-src 'self' {DESK_PUSH_URL}" if DESK_PUSH_URL else ""),
)
# The API docs' (Swagger UI, Redoc from the sidecar package): they inject <style> elements and
# Redoc searches in a blob: worker; scripts stay 'self'.
CONTENT_SECURITY_POLICY_API_DOCS = env.str(
    "DJANGO_CONTENT_SECURITY_POLICY_API_DOCS",
    default="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)

AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.float("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_CLIENT_IP_CALLABLE = "factcheck.logins.login_client_address"
AXES_LOCKOUT_CALLABLE = "factcheck.logins.login_locked_out"
# A success must not wipe an address's failures (one known password would reset a sprayer's count).
AXES_RESET_ON_SUCCESS = False
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken"]
