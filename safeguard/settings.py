"""Safeguard settings: one file, driven by environment variables.

``SAFEGUARD_ENV`` is ``development`` (the default for ``manage.py``) or
``production`` (the default under ``wsgi.py``, i.e. gunicorn). Production
refuses to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``, and turns
on secure cookies, HSTS and mandatory multi-factor authentication.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from safeguard.dbroles import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SAFEGUARD_ENV = os.environ.get("SAFEGUARD_ENV", "development")
if SAFEGUARD_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("SAFEGUARD_ENV must be 'development' or 'production'.")
PRODUCTION = SAFEGUARD_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY (at least 50 random characters) in production.")
    # Development only: a random key kept beside the embedded database, so
    # sessions survive restarts without anyone committing a key.
    path = BASE_DIR / ".data" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "pgtrigger",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "organisations",
    "incidents",
    "disclosures",
    "allegations",
    "notifications",
    "actions",
    "chronology",
    "audits",
    # The project package itself, for cross-app commands such as seed_demo.
    "safeguard",
]

MIDDLEWARE = [
    "safeguard.middleware.RequestIdMiddleware",
    # The reader's access lists, read once per request and forgotten at any write.
    "safeguard.middleware.RequestMemoMiddleware",
    # Outermost after the request id: a database outage anywhere below is a 503 page.
    "safeguard.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Slides the idle timeout at most once a minute (not an UPDATE per request).
    "safeguard.middleware.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Refuses an oversize upload to the public check page before anything
    # (the CSRF check included) reads its body.
    "chronology.public.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "safeguard.middleware.StripNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "organisations.mfa.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "safeguard.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguard.urls"
WSGI_APPLICATION = "safeguard.wsgi.application"

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
                "organisations.context_processors.membership",
                "organisations.mfa.context",
            ],
        },
    },
]

# Every form's fields mark "(optional)", hint date formats and point at their
# errors (organisations/form_pattern.py: the one form pattern).
FORM_RENDERER = "organisations.form_pattern.Renderer"

# Database: two roles (safeguard/dbroles.py, docs/deployment.md). The app connects
# as DATABASE_URL's role, which owns nothing; migrate, flush, backup and restore
# use the "owner" alias, DATABASE_OWNER_URL's role (the same database). Without
# DATABASE_OWNER_URL both aliases use DATABASE_URL (one role: no split). With
# neither set, the embedded server under .data/ provides both.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
if not DATABASE_URL:
    if DATABASE_OWNER_URL:
        raise ImproperlyConfigured("DATABASE_OWNER_URL is set but DATABASE_URL is not.")
    from safeguard.embedded_db import app_database_url, database_url

    DATABASE_OWNER_URL = database_url(BASE_DIR)
    DATABASE_URL = app_database_url(BASE_DIR)


DATABASES = {
    "default": database_settings(DATABASE_URL, app=True),
    "owner": database_settings(DATABASE_OWNER_URL or DATABASE_URL, app=False),
}
if DATABASES["owner"]["NAME"] != DATABASES["default"]["NAME"]:
    # A leftover DATABASE_OWNER_URL must never migrate or restore another database.
    raise ImproperlyConfigured(
        "DATABASE_URL and DATABASE_OWNER_URL must name the same database "
        f"({DATABASES['default']['NAME']!r} and {DATABASES['owner']['NAME']!r})."
    )
# Data migrations' unqualified queries go to the connection migrate runs on.
DATABASE_ROUTERS = ["safeguard.dbroles.MigrationRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# django-axes first: it refuses to even check a password while the username +
# address pair is locked out. organisations.lockout.LockoutBackend is axes'
# backend, tolerant of code paths that authenticate without a request.
AUTHENTICATION_BACKENDS = [
    "organisations.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False  # safeguard.middleware.IdleTimeoutMiddleware slides it
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves straight from the app folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("SAFEGUARD_MEDIA_ROOT", BASE_DIR / ".data" / "media"))
# Evidence files (incidents/evidence.py) through Django's storage API: the
# filesystem under .data/evidence by default (never served by URL: only the
# download view, which applies the access rules, reads them). Several app
# servers need a shared store: an S3-compatible one through django-storages
# (docs/evidence.md), e.g. SAFEGUARD_EVIDENCE_STORAGE=storages.backends.s3.S3Storage.
_EVIDENCE_BACKEND = os.environ.get("SAFEGUARD_EVIDENCE_STORAGE", "")
STORAGES["evidence"] = (
    {
        "BACKEND": _EVIDENCE_BACKEND,
        # django-storages' S3Storage; credentials from the usual AWS_* variables.
        "OPTIONS": {
            "bucket_name": os.environ.get("SAFEGUARD_EVIDENCE_BUCKET", ""),
            "endpoint_url": os.environ.get("SAFEGUARD_EVIDENCE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("SAFEGUARD_EVIDENCE_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
    if _EVIDENCE_BACKEND
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get(
                "SAFEGUARD_EVIDENCE_ROOT", str(BASE_DIR / ".data" / "evidence")
            ),
        },
    }
)
SAFEGUARD_EVIDENCE_MAX_BYTES = int(
    os.environ.get("SAFEGUARD_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))
)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Audit trail: our own hash-chained log model behind django-auditlog.
AUDITLOG_LOGENTRY_MODEL = "audits.AuditEntry"
# auditlog's migrations create its own (swapped-out, unused) log table, which
# references auth_user and breaks the TRUNCATE that flushes the test database
# between transactional (browser) tests. Nothing in that app needs migrating.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_CID_GETTER = "safeguard.middleware.get_request_id"
# Key for the fingerprints of changed text kept in the log (docs/audit-trail.md).
# Defaults to SECRET_KEY; set it separately so rotating SECRET_KEY keeps old
# fingerprints checkable.
AUDIT_FINGERPRINT_KEY = os.environ.get("AUDIT_FINGERPRINT_KEY", "")

# Security headers. Production adds HSTS and secure cookies.
# Strict CSP: no inline script or style anywhere (data: images only for the
# SVG icons inside Bootstrap's CSS), nothing may frame us, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: HTTPS only, this exact host, no Domain attribute to widen them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# /healthz and /readyz answer plain HTTP from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Authentication hardening (see SECURITY.md) -----------------------------
# A second factor (TOTP app + one-time recovery codes) for every user. On by
# default in production, off for the development demo and the test suite.
SAFEGUARD_REQUIRE_MFA = env_bool("SAFEGUARD_REQUIRE_MFA", PRODUCTION)
# Need-to-know changes and exports ask the user to prove it is still them when
# their last verification is older than this.
SAFEGUARD_REAUTH_SECONDS = int(os.environ.get("SAFEGUARD_REAUTH_SECONDS", "600"))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Safeguard")
# A new account's one-time sign-in link (set password + enrol two-step) lasts this long.
SAFEGUARD_SIGN_IN_LINK_HOURS = int(os.environ.get("SAFEGUARD_SIGN_IN_LINK_HOURS", "72"))
# Regulation 17 asks for contemporaneous records: a chronology entry recorded
# more than this many hours after it happened needs a reason (record-quality
# finding otherwise; incidents/quality.py).
SAFEGUARD_LATE_ENTRY_HOURS = int(os.environ.get("SAFEGUARD_LATE_ENTRY_HOURS", "24"))

# django-axes: lock a username from one address after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "organisations.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "organisations.lockout.lockout_username"
AXES_SENSITIVE_PARAMETERS = ["password"]
if os.environ.get("TRUSTED_PROXY_COUNT"):
    # Behind N reverse proxies that set X-Forwarded-For; never trust it otherwise.
    AXES_IPWARE_PROXY_COUNT = int(os.environ["TRUSTED_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Background work (large chronology exports): django-tasks with its database
# backend; `manage.py db_worker` runs the jobs (`make run` starts one).
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs them inline.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Chronology exports with more timeline items than this render in the background.
SAFEGUARD_EXPORT_SYNC_LIMIT = int(os.environ.get("SAFEGUARD_EXPORT_SYNC_LIMIT", "200"))
# Processes a large export (300+ items) renders in, one part each; unset: one per
# core, at most four. 1 renders every export in one process.
SAFEGUARD_EXPORT_RENDER_PROCESSES = (
    int(os.environ["SAFEGUARD_EXPORT_RENDER_PROCESSES"])
    if os.environ.get("SAFEGUARD_EXPORT_RENDER_PROCESSES")
    else None
)

# Signed exports (chronology/signing.py; README and docs/deployment.md). Every
# export carries a PAdES signature made with this PKCS#12 file's key; without
# it production refuses to start. Development makes a self-signed certificate
# once under .data/signing/ and reuses it.
SAFEGUARD_SIGNING_PKCS12 = os.environ.get("SAFEGUARD_SIGNING_PKCS12", "")
SAFEGUARD_SIGNING_PASSPHRASE = os.environ.get("SAFEGUARD_SIGNING_PASSPHRASE", "")
if PRODUCTION and not SAFEGUARD_SIGNING_PKCS12:
    raise ImproperlyConfigured(
        "Set SAFEGUARD_SIGNING_PKCS12 (and SAFEGUARD_SIGNING_PASSPHRASE) in production: "
        "every export is signed with that certificate."
    )
# An RFC 3161 timestamp authority; when set every signature carries its timestamp.
SAFEGUARD_TSA_URL = os.environ.get("SAFEGUARD_TSA_URL", "")
SAFEGUARD_TSA_TIMEOUT = int(os.environ.get("SAFEGUARD_TSA_TIMEOUT", "10"))
# Where readers outside the provider check a file (printed on every export's
# cover), e.g. https://safeguard.example.org. Unset: the address the export was
# requested on.
SAFEGUARD_PUBLIC_URL = os.environ.get("SAFEGUARD_PUBLIC_URL", "").rstrip("/")
# Local hour from which send_reminders sends the daily My work digest (docs/actions.md).
SAFEGUARD_DIGEST_HOUR = int(os.environ.get("SAFEGUARD_DIGEST_HOUR", "7"))
# The public check page: the largest upload it reads, and checks per client
# address per hour (counted in the database, so across all workers).
SAFEGUARD_CHECK_MAX_BYTES = int(os.environ.get("SAFEGUARD_CHECK_MAX_BYTES", str(25 * 1024 * 1024)))
SAFEGUARD_CHECK_RATE = int(os.environ.get("SAFEGUARD_CHECK_RATE", "30"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "safeguard@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "safeguard.middleware.RequestIdLogFilter"},
        # Exception messages can quote record text (database errors echo values):
        # logs keep the exception type and stack, never the message.
        "redact_exceptions": {"()": "safeguard.logsafety.RedactExceptionsFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
        "json": {"()": "safeguard.logjson.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "redact_exceptions"],
            # LOG_FORMAT=json: one JSON object per line, for log shippers.
            "formatter": "json" if os.environ.get("LOG_FORMAT", "").lower() == "json" else "plain",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies and record text never go to logs; Django's request
        # logger only carries the path and status.
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        # Lockouts are warnings; every attempt is already in axes' tables.
        "axes": {"level": "WARNING"},
    },
}
