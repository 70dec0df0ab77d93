"""Settings for the student portfolio site, read from the environment (12-factor).

Development defaults are safe to run as they are. With ``DEBUG=0`` the site refuses to
start without ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``. Every
variable is listed in README.md.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab

from portfolio_site import log_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def stop_startup(message: str) -> None:
    """Stop start-up with one clear line instead of a traceback."""
    sys.stderr.write(f"Configuration error: {message}\n")
    raise SystemExit(2)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    stop_startup(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}.")
    return default  # unreachable


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        stop_startup(f"{name} must be a whole number, not {raw!r}.")
        return default  # unreachable


DEBUG = env_bool("DEBUG", True)

# --- Secrets and hosts --------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not DEBUG:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        stop_startup(
            f"DEBUG is off, so {' and '.join(missing)} must be set in the environment "
            "(see README.md, 'Running in production')."
        )
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        stop_startup("SECRET_KEY must be at least 50 random characters when DEBUG is off.")
else:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-use-in-production-4f1b2"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Applications -------------------------------------------------------------------
INSTALLED_APPS = [
    "core.apps.SiteAdminConfig",  # django.contrib.admin with core.admin_site.SiteAdmin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    # The project's apps, bottom layer first (ARCHITECTURE.md): receivers connect in this
    # order, and a lower app never imports a higher one.
    "core",
    "outbox",
    "accounts",
    "portfolios",
    "achievements",
    "journal",
    "search",
    "feedback",
    "comments",
    "contacts",
    "analytics",
    "notifications",
    "experiments",
    "recommendations",
    "pages",
    "transfer",
    "demo",
]

MIDDLEWARE = [
    # First: every response, log line and queued task of the request carries its id.
    "core.request_id.RequestIdMiddleware",
    # /healthz and /livez answered before the host check and the HTTPS redirect, so a load
    # balancer probes by IP address over plain HTTP (portfolio_site/health.py).
    "portfolio_site.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response that has none of its own (CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.htmx: views answer htmx requests (live updates) with a fragment.
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portfolio_site.urls"
WSGI_APPLICATION = "portfolio_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                # The unread count on the bell: one COUNT, for signed-in users only.
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if not DATABASE_URL:
    if not DEBUG and not env_bool("ALLOW_EMBEDDED_DB", False):
        stop_startup(
            "DEBUG is off, so DATABASE_URL must point at the production PostgreSQL "
            "(postgres://USER:PASSWORD@HOST:PORT/NAME)."
        )
    from portfolio_site import embedded_db

    try:
        DATABASE_URL = embedded_db.ensure_running(VAR_DIR)
    except embedded_db.DataFolderVersion as error:  # an old server's folder: make db-upgrade
        stop_startup(str(error))
    DATABASE_IS_EMBEDDED = True
else:
    DATABASE_IS_EMBEDDED = False


def _database_from_url(url: str) -> dict:
    import dj_database_url

    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        stop_startup(
            "DATABASE_URL must be a PostgreSQL URL such as "
            f"postgres://USER:PASSWORD@HOST:5432/NAME, not {url.split('://')[0]!r}."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except Exception as error:  # noqa: BLE001 - any parse failure gets the same one line
        stop_startup(f"DATABASE_URL could not be read ({error}).")
    if not config.get("NAME"):
        stop_startup("DATABASE_URL names no database: add /NAME at its end.")
    return config


DATABASES = {"default": _database_from_url(DATABASE_URL)}
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------
# Shared state lives in shared services (ARCHITECTURE.md, "Shared state"): with DEBUG off,
# REDIS_URL is required, so every app server reads one cache and counts one set of limits.
# "default": pages' cached parts; an unreachable Redis makes it a cache that misses (pages
# are still served, one warning logged). "limits": the rate limits (core/limits.py); its
# errors reach the caller, which refuses sign-in, reset e-mails and comments for the moment.
# Short socket timeouts: a dead Redis costs milliseconds. Without REDIS_URL (development,
# `make run`, tests) both are this process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Put before every key, for several sites sharing one Redis database.
REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "").strip()
if not DEBUG and not REDIS_URL:
    stop_startup(
        "DEBUG is off, so REDIS_URL must point at the Redis all app servers share "
        "(redis://HOST:6379/0): the cache and the rate limits live there."
    )
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    stop_startup(f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}.")


def redis_caches(url: str, key_prefix: str = "") -> dict:
    """The two cache aliases in the Redis at ``url`` (the tests use it too)."""
    prefix = f"{key_prefix}:" if key_prefix else ""
    options = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"{prefix}cache",
            "OPTIONS": options,
        },
        "limits": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"{prefix}limits",
            "OPTIONS": options,
        },
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL, REDIS_KEY_PREFIX)
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "limits",
        },
    }
# Sessions stay in the database: shared by every app server, and a sign-out is final even
# while Redis is unreachable (a cached_db session could outlive it in a stale cache).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background work (Celery) --------------------------------------------------------
# The broker: CELERY_BROKER_URL, else REDIS_URL. With neither (the `make run` default) tasks
# run inline after the transaction that queued them commits (core/tasks.py), so the two
# commands need no worker. Results are not kept: tasks record what they did in the database.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it has finished, so a worker killed mid-task leaves it queued
# for the next one; tasks are written to run twice without doing anything twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers a task not acknowledged within this time (longer than any task runs).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# Publishing gives up quickly when the broker is down: the request is not held, and what
# was to be sent is picked up again from the database (core/tasks.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = os.environ.get("TIME_ZONE", "Asia/Bishkek")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Filled in below by the apps' scheduled tasks (see "Scheduled work").
CELERY_BEAT_SCHEDULE: dict = {}

# --- Scheduled work (Celery beat) -----------------------------------------------------
# What cron used to run; each task calls what its management command calls (the commands
# stay for runs by hand). `expires`: a run that waited in the queue past its next one is
# dropped, so a worker back after an outage does not run a backlog of the same job.
CELERY_BEAT_SCHEDULE["analytics-refresh"] = {
    "task": "analytics.tasks.refresh",  # manage.py analytics_refresh
    "schedule": crontab(hour=0, minute=5),
    "options": {"expires": 6 * 3600},
}
CELERY_BEAT_SCHEDULE["analytics-purge-view-counts"] = {
    "task": "analytics.tasks.purge_view_counts",  # manage.py purge_view_counts
    "schedule": crontab(hour=3, minute=45),
    "options": {"expires": 6 * 3600},
}
CELERY_BEAT_SCHEDULE["notifications-digest"] = {
    "task": "notifications.tasks.send_digest",  # manage.py send_notification_digest
    "schedule": crontab(hour=8, minute=0),
    "options": {"expires": 6 * 3600},
}
CELERY_BEAT_SCHEDULE["notifications-purge"] = {
    "task": "notifications.tasks.purge",  # manage.py purge_notifications
    "schedule": crontab(hour=3, minute=30),
    "options": {"expires": 6 * 3600},
}
# Words of deleted or hidden portfolios leave the search vocabulary; counts are renewed.
CELERY_BEAT_SCHEDULE["search-rebuild-vocabulary"] = {
    "task": "search.tasks.rebuild_vocabulary",  # manage.py search_rebuild_vocabulary
    "schedule": crontab(hour=3, minute=40),
    "options": {"expires": 6 * 3600},
}
CELERY_BEAT_SCHEDULE["journal-publish-due-posts"] = {
    "task": "journal.tasks.publish_due_posts",  # manage.py publish_due_posts
    "schedule": crontab(minute="*/10"),
    "options": {"expires": 9 * 60},
}
CELERY_BEAT_SCHEDULE["outbox-send-pending"] = {
    "task": "outbox.tasks.send_pending",  # manage.py send_queued_email
    "schedule": crontab(),  # every minute
    "options": {"expires": 55},
}
CELERY_BEAT_SCHEDULE["outbox-purge"] = {
    "task": "outbox.tasks.purge",
    "schedule": crontab(hour=4, minute=0),
    "options": {"expires": 6 * 3600},
}

# --- Transfer jobs ----------------------------------------------------------------------
# Exports and imports of portfolios run as jobs (transfer/tasks.py) with a progress page. An
# export whose files take at most TRANSFER_INLINE_EXPORT_BYTES is made in the request (a
# fraction of a second), so its page offers the download at once.
TRANSFER_INLINE_EXPORT_BYTES = env_int("TRANSFER_INLINE_EXPORT_BYTES", 20 * 1024 * 1024)
TRANSFER_EXPORT_DAYS = env_int("TRANSFER_EXPORT_DAYS", 7)  # a download is kept this long
TRANSFER_JOB_KEEP_DAYS = env_int("TRANSFER_JOB_KEEP_DAYS", 30)  # then the job's row goes
# A job still waiting this long is queued again (the broker was down when it started) ...
TRANSFER_REQUEUE_MINUTES = env_int("TRANSFER_REQUEUE_MINUTES", 10)
# ... and one waiting or running this long (past the broker's redelivery) is stopped.
TRANSFER_JOB_TIMEOUT_HOURS = env_int("TRANSFER_JOB_TIMEOUT_HOURS", 6)
CELERY_BEAT_SCHEDULE["transfer-cleanup"] = {
    "task": "transfer.tasks.cleanup",
    "schedule": crontab(minute="*/10"),
    "options": {"expires": 9 * 60},
}

# How long the analytics dashboard's figures are reused before they are computed again.
ANALYTICS_CACHE_SECONDS = int(os.environ.get("ANALYTICS_CACHE_SECONDS", "300"))
# Comments one user may post in a minute (comments/services.py); more get a form error.
COMMENTS_PER_MINUTE = env_int("COMMENTS_PER_MINUTE", 10)
# Invitations to get in touch one employer may send in 24 hours (contacts/services.py).
CONTACT_REQUESTS_PER_DAY = env_int("CONTACT_REQUESTS_PER_DAY", 20)
# PDF CVs one user may have made in ten minutes (pages/cv.py): each takes a second or two of
# a web server's time, so more are refused with a translated "try again later".
CV_PDFS_PER_10_MINUTES = env_int("CV_PDFS_PER_10_MINUTES", 20)

# --- Accounts and authentication ------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out user is stopped before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Students may sign up only with an address at these domains (empty: any domain).
STUDENT_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("STUDENT_EMAIL_DOMAINS")]

# Repeated failed logins: lock the username from that address for a while. Locking by
# address alone would lock out a whole campus behind one NAT address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT:
    # Behind PROXY_COUNT reverse proxies the client is the address they add on the right.
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# Failed logins from one address across all usernames, before it is blocked too (high,
# because a whole campus may share one address).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50)
# Password-reset e-mails per address and per account in an hour.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)

# --- Languages ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Each language is named in itself, so a reader finds theirs whatever the page's language.
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("ky", "Кыргызча")]
# The first catalogue that has a string wins: locale_overrides/ corrects third-party strings
# (Django's Kyrgyz admin and dates, django-axes, which has no Kyrgyz) and is never touched by
# makemessages; locale/ holds the project's own strings.
LOCALE_PATHS = [BASE_DIR / "locale_overrides", BASE_DIR / "locale"]
# Dates and numbers after CLDR where Django's own formats differ (portfolio_site/formats/).
FORMAT_MODULE_PATH = ["portfolio_site.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Bishkek")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portfolio_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
# No script reads the language cookie: the server sets it (language switch, profile).
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))


def _bootstrap_dir() -> str:
    import xstatic.pkg.bootstrap

    return xstatic.pkg.bootstrap.BASE_DIR


STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/bootstrap", _bootstrap_dir())]
# Uploaded files go through Django's storage API only. Locally they live under MEDIA_ROOT,
# which no URL serves: every download passes an access check (core/files/delivery.py).
# With S3_BUCKET set they go to any S3-compatible store, private, handed out as signed URLs
# that expire after FILE_URL_EXPIRE_SECONDS.
FILE_URL_EXPIRE_SECONDS = env_int("FILE_URL_EXPIRE_SECONDS", 300)


# --- S3-compatible storage (docs/storage.md) --------------------------------------------
def s3_storage(environ=os.environ) -> dict:
    """STORAGES["default"] for the bucket named by ``environ`` (S3_BUCKET and the S3_*
    variables). The S3 tests build their storage with this too, so they run these options.

    No ACL on objects (the bucket is private by its settings; a bucket with ACLs disabled
    refuses a PUT that names one); SigV4 signed URLs (the only signatures newer regions
    and most S3-compatible stores accept); no existence check before a write (names are
    random); short connect and read timeouts with few attempts, so a store that refuses
    connections fails an upload within a second or two, and one that accepts them but
    never answers within attempts x read timeout (about 25 s, under the app server's
    request timeout), each time with a clear message (bench/s3_faults.py prints both).
    """
    from botocore.config import Config

    def number(name: str, default: int) -> int:
        raw = environ.get(name, "").strip()
        if not raw:
            return default
        if not raw.isdigit():
            stop_startup(f"{name} must be a whole number, not {raw!r}.")
        return int(raw)

    region = (
        environ.get("S3_REGION") or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    )
    if not region and not environ.get("S3_ENDPOINT_URL"):
        # A SigV4 URL names its region; one signed for another region is refused by AWS.
        stop_startup("S3_REGION is required for AWS S3: the bucket's region, e.g. eu-central-1.")
    checksums = environ.get("S3_CHECKSUMS", "").strip() or "when_supported"
    if checksums not in ("when_supported", "when_required"):
        stop_startup(f"S3_CHECKSUMS must be when_supported or when_required, not {checksums!r}.")
    return {
        "BACKEND": "core.files.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": environ["S3_BUCKET"].strip(),
            "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
            "region_name": region or None,
            "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": number("FILE_URL_EXPIRE_SECONDS", 300),
            "file_overwrite": True,
            "location": environ.get("S3_PREFIX", "").strip("/"),
            "client_config": Config(
                signature_version="s3v4",
                s3={"addressing_style": environ.get("S3_ADDRESSING_STYLE") or "auto"},
                connect_timeout=number("S3_CONNECT_TIMEOUT", 3),
                read_timeout=number("S3_READ_TIMEOUT", 7),
                # total_max_attempts counts the first try (botocore's max_attempts does not).
                retries={
                    "mode": "standard",
                    "total_max_attempts": number("S3_MAX_ATTEMPTS", 3),
                },  # fmt: skip
                request_checksum_calculation=checksums,
                response_checksum_validation=checksums,
            ),
        },
    }


S3_BUCKET = os.environ.get("S3_BUCKET", "").strip()
if S3_BUCKET:
    DEFAULT_STORAGE = s3_storage()
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Files whose rows are gone but whose deletion failed (the store was unreachable then).
CELERY_BEAT_SCHEDULE["purge-orphan-files"] = {
    "task": "core.tasks.purge_orphan_files",
    "schedule": crontab(hour=4, minute=30),
    "options": {"expires": 6 * 3600},
}
# --- end of S3-compatible storage -----------------------------------------------------------

STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        # Production: compressed files with content hashes in their names (cache-busting),
        # served by WhiteNoise with far-future cache headers.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence uploads: limits per file and per student (bytes).
EVIDENCE_MAX_FILE_SIZE = env_int("EVIDENCE_MAX_FILE_MB", 25) * 1024 * 1024
EVIDENCE_MAX_VIDEO_SIZE = env_int("EVIDENCE_MAX_VIDEO_MB", 200) * 1024 * 1024
EVIDENCE_QUOTA_PER_STUDENT = env_int("EVIDENCE_QUOTA_MB", 1024) * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Student Portfolio <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address for links in e-mails (notifications); empty: the first ALLOWED_HOSTS.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Notifications: `manage.py purge_notifications` (daily, from cron) deletes read ones older
# than this many days, and unread ones older than twice as many (README.md, "Running in
# production"). At least 1, so nothing still waiting for the daily digest is ever deleted.
NOTIFICATIONS_KEEP_DAYS = env_int("NOTIFICATIONS_KEEP_DAYS", 180)
if NOTIFICATIONS_KEEP_DAYS < 1:
    stop_startup(f"NOTIFICATIONS_KEEP_DAYS must be at least 1, not {NOTIFICATIONS_KEEP_DAYS}.")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 20
else:
    # Development: messages (password resets included) are printed on the console.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- E-mail outbox (outbox/) -----------------------------------------------------------
# Every e-mail is a row first, sent by a task after the commit (ARCHITECTURE.md, "E-mail
# leaves through the outbox"). A worker holds a row this long while it sends it (longer than
# an SMTP conversation with EMAIL_TIMEOUT); a transient failure waits OUTBOX_RETRY_BACKOFF_SECONDS,
# doubling per try; sent and failed rows are deleted after OUTBOX_KEEP_DAYS days.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
OUTBOX_RETRY_BACKOFF_SECONDS = env_int("OUTBOX_RETRY_BACKOFF_SECONDS", 15)
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 30)
if min(OUTBOX_LEASE_SECONDS, OUTBOX_RETRY_BACKOFF_SECONDS, OUTBOX_KEEP_DAYS) < 1:
    stop_startup("OUTBOX_LEASE_SECONDS, OUTBOX_RETRY_BACKOFF_SECONDS and OUTBOX_KEEP_DAYS "
                 "must be at least 1.")  # fmt: skip

# --- Security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Pages load only the site's own scripts, styles and images: no inline <script>, no
# style="" or on*= attributes (templates use classes from static/css and files under
# static/js). Uploaded files served by core/files/delivery.py keep their stricter policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see README.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

# --- Demo data ----------------------------------------------------------------------
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "portfolio-demo-2026")

# --- Health ------------------------------------------------------------------------
# /healthz checks the database, the shared cache, the file store and the worker's heartbeat
# within HEALTHZ_TIMEOUT seconds; /livez only answers (portfolio_site/health.py).
HEALTHZ_TIMEOUT = 1.5
# The worker is ready while its last heartbeat is younger than this (beat sends one every
# 30 s; a worker whose every process is busy for longer than this counts as not ready).
HEALTHZ_HEARTBEAT_MAX_AGE = 120
# 0: /healthz still reports the worker but answers 200 without it (for load balancers that
# would otherwise take every app server out of rotation when the worker stops).
HEALTHZ_WORKER_REQUIRED = env_bool("HEALTHZ_WORKER_REQUIRED", True)
CELERY_BEAT_SCHEDULE["heartbeat"] = {
    "task": "core.tasks.heartbeat",
    "schedule": 30.0,
    # A heartbeat not taken within 25 s is dropped: a stopped worker finds no backlog.
    "options": {"expires": 25},
}

# --- Logging ------------------------------------------------------------------------
# LOG_FORMAT=json (the default with DEBUG=0): one JSON object per line with timestamp,
# level, logger, message, request_id and task_id; text (the default with DEBUG=1) for a
# terminal. The web processes, the Celery worker and beat, and gunicorn's own lines
# (gunicorn.conf.py) all write this way (portfolio_site/log_config.py).
try:
    LOG_FORMAT = log_config.log_format(DEBUG)
except ValueError as error:
    stop_startup(str(error))
LOGGING = log_config.logging_config(fmt=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO"))

# --- Error reports (Sentry, optional) ----------------------------------------------------
# With SENTRY_DSN set, unhandled errors of requests and tasks (and ERROR log records) go to
# Sentry, without personal data (no cookies, user ids, addresses or request bodies).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    try:
        SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0)
    except ValueError:
        SENTRY_TRACES_SAMPLE_RATE = -1.0
    if not 0 <= SENTRY_TRACES_SAMPLE_RATE <= 1:
        stop_startup("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1.")
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=os.environ.get("SENTRY_ENVIRONMENT") or None,
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )
