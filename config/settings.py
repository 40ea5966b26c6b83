"""One settings module, read from the environment (see README "Configuration").

With no environment set, the product runs locally: SQLite (WAL) and a Celery worker on
kombu's filesystem broker under ``var/``. ``DATABASE_URL`` and ``REDIS_URL`` switch to the
served mode (PostgreSQL, Redis, any number of web processes and workers).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import check_database_url, check_redis_url, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
DATABASE_URL = check_database_url(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else ""
REDIS_URL = check_redis_url(os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL") else ""
SERVED_MODE = bool(DATABASE_URL)


def _secret_key() -> str:
    """The key from the environment; locally a random one kept in var/ so sessions survive restarts."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if SERVED_MODE and not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set (served mode).")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Sign-up is open locally and closed in served mode unless asked for.
SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", not SERVED_MODE)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "review",
    "screening",
    "extraction",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "review.context_processors.product",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"


def _databases() -> dict[str, dict[str, object]]:
    if DATABASE_URL:
        db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
        if db["ENGINE"].endswith("sqlite3"):
            db.setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
        return {"default": db}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": _SQLITE_OPTIONS,
            # A file, not memory, so that a real worker process in the integration tests sees it.
            "TEST": {"NAME": str(VAR_DIR / "test-db.sqlite3")},
        }
    }


# WAL lets the screening page read while the worker writes; IMMEDIATE avoids upgrade deadlocks.
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["review.auth.RefuseDemoWithoutDebugBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Upload and import limits (bytes, records): clear messages quote them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_RECORDS = env_int("IMPORT_MAX_RECORDS", 200_000)
FULLTEXT_MAX_BYTES = env_int("FULLTEXT_MAX_BYTES", 50 * 1024 * 1024)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "review.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Review manager API",
    "DESCRIPTION": "Systematic reviews from search to pooled result (PRISMA 2020).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: no CDN (the product works offline).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# NCBI E-utilities: identify ourselves as NCBI asks; the base URL is a setting so tests serve it locally.
NCBI_EMAIL = os.environ.get("NCBI_EMAIL", "")
NCBI_TOOL = os.environ.get("NCBI_TOOL", "review-manager")
NCBI_API_KEY = os.environ.get("NCBI_API_KEY", "")
NCBI_BASE_URL = os.environ.get("NCBI_BASE_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/")
NCBI_RETRY_TRIES = env_int("NCBI_RETRY_TRIES", 5)
NCBI_RETRY_BACKOFF = float(os.environ.get("NCBI_RETRY_BACKOFF", "1.0"))
# Large files are parsed by worker processes while the importing one writes (review/imports/parse_worker.py);
# two workers keep both cores of a two-core machine busy.
IMPORT_PARSE_WORKER = env_bool("IMPORT_PARSE_WORKER", True)
IMPORT_PARSE_WORKERS = env_int("IMPORT_PARSE_WORKERS", 2)
if IMPORT_PARSE_WORKERS < 1:
    raise ImproperlyConfigured(f"IMPORT_PARSE_WORKERS={IMPORT_PARSE_WORKERS} must be at least 1.")

# A cache shared by every web process in served mode (Redis), one per process otherwise. It holds only
# what may be a few seconds old, such as the stage's progress counts (screening.progress).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "sr"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# The stage's progress counts are shared for SCREENING_PROGRESS_MAX_AGE_S seconds once counting them took
# SCREENING_PROGRESS_SHARE_AFTER_MS or more (a large review late in screening); below that they are exact.
SCREENING_PROGRESS_MAX_AGE_S = env_int("SCREENING_PROGRESS_MAX_AGE_S", 5)
SCREENING_PROGRESS_SHARE_AFTER_MS = env_int("SCREENING_PROGRESS_SHARE_AFTER_MS", 5)
# A refit trusts the feature matrix it keeps in memory for this long before reading the record texts
# again to check it (screening/prioritisation/store.py); rebuilds after imports are seen at once.
SCREENING_FEATURES_CHECK_S = env_int("SCREENING_FEATURES_CHECK_S", 60)

# Celery: the embedded filesystem broker by default, Redis in served mode.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Longer than the longest task, so an unacknowledged task is not redelivered while it still runs.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 6 * 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    # kombu's filesystem transport does not create its folders; web and worker both need them.
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
