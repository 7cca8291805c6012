"""Settings for the Kerman home-business job tracker.

One file, read from the environment. With nothing set the app runs on a SQLite
file with Celery tasks executed in-process, so `make run` works on a fresh
machine; DATABASE_URL and REDIS_URL switch to PostgreSQL and a real broker.
"""

import hashlib
import hmac
import logging
import os
from email.utils import getaddresses
from pathlib import Path

import dj_database_url

from core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_addresses(name: str) -> list[tuple[str, str]]:
    """ "Name <a@example.ir>, b@example.ir" → [("Name", "a@example.ir"), ("b@example.ir", "b@example.ir")].
    An entry that is not an address stops the start: errors mailed to nobody go unseen."""
    found = []
    for display, address in getaddresses([os.environ.get(name, "")]):
        if not display and not address:
            continue  # an empty entry: "a@b, , c@d" or a trailing comma
        if "@" not in address.strip("@"):
            raise RuntimeError(f"{name}: {display or address!r} is not an e-mail address")
        found.append((display or address, address))
    return found


DEBUG = env_bool("DEBUG", True)

# A development key is fine only while DEBUG is on; production must set its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-kerman-jobs-do-not-use-in-production"
if not DEBUG and SECRET_KEY.startswith("dev-only"):
    raise RuntimeError("SECRET_KEY must be the production's own random key when DEBUG is off")

# The key of the owners' national-code hashes (registry: equal codes match, the code is
# not kept). Set NATIONAL_CODE_KEY to keep it apart from SECRET_KEY; changing either one
# that is in use breaks matching: codes saved before and after no longer match.
NATIONAL_CODE_KEY = (
    os.environ.get("NATIONAL_CODE_KEY")
    or hmac.new(SECRET_KEY.encode(), b"kerman-jobs national code", hashlib.sha256).hexdigest()
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "django_celery_beat",
    "csp",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files, served by the site (no CDN) for /api/docs/.
    "drf_spectacular_sidecar",
    # The kit every app imports (Persian edge, fields, charts, caches, roles, admin
    # helpers, the fa formats and translations); it imports no project app.
    "core",
    "programs",
    "commitments",
    "registry",
    "reports",
    # Notices in the site and by e-mail: it listens to commitments' and reports' signals.
    "notifications",
    # The public accountability pages, no login (/public/).
    "accountability",
    # The partner API: tokens per organisation, /api/v1/ over the apps' own services.
    "api",
    # The project itself is an app only for the commands that wire the apps together
    # (seed_kerman, bench, backup_data, restore_data).
    "kerman_jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware, except that a background poll does not push the idle deadline.
    "core.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # @require_POST's empty 405 becomes a Persian page (Django has no handler405).
    "core.http_errors.PersianMethodNotAllowedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kerman_jobs.urls"

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
            "builtins": ["core.templatetags.persian"],
        },
    },
]

WSGI_APPLICATION = "kerman_jobs.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The worklist's covering index (registry.BusinessFigure, INCLUDE columns) is PostgreSQL's;
# SQLite (the embedded default) builds it without them and Django says so on every command.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with the person's roles read in the same query as the person.
    "core.auth.RoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "core.passwords.PersianMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
# None: logging out shows templates/registration/logged_out.html («از سامانه خارج شدید»),
# so a person sees that it worked, rather than a login form that says nothing.
LOGOUT_REDIRECT_URL = None

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی")]
LOCALE_PATHS = [BASE_DIR / "core" / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True
# Django's fa formats set no grouping; ours groups by three with «٬».
FORMAT_MODULE_PATH = ["core.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded evidence and built reports are private: they are served by views that
# check access, never from a public media URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"

# Celery: a real broker when REDIS_URL is set, otherwise tasks run in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A Redis that hangs (stopped, not gone) accepts connections and never answers: without
# timeouts a publish (a report request) waits until gunicorn kills the worker. With them it
# gives up after about a second, retried once, and the report stays «در صف» for the sweep.
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "1"))
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis redelivers a task whose worker died (acks late) after this many seconds.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
}

