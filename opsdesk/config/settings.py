"""OpsDesk settings: one module, driven by environment variables (see README "Configuration")."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
# var/ holds everything a running instance writes: the SQLite file, the local secret key, uploads, logs.
VAR_DIR = Path(os.environ.get("OPSDESK_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = _env_bool("OPSDESK_DEBUG", False)
PRODUCTION = _env_bool("OPSDESK_PRODUCTION", False)


def _secret_key() -> str:
    key = os.environ.get("OPSDESK_SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("OPSDESK_SECRET_KEY must be set when OPSDESK_PRODUCTION=1")
    # For local use the key is generated once and kept under var/, so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _env_list("OPSDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("OPSDESK_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "bootstrap",
    "django_filters",
    "django_tables2",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    # ninja serves the API docs' Swagger UI from its own static files (the CDN otherwise).
    "ninja",
    "opsdesk.core",
    "opsdesk.catalog",
    "opsdesk.purchasing",
    "opsdesk.sales",
    "opsdesk.inventory",
    "opsdesk.finance",
    "opsdesk.imports",
    "opsdesk.storeops",
    "opsdesk.service",
    "opsdesk.people",
    "opsdesk.risks",
    "opsdesk.projects",
    "opsdesk.budgets",
    "opsdesk.goals",
    "opsdesk.reports",
    "opsdesk.forecasting",
    "opsdesk.replenishment",
    "opsdesk.cockpit",
]

# Content-Security-Policy (django-csp): scripts only from our own static files, no inline script or handler
# (behaviour comes from data attributes in static/opsdesk/opsdesk.js); styles may be inline (Bootstrap utility
# styles in templates, Plotly's injected styles). Uploaded files are served with their own "sandbox" policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "opsdesk.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opsdesk.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # AxesMiddleware must be last: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsdesk.config.urls"
WSGI_APPLICATION = "opsdesk.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opsdesk.core.context_processors.shell",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("OPSDESK_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'opsdesk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("OPSDESK_CONN_MAX_AGE", 60)))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE transactions avoid "database is locked" upgrades under concurrent writers.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=30000; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }
    if not DATABASE_URL.startswith("sqlite://:memory:"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Login lockout (django-axes): keyed on the username and the client address together.
AXES_FAILURE_LIMIT = int(os.environ.get("OPSDESK_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("OPSDESK_LOGIN_COOLOFF_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("OPSDESK_PROXY_COUNT", 0)) or None
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(os.environ.get("OPSDESK_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sliding expiry without a write per request: opsdesk.core.middleware.SessionRefreshMiddleware saves a session at
# most once per OPSDESK_SESSION_REFRESH_SECONDS.
SESSION_SAVE_EVERY_REQUEST = False
# A background run (forecast, plan) whose worker has not written a heartbeat for this long is failed and retried.
RUN_HEARTBEAT_TIMEOUT = int(os.environ.get("OPSDESK_RUN_HEARTBEAT_SECONDS", 600))
OPSDESK_SESSION_REFRESH_SECONDS = int(os.environ.get("OPSDESK_SESSION_REFRESH_SECONDS", 300))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = os.environ.get("OPSDESK_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("OPSDESK_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# "default" stays per process (the inbox's short-lived rankings); "shared" is seen by every worker process of
# this machine (the public pages' rate-limit counters must hold across gunicorn workers).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
               "LOCATION": str(VAR_DIR / "cache" / "shared"), "OPTIONS": {"MAX_ENTRIES": 20000}},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production serves hashed, compressed files collected by `opsdesk serve`; local use serves straight
        # from the packages (no collectstatic step, nothing to go stale).
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    # The documented production variables: behind TLS, so cookies are secure and HSTS is on.
    SECURE_SSL_REDIRECT = _env_bool("OPSDESK_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("OPSDESK_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("OPSDESK_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPSDESK_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

AUDITLOG_STORE_JSON_CHANGES = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "opsdesk.core.staticfinders.PlotlyFinder",
]
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

# Mail (purchase orders to suppliers, the daily brief, reminders): SMTP when a host is configured, otherwise
# messages are written to var/mail/ so nothing leaves the machine and nothing fails offline.
EMAIL_HOST = os.environ.get("OPSDESK_EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("OPSDESK_EMAIL_FROM", "OpsDesk <opsdesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("OPSDESK_EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("OPSDESK_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("OPSDESK_EMAIL_PASSWORD", "")
    # Implicit TLS (port 465) or STARTTLS (587): Django refuses both at once.
    EMAIL_USE_SSL = _env_bool("OPSDESK_EMAIL_SSL", False)
    EMAIL_USE_TLS = _env_bool("OPSDESK_EMAIL_TLS", not EMAIL_USE_SSL)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
