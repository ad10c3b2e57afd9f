"""Pathwise settings, read from the environment.

Local defaults need no server: SQLite in WAL mode, a filesystem Celery broker and a
filesystem cache, all under ``var/``. ``PATHWISE_ENV=production`` switches to the
hardened shape (``manage.py check --deploy`` passes with no warnings) and refuses to
start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, env_trusted_proxies, secret_key_problem
from config.spectacular import spectacular_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PATHWISE_VAR_DIR", str(BASE_DIR / "var")))

PATHWISE_ENV = env_str("PATHWISE_ENV", "development")
if PATHWISE_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"PATHWISE_ENV must be development, production or test, got {PATHWISE_ENV!r}")
PRODUCTION = PATHWISE_ENV == "production"

_DEV_SECRET = "pathwise-development-only-secret-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (problem := secret_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY {problem}: it must be set to a random string of 50+ characters, e.g. the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Pathwise is served on")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Behind a proxy that rewrites Host, trust the X-Forwarded-Host it sets (it must then be in
# ALLOWED_HOSTS) so absolute URLs, such as the API's next/previous page links, name the
# public host. Off by default: a client could otherwise choose the host those URLs name.
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "simple_history",
    "roadmap",
    "progress",
    "quizzes",
    "api",
    "web",
]

MIDDLEWARE = [
    # First, so that every error under /api/ is JSON, even one raised by the middleware below.
    "api.middleware.JSONErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Who made each change in the curation history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a locked-out login (any door) into a 429 with Retry-After; see progress.lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The pages' own filters (markdown, day...) in every template without a {% load %}.
            "builtins": ["web.templatetags.roadmap_tags"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.notices",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
_SQLITE_PATH = VAR_DIR / "pathwise.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_SQLITE_PATH}"),
        # Production keeps each process's connection for 10 minutes instead of opening one per
        # request (a new PostgreSQL connection costs more than most of our requests).
        conn_max_age=env_int("CONN_MAX_AGE", 600 if PRODUCTION else 0),
        # A kept connection that died with a database restart is replaced, not used for a 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the Celery worker writes; IMMEDIATE makes a
    # writer take the lock up front instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "progress.User"

# --- Cache ---------------------------------------------------------------------------------
# The roadmap graph is cached per graph version and shared by web and worker processes, so
# the local default is a file cache rather than per-process memory.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    # A miss, never an error, while Redis is away (config.cache).
    CACHES = {"default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL == "":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
else:
    raise ImproperlyConfigured(f"CACHE_URL must be redis://..., locmem:// or empty, got {CACHE_URL!r}")

# --- Auth ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # each role lands where it works (web.home.views.home)
LOGOUT_REDIRECT_URL = "roadmap:map"
# Failed logins (django-axes with progress.lockout): after LOGIN_FAILURE_LIMIT failures for
# one username from one client address, or LOGIN_FAILURE_LIMIT_PER_ADDRESS from one address
# for any usernames, further attempts are refused — before any password is checked — until
# LOGIN_LOCKOUT_SECONDS after the last failure. Web login, /admin/login/ and the API token alike.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
AUTHENTICATION_BACKENDS = ["progress.lockout.LockoutBackend"]
AXES_HANDLER = "progress.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = "progress.lockout.lockout_period"
AXES_USERNAME_CALLABLE = "progress.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "progress.clients.client_address"
AXES_LOCKOUT_CALLABLE = "progress.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

# Proxies whose X-Forwarded-For is believed (progress.clients): empty = none, a count ("1") or
# networks ("172.30.0.0/24"); every client-address use (lockouts, throttles) follows it.
TRUSTED_PROXIES = env_trusted_proxies("TRUSTED_PROXIES")

# --- I18N ----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Only for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Pathwise <noreply@localhost>")

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.authentication.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Ours refuse over-large and deeply nested bodies with a 4xx; the renderer survives
    # lone surrogates echoed back in error messages.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# An API token unused for this many days stops working (api.auth.authentication).
API_TOKEN_IDLE_DAYS = env_int("API_TOKEN_IDLE_DAYS", 30)
# Request bodies above this are refused with 413 before they reach a parser.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)

# The OpenAPI document's metadata, tags and post-processing (config/spectacular.py).
SPECTACULAR_SETTINGS = spectacular_settings()

# --- Celery ----------------------------------------------------------------------------------
_BROKER_DIR = VAR_DIR / "broker"
# Redis redelivers a task taken but not acknowledged (acks are late) after this many seconds:
# above the longest task's hard limit (1,900 s), or a slow task runs twice at once (checked by
# tests/config/test_celery_settings.py). Reminders and link checks recover sooner on their own.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A reminder claimed this long ago and not sent is delivered again (quizzes.reminders).
REMINDER_CLAIM_TIMEOUT_SECONDS = env_int("REMINDER_CLAIM_TIMEOUT_SECONDS", 300)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # Every hour on the hour: learners whose local reminder hour it is (fanned out in chunks).
    "quizzes-review-reminders": {"task": "quizzes.tasks.send_review_reminders", "schedule": crontab(minute=0)},
    # Every five minutes: reminders a killed worker left pending or half-done.
    "quizzes-retry-reminders": {"task": "quizzes.tasks.retry_reminders", "schedule": crontab(minute="*/5")},
    # Nightly: topic mastery and needs-review flags.
    "quizzes-refresh-mastery": {"task": "quizzes.tasks.refresh_mastery", "schedule": crontab(hour=3, minute=15)},
    # Monthly: each learner's own FSRS parameters, adopted only if better on recent reviews.
    "quizzes-optimise-parameters": {
        "task": "quizzes.tasks.optimise_parameters",
        "schedule": crontab(day_of_month=1, hour=4, minute=30),
    },
    # Nightly: resources' link health (the due ones, in chunks grouped by host).
    "roadmap-check-due-links": {"task": "roadmap.tasks.check_due_links", "schedule": crontab(hour=2, minute=30)},
    # Nightly: Idempotency-Key records older than a week.
    "api-forget-idempotency-keys": {
        "task": "api.tasks.forget_old_idempotency_keys",
        "schedule": crontab(hour=3, minute=45),
    },
}

# --- Link health -----------------------------------------------------------------------------
# Networks the link checker may reach although they are not global addresses. Only tests set
# this (to reach their own server on 127.0.0.1); `check --deploy` warns when it is set in
# production.
LINKCHECK_ALLOW_NETWORKS = env_list("LINKCHECK_ALLOW_NETWORKS")

# Implicit review credit along prerequisites (quizzes.fire, quizzes.credits): a successful
# review of a topic credits the quiz cards of what it builds on. On unless turned off here.
IMPLICIT_CREDIT = env_bool("IMPLICIT_CREDIT", True)

# --- Security (production) -------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]

# Content-Security-Policy on every response (django-csp): everything from this site only, no
# inline script anywhere (the API docs pages add an inline style, api/urls.py).
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
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
