"""Settings for the Gia Lai lifelong-learning portal.

Everything that differs between a developer's laptop and the provincial server
comes from the environment; see README.md for the variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
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
    "institutions",
    "indicators",
    "reports",
    "demo",  # the demonstration province, above the domain apps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "institutions.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
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
# Longest a report may take to build (the 50,000-institution PDF took 7 minutes);
# Redis redelivers an unacknowledged task after the visibility timeout, so it is longer.
# Where the attainment engine reads its aggregates: "summary" (the precomputed
# attainment kept exact at every write, indicators/summary.py) or "live" (the base
# tables, as before it existed). Both give the same rows; "live" is the way back.
ATTAINMENT_SOURCE = env.str("ATTAINMENT_SOURCE", default="summary")
REPORT_JOB_TIME_LIMIT = env.int("REPORT_JOB_TIME_LIMIT", default=20 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * REPORT_JOB_TIME_LIMIT}
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The issued report's PAdES signature: a PKCS#12 certificate and its passphrase.
# Empty: reports are issued unsigned (the report page says so).
REPORT_SIGNING_P12 = env.str("REPORT_SIGNING_P12", default="")
REPORT_SIGNING_PASSPHRASE = env.str("REPORT_SIGNING_PASSPHRASE", default="")