# Deadline reports (reports/): drafts this many days before a deadline, the final pack
# on the day. A build still "running" after REPORT_STALE_SECONDS is presumed dead (its
# worker was killed) and may be claimed again when its task is redelivered.
REPORT_DRAFT_DAYS_BEFORE = [int(d) for d in env_list("REPORT_DRAFT_DAYS_BEFORE", "10,3")]
# Separation of duties: nobody verifies or returns a progress entry they entered. This
# lets the admin (superuser) do it anyway, for a one-person pilot; the history then
# names it a self-review. Off unless set.
ALLOW_SELF_REVIEW = env_bool("ALLOW_SELF_REVIEW", False)

REPORT_STALE_SECONDS = int(os.environ.get("REPORT_STALE_SECONDS", "900"))
# A pending report that never reached the broker (Redis down) is resent by a periodic
# sweep once it is this old, so the request's own on_commit send goes first.
REPORT_RESEND_AFTER_SECONDS = int(os.environ.get("REPORT_RESEND_AFTER_SECONDS", "30"))
REPORT_QUEUE = os.environ.get("REPORT_QUEUE") or None  # None: Celery's default queue
# Tests only: a pause between the PDF and the Excel file, so a worker can be killed mid-build.
REPORT_BUILD_PAUSE_SECONDS = float(os.environ.get("REPORT_BUILD_PAUSE_SECONDS", "0"))
# Public pages (accountability/, at /public/): requests a minute per client address before a 429.
PUBLIC_RATE_LIMIT = int(os.environ.get("PUBLIC_RATE_LIMIT", "120"))
# Notifications (notifications/): the queue their e-mail tasks go to (None: Celery's
# default), and how long a pending e-mail waits for its own task before the periodic
# sweep sends it (the rows are the queue of record; a lost task message loses nothing).
NOTIFICATION_QUEUE = os.environ.get("NOTIFICATION_QUEUE") or None
NOTIFICATION_RESEND_AFTER_SECONDS = int(os.environ.get("NOTIFICATION_RESEND_AFTER_SECONDS", "60"))
# Links in e-mails point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if REDIS_URL:
    # A cache that never takes the site down: with Redis stopped, reads miss and
    # writes are dropped (logged), so pages and data entry keep working.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            # Test processes run side by side on one Redis (pytest -n): each keeps its own keys.
            "KEY_PREFIX": "kerman_jobs" + os.environ.get("PYTEST_XDIST_WORKER", ""),
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "core.mail.StderrConsoleBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@kerman.local")
# Django's own names for the SMTP server (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# An error mail is sent inside the failing request: a mail server that does not answer must
# not hold the gunicorn worker for long.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
if os.environ.get("EMAIL_FILE_PATH"):  # for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]

# Server errors (500s) are mailed to ADMINS, "Name <a@example.ir>, b@example.ir", when it is
# set and DEBUG is off; from SERVER_EMAIL.
ADMINS = env_addresses("ADMINS")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL") or DEFAULT_FROM_EMAIL

# Failed-login throttling: five tries, then a cool-off, counted per user name and client
# address (core/client_ip.py). The address comes from X-Forwarded-For as written by the proxy:
# TRUSTED_PROXY_COUNT proxies stand in front (1: nginx, docs/deploy.md; 0: none, the peer is
# the client), and the header is believed only from a unix-socket peer or an address in
# TRUSTED_PROXIES (a proxy that reaches gunicorn over TCP, e.g. 127.0.0.1). Where the address
# is unknown, those clients share a count per user name with a one-minute cool-off: a
# throttle, not a lock.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = "core.client_ip.lockout_cooloff"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "axes_locked_out.html"

# Idle timeout: every request pushes the expiry forward, so a session ends after
# SESSION_IDLE_MINUTES without a request (and when the browser closes). Not the reports
# page's status polling (header X-Background-Poll: 1, core.sessions.IdleSessionMiddleware):
# an open tab is not a person at work.
SESSION_COOKIE_AGE = 60 * int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_SAVE_EVERY_REQUEST = True
# …but the pushed deadline is written at most once a minute: a request within a minute of
# the last write leaves it (core.sessions). A session so ends between SESSION_IDLE_MINUTES
# less a minute and SESSION_IDLE_MINUTES after the last request, never later; and most
# pages spare three statements (BEGIN, UPDATE, COMMIT).
SESSION_TOUCH_SECONDS = 60
# Sessions stay in the database (no Redis needed); a lost database gives a 500, not a 400.
SESSION_ENGINE = "core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The health probe (kerman_jobs/health.py) answers over plain http too: systemd, a monitor or
# nginx's own check reach gunicorn's socket without TLS and without X-Forwarded-Proto.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this
# site only; no inline script or style (the pages and Django's admin need none), no
# framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "font-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

if not DEBUG:
    # Secure-only cookies and the HTTPS redirect are for a deployment behind TLS. `make run`
    # serves the demo with DEBUG off on plain http://127.0.0.1 and so sets SECURE_COOKIES=0 and
    # SECURE_SSL_REDIRECT=0: a browser never sends a Secure cookie back over http, and login fails.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Upload limits, one number: a post (an import file, a form) up to UPLOAD_MAX_MB; evidence
# files up to 5 MB. nginx's client_max_body_size (docs/deploy.md) is this plus 1 MB for the
# form around a file, so an oversized file reaches the app and is refused in Persian.
UPLOAD_MAX_MB = 12
UPLOAD_MAX_BYTES = UPLOAD_MAX_MB * 1024 * 1024
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The partner API (api/, README «API برای شرکا»). A body over API_MAX_BODY_KB or a batch of
# more than API_BATCH_MAX_ROWS businesses is refused (413); API_RATE requests per token
# (REST framework's "N/second|minute|hour|day"), counted in the cache.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_KB", "1024")) * 1024
API_BATCH_MAX_ROWS = int(os.environ.get("API_BATCH_MAX_ROWS", "1000"))
API_RATE = os.environ.get("API_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.limits.TokenRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["api.limits.JsonBodyParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "رابط برنامه‌نویسی سامانهٔ پایش مشاغل خانگی استان کرمان",
    "DESCRIPTION": (
        "گزارش پیشرفت، کسب‌وکارها و پایش استمرار را سامانهٔ بانک یا نهاد شریک مستقیم می‌فرستد، با همان "
        "بررسی‌ها و همان تأیید مقام استانی که در سایت. هر درخواست با سرآیند Authorization: Bearer <توکن>. "
        "تاریخ‌ها شمسی (۱۴۰۵/۰۸/۲۰ یا 1405/08/20) یا میلادی ISO (2026-11-11)؛ پاسخ‌ها هر دو را دارند. "
        f"بدنه حداکثر {API_MAX_BODY_BYTES // 1024} کیلوبایت، دستهٔ کسب‌وکارها حداکثر {API_BATCH_MAX_ROWS} ردیف، "
        f"و {API_RATE.split('/')[0]} درخواست در هر "
        f"{dict(s='ثانیه', m='دقیقه', h='ساعت', d='روز').get(API_RATE.split('/')[-1][:1], API_RATE)} برای هر توکن."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False, "displayOperationId": False},
}

# Everything to stderr (the journal under systemd): one JSON object a line with
# LOG_FORMAT=json, plain text otherwise. gunicorn (gunicorn.conf.py) and the Celery worker
# (kerman_jobs/celery.py) log through the same configuration.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = logging_config(fmt=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "WARNING"), mail_admins=bool(ADMINS))
# Python's warnings would otherwise be written to stderr as bare text between the JSON lines.
logging.captureWarnings(True)

# Error reports to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set:
# unhandled errors of pages and Celery tasks, with their stack traces. Without cookies, user
# names or addresses (send_default_pii=False), and also without the values of each frame's
# variables and the posted form: those held the session key of the failing request when
# tried, and can hold passwords or owners' national codes. Without the variable nothing is
# loaded and nothing is sent.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
    )
