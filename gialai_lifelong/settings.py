"""Settings for the Gia Lai lifelong-learning portal.

Everything that differs between a developer's laptop and the provincial server
comes from the environment; see README.md for the variables.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Thiếu biến môi trường SECRET_KEY (bắt buộc khi DEBUG tắt). "
            "SECRET_KEY is required when DEBUG is off: set it to a long random string."
        )
    SECRET_KEY = "django-insecure-development-only-never-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "institutions",
    "indicators",
    "reports",
    "demo",  # the demonstration province, above the domain apps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "institutions.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "institutions.middleware.RefuseNulBytesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gialai_lifelong.urls"
WSGI_APPLICATION = "gialai_lifelong.wsgi.application"

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
                "django.template.context_processors.i18n",
                "institutions.context_processors.portal",
            ],
        },
    },
]

_SUPPORTED_DATABASES = ("sqlite", "postgres", "postgresql", "pgsql", "psql")
_database_url = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if _database_url.split(":", 1)[0] not in _SUPPORTED_DATABASES:
    raise ImproperlyConfigured(
        "DATABASE_URL không hợp lệ: chỉ hỗ trợ sqlite:///đường/dẫn hoặc postgres://... "
        f"/ DATABASE_URL must be sqlite:///path or postgres://... (got {_database_url.split(':', 1)[0]!r})"
    )
DATABASES = {"default": env.db_url_config(_database_url)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code (JIT) when its estimated cost is
    # high: for the portal's queries over a large province that compilation took
    # 2.4 s of a 3.7 s query, far more than it saved. Off for the portal's own connections.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first, as its documentation asks: it refuses a locked-out user
# before the password is even checked (portal login and admin login alike).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese number format (1.234,5) comes from Django's "vi" locale formats.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["gialai_lifelong.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A working day, and never past the browser's closing (shared office computers).
SESSION_COOKIE_AGE = env.int("SESSION_HOURS", default=8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind a reverse proxy that ends HTTPS (nginx on the provincial server): trust
# its X-Forwarded-Proto, send http:// to https://, and tell browsers to use HTTPS
# only (HSTS). Off by default: a laptop or `bin/serve` speaks plain HTTP.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=False)
# Joining the browsers' preload list is the domain owner's decision, taken
# outside the portal (hstspreload.org); check --deploy's reminder is silenced,
# and HSTS_PRELOAD=1 sends the directive once the domain has joined.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp): scripts and styles only from the portal's
# own static files, no inline <script>, no on*= handlers, no inline style
# attributes. Bootstrap's CSS needs only data: images (its SVG icons); its JS
# and Chart.js set styles through the DOM, which style-src does not govern.
# The API documentation page (Redoc) widens style-src for itself: reports/api.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for
# one user name from one address, that pair is refused for the cool-off, which
# each further attempt restarts; a right password resets the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "institutions.views_lockout.locked_out"
AXES_VERBOSE = False
# Behind the proxy every request comes from the proxy's address: the client's
# is the one the proxies (PROXY_COUNT of them) appended to X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "institutions.views_lockout.client_address"
PROXY_COUNT = env.int("PROXY_COUNT", default=1 if BEHIND_HTTPS_PROXY else 0)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A full save of a large unit's entry page posts a field per answer: 500 institutions
# of four to six answers each is 3,000 fields, past Django's default of 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=20_000)

# The cache: the parts of pages built once per version of the data
# (reports/page_cache.py) and the API's throttle counts. CACHE_URL=redis://...
# shares it between every process and app server (bin/serve names Redis);
# without it each process keeps its own, in memory. PAGE_CACHE_SECONDS bounds how
# long a part is kept (0: no cached parts; a write changes the version anyway).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL and CACHE_URL.split(":", 1)[0] not in ("redis", "rediss", "unix"):
    raise ImproperlyConfigured(
        "CACHE_URL không hợp lệ: chỉ hỗ trợ redis://máy:cổng/số / CACHE_URL must be redis://host:port/db"
    )
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "gialai",
        }
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 400},
        }
    )
}
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    # Counted in the default cache: shared by every app server with CACHE_URL.
    "DEFAULT_THROTTLE_CLASSES": [
        "reports.throttling.AnonymousThrottle",
        "reports.throttling.SignedInThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="60/minute"),
        "user": env.str("API_USER_RATE", default="600/minute"),
    },
    "EXCEPTION_HANDLER": "reports.throttling.exception_handler",
    # An anonymous client is its address: behind the proxy, the one it appended to
    # X-Forwarded-For (0: REMOTE_ADDR; unset, DRF would trust the client's own header).
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gia Lai — Học tập suốt đời API",
    "DESCRIPTION": "Read-only API for plan 3632/KH-UBND: institutions, indicators, targets, attainment.",
    "VERSION": "1.0.0",
}

# Background work (Celery, gialai_lifelong/celery.py). With no broker named in
# the environment, tasks run in-process as they are sent (CELERY_TASK_ALWAYS_EAGER),
# so `bin/demo` and the SQLite test suite need no Redis; `bin/serve` names one.
# The outcome of a task lives in its database row (reports.ReportJob), so the
# result backend is only for Celery's own inspection tools.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default="CELERY_BROKER_URL" not in os.environ
)
# One queue per deployment: two portals (or a test run) sharing a Redis server
# never take each other's work.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="gialai")
CELERY_TASK_IGNORE_RESULT = True
# A worker that dies mid-task leaves the message unacknowledged: Redis hands it
# to another worker, which builds the file again (the job row is written once, at the end).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Where the attainment engine reads its aggregates: "summary" (the precomputed
# attainment kept exact at every write, indicators/summary.py) or "live" (the base
# tables, as before it existed). Both give the same rows; "live" is the way back.
ATTAINMENT_SOURCE = env.str("ATTAINMENT_SOURCE", default="summary")
# Longest a report may take to build (the PDF takes about 10 s at every scale since
# Annex II is bounded, the 140,000-institution workbook about a minute); Redis
# redelivers an unacknowledged task after the visibility timeout, so it is longer.
REPORT_JOB_TIME_LIMIT = env.int("REPORT_JOB_TIME_LIMIT", default=20 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * REPORT_JOB_TIME_LIMIT}
CELERY_TIMEZONE = TIME_ZONE
# Rows a bulk import (import_institutions, import_figures) reads, checks and saves
# at a time, inside the file's one transaction: its memory is one chunk's.
IMPORT_CHUNK_ROWS = env.int("IMPORT_CHUNK_ROWS", default=2000)
# Reminders and the reviewers' digest (indicators/services/reminders.py), once a
# day at REMINDER_HOUR; the beat runs inside the worker (bin/serve: CELERY_BEAT).
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "indicators.send_reminders",
        "schedule": crontab(hour=env.int("REMINDER_HOUR", default=7), minute=0),
    }
}

# E-mail (reminders): printed on the console unless EMAIL_BACKEND names another
# backend (django.core.mail.backends.smtp.EmailBackend with the EMAIL_HOST... below).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng học tập suốt đời <no-reply@localhost>"
)
# Where the portal is reached, for the links in e-mails (no request to ask).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Logs go to stdout, one line per record (gunicorn writes one line per request
# there too, bin/serve): the process manager or container runtime keeps them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The issued report's PAdES signature: a PKCS#12 certificate and its passphrase.
# Empty: reports are issued unsigned (the report page says so).
REPORT_SIGNING_P12 = env.str("REPORT_SIGNING_P12", default="")
REPORT_SIGNING_PASSPHRASE = env.str("REPORT_SIGNING_PASSPHRASE", default="")
# Annex II of the printed report lists the institutions behind each unmet share
# target up to this many lines; past it, it counts them by target and unit and
# points to the workbook, which always has the list. 2,000 keeps the real
# province's list whole (about 800 institutions, each behind at most two share
# targets: at most ~1,600 lines, ~70 landscape pages; the demo's 403 lines take
# 17) and stops a national-scale list (77,000 lines at 140,000 institutions)
# from becoming 3,000 pages.
REPORT_ANNEX_LIST_MAX_ROWS = env.int("REPORT_ANNEX_LIST_MAX_ROWS", default=2000)
