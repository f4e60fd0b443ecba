"""Settings for the "Điều ước cho em" portal, read from the environment.

With no variable set the portal runs on its embedded default: SQLite in the project
folder, local-memory cache, Celery tasks run in-process, mail printed to the console,
DEBUG on. `DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis; the production
profile (`DJANGO_DEBUG=0`) only tightens. Every variable is listed in `.env.example`.
"""

import hashlib
import ipaddress
import tempfile
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is read when present; real deployments set the environment instead.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The profile the process started in. Tests turn DEBUG off (pytest-django) yet run in the
# local profile; what must never happen in production (seed_demo's known passwords) asks this.
PRODUCTION_PROFILE = not DEBUG

# The fallback key only exists for the local run; production must set SECRET_KEY.
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-local-only-key-do-not-use-in-production-8f3k2j" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Public address used in e-mails and digests, where there is no request to ask.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="Điều ước cho em")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "allauth",
    "allauth.account",
    # project
    "core",
    "workdays",
    "accounts",
    "notices",
    "schools",
    "documents",
    "needs",
    "trust",
    "donations",
    "receiving",
    "campaigns",
    "letters_contest",
    "opendata",
    "oversight",
    "ops",
    # Its Swagger UI served from our own static files (the CSP allows no CDN).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # Whitenoise right after SecurityMiddleware so static files skip the rest.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Dashboards and the open-data API may read the replica, unless this browser just wrote.
    "core.dbrouter.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # NUL in a filter is a 400 here, before any list sends it to PostgreSQL.
    "core.middleware.NulQueryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A sign-in refused by the login lockout becomes a 429 page saying until when.
    "accounts.lockout.LoginDelayMiddleware",
    # Who made a change, for the audit trail (simple_history).
    "simple_history.middleware.HistoryRequestMiddleware",
]
# The load benchmark (`manage.py bench`) reads each page's SQL query count from a response
# header. Listed only when asked for, and first, so it counts every middleware's queries.
QUERY_COUNT_HEADER = env.bool("QUERY_COUNT_HEADER", default=False)
if QUERY_COUNT_HEADER:
    MIDDLEWARE.insert(0, "core.middleware.QueryCountHeaderMiddleware")

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "core.forms.PortalFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schools.context_processors.portal",
            ],
            "builtins": ["core.templatetags.vn", "core.templatetags.forms"],
        },
    },
]

# --- Database -----------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica (a streaming standby of the primary), when there is one: dashboards,
# exports, the open-data API and digests read it; everything else, and a person who has
# just written, reads the primary (core/dbrouter.py).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        # In-process tests have no standby: the alias reads the test database itself.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.dbrouter.ReplicaRouter"]
REPLICA_READ_NAMESPACES = env.list("REPLICA_READ_NAMESPACES", default=["dashboard", "opendata"])
# How long after a write a browser keeps reading the primary (its own writes).
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=30)
# How long a value computed from the replica is kept in the cache (core.cache.cached).
REPLICA_CACHE_SECONDS = env.int("REPLICA_CACHE_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, reads miss and writes are dropped (see the module).
            "BACKEND": "core.cache_backend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}
# After a Redis failure the cache is skipped this long (core/cache_backend.py).
CACHE_OPEN_SECONDS = env.int("CACHE_OPEN_SECONDS", default=5)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
# Without a broker the embedded default runs every task in-process, at once.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# A task whose worker died unacknowledged is delivered again after this many seconds. A
# broker that does not answer costs a request a few seconds at most: what the request
# hands over is in an outbox the sweep sends later (donations.outbox).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,  # above the worker's BRPOP poll (1 s)
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# Fixed jobs; beat copies them into django-celery-beat's tables, where an administrator
# can change their times in the admin site without a deploy.
CELERY_BEAT_SCHEDULE = {
    "expire-overdue-needs": {"task": "needs.tasks.expire_overdue_needs", "schedule": crontab(hour=2, minute=15)},
    # Photos that waited for a need form nobody saved (NEED_PHOTO_PENDING_HOURS).
    "delete-abandoned-need-photos": {
        "task": "needs.tasks.delete_abandoned_need_photos",
        "schedule": crontab(minute=40),
    },
    "weekly-digests": {
        "task": "campaigns.tasks.send_due_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "kwargs": {"period": "weekly"},
    },
    "daily-digests": {
        "task": "campaigns.tasks.send_due_digests",
        "schedule": crontab(hour=7, minute=0),
        "kwargs": {"period": "daily"},
    },
    # Digests whose worker died mid-send (their claim's lease ran out): sent within
    # minutes, not after the broker's hour-long visibility timeout (oversight.tasks).
    "reclaim-abandoned-digests": {
        "task": "oversight.tasks.reclaim_abandoned_digests",
        "schedule": env.float("DIGEST_RECLAIM_SECONDS", default=300.0),
        # A busy worker skips a run it could not start in time rather than pile them up.
        "options": {"expires": env.float("DIGEST_RECLAIM_SECONDS", default=300.0)},
    },
    "reminders": {"task": "campaigns.tasks.send_reminders", "schedule": crontab(hour=8, minute=30)},
    "delete-expired-contest-entries": {
        "task": "letters_contest.tasks.delete_expired_entries",
        "schedule": crontab(hour=3, minute=0),
    },
    # Letters that waited for an entry form nobody saved (CONTEST_LETTER_PENDING_HOURS).
    "delete-abandoned-contest-letters": {
        "task": "letters_contest.tasks.delete_abandoned_letters",
        "schedule": crontab(minute=50),
    },
    # The outbox of pledge mails (donations.outbox): whatever the broker, a worker or the
    # mail server could not take when it was written.
    "sweep-pledge-mails": {
        "task": "donations.tasks.sweep_pledge_notices",
        "schedule": env.float("PLEDGE_MAIL_SWEEP_SECONDS", default=60.0),
    },
    # The outbox of every notice's mail (notices.outbox), likewise.
    "sweep-notice-mails": {
        "task": "notices.tasks.sweep_notices",
        "schedule": env.float("PLEDGE_MAIL_SWEEP_SECONDS", default=60.0),
    },
    "remind-and-expire-pledges": {
        "task": "donations.tasks.remind_and_expire_pledges",
        "schedule": crontab(hour=8, minute=0),
    },
    # What other schools asked per unit, for the verification queue's cost signal (trust).
    "trust-cost-benchmarks": {"task": "trust.tasks.refresh_cost_benchmarks", "schedule": crontab(hour=2, minute=45)},
    "lunch-sponsorships": {
        "task": "donations.tasks.lunch_sponsorships_nightly",
        "schedule": crontab(hour=8, minute=10),
    },
}

# --- Auth and accounts --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: counts every password attempt, on every login form, and refuses one that
    # must wait (accounts/lockout.py). It never authenticates anyone itself.
    "accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
# The current password checked through the login lockout (accounts/lockout.py).
ACCOUNT_FORMS = {"change_password": "accounts.password_forms.ChangePasswordForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Verification is optional on the local run and mandatory in production.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# The login lockout (accounts/lockout.py), in the database so it holds with Redis down:
# per account AND address, so a school's staff behind one NAT address are not held back
# by a colleague's typos, and nobody can lock an account from elsewhere. After this many
# attempts, each further one waits LOGIN_DELAY_SECONDS, doubling, up to the maximum.
LOGIN_FAILURES_BEFORE_DELAY = env.int("LOGIN_FAILURES_BEFORE_DELAY", default=5)
LOGIN_DELAY_SECONDS = env.int("LOGIN_DELAY_SECONDS", default=60)
LOGIN_DELAY_MAX_SECONDS = env.int("LOGIN_DELAY_MAX_SECONDS", default=3600)
# A row is forgotten this long after its last attempt (longer than the longest delay).
LOGIN_FAILURES_KEPT_SECONDS = max(env.int("LOGIN_FAILURES_KEPT_SECONDS", default=86400), LOGIN_DELAY_MAX_SECONDS)
# The load balancers (addresses or networks, comma-separated) whose X-Forwarded-For is
# believed (core/clientip.py); empty: every limit counts the connecting address.
TRUSTED_PROXIES = [str(ipaddress.ip_network(p, strict=False)) for p in env.list("TRUSTED_PROXIES", default=[]) if p]
# Rate limits (allauth's limiter, counted in the cache; core.ratelimit for ours), by the
# address core/clientip.py finds. allauth's own failed-login limit is off: it locks the
# e-mail alone (anyone could lock anyone out) and opens when Redis is down; the lockout
# above replaces it.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "",
    "login": "60/m/ip",
    "signup": "20/m/ip,200/h/ip",
    # Ours: guests pledging, schools posting needs with photos and contest letters.
    "pledge": "10/m/ip,60/h/ip",
    "upload_need": "20/m/user",
    "upload_letter": "60/m/user",
    # Delivery proofs: photos, like a need's (needs.views.need_act, "deliver").
    "upload_proof": "10/m/user,60/h/user",
    # Anyone checking the signatures of a downloaded document (documents.views.verify)
    "verify_signature": "10/m/ip,100/h/ip",
    # Signed-in visitors commenting on a usage plan (receiving.views.comment)
    "plan_comment": "5/m/user,30/h/user",
    # The public open-data API (opendata), reads included: generous for a person or a
    # script that walks the ledger page by page, not for a scraper in a loop.
    "open_data": "120/m/ip,3000/h/ip",
}
if env.bool("RATE_LIMITS_OFF", default=False):
    # Only for the load benchmark, whose clients all share one address.
    ACCOUNT_RATE_LIMITS = False
ACCOUNT_ALLOW_SIGNUPS = env.bool("ACCOUNT_ALLOW_SIGNUPS", default=True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# locale/ is ours (makemessages writes there); locale_vendor/ completes third-party
# catalogues that ship no Vietnamese (django-allauth).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Our own date and number formats (dd/mm/yyyy, 1.250.000) for both languages.
FORMAT_MODULE_PATH = ["config.formats"]
# No automatic grouping: it would turn id 1234 into "1.234" inside URLs and form values.
# Figures are grouped explicitly with the |num and |vnd filters.
USE_THOUSAND_SEPARATOR = False

# --- Static and media ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Where Liberation Serif 2.x is installed (Debian's fonts-liberation2), checked by core.checks.
DOCUMENT_FONT_DIR = Path(env("DOCUMENT_FONT_DIR", default="/usr/share/fonts/truetype/liberation2"))
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

# --- Mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A backend by dotted path wins over EMAIL_URL (tests and special deployments).
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
# A mail server that accepts the connection and then hangs must not hold a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=EMAIL_CONFIG.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <no-reply@dieuuocchoem.vn>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("Admin", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Scripts from this site only, never inline; styles may be set inline by Bootstrap's
# scripts. CSP_EXTRA_IMG_SRC adds e.g. the object storage serving media.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        " ".join(["img-src", "'self'", "data:", *filter(None, env.list("CSP_EXTRA_IMG_SRC", default=[]))]),
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(self), geolocation=(), microphone=(), payment=(), usb=()"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Overridable only so the load benchmark can run this profile over plain http on
    # loopback; browsers drop secure cookies there.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
    if env.bool("TRUST_X_FORWARDED_PROTO", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Portal rules -------------------------------------------------------------------
# Uploaded PDFs (core/pdfs.py: a supplier's quote with an answer): bytes and pages at most.
PDF_MAX_BYTES = env.int("PDF_MAX_BYTES", default=10 * 1024 * 1024)
PDF_MAX_PAGES = env.int("PDF_MAX_PAGES", default=30)
# Photos of needs: size in bytes, pixels, and how many per need.
NEED_PHOTO_MAX_BYTES = env.int("NEED_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
NEED_PHOTO_MAX_PIXELS = env.int("NEED_PHOTO_MAX_PIXELS", default=40_000_000)
NEED_PHOTOS_MAX = 6
# Photos sent with a need form that was never saved wait this long for it, then are deleted.
NEED_PHOTO_PENDING_HOURS = env.int("NEED_PHOTO_PENDING_HOURS", default=24)
# Pupils' data of a round is deleted this many months after its results are published,
# unless its organiser chooses another date (letters_contest.lifecycle).
CONTEST_RETENTION_MONTHS = env.int("CONTEST_RETENTION_MONTHS", default=6)
# A letter sent with an entry form that was never saved waits this long for it, then is
# deleted (letters_contest.uploads.delete_abandoned_letters).
CONTEST_LETTER_PENDING_HOURS = env.int("CONTEST_LETTER_PENDING_HOURS", default=24)
# Every uploaded image (need photos, delivery proofs, contest letters) passes core.images
# before it is decoded: the memory its pixels would take (width × height × channels,
# after a JPEG's scaled-down decode) per image and per request. A 12-megapixel phone
# photo is 36 MB at full size (a quarter of that decoded for a 1600-pixel copy); a
# 6300 × 6300 RGBA PNG (159 MB, seconds of CPU) is refused from its header.
IMAGE_DECODE_MAX_BYTES = env.int("IMAGE_DECODE_MAX_BYTES", default=64 * 1024 * 1024)
IMAGE_DECODE_MAX_BYTES_PER_REQUEST = env.int("IMAGE_DECODE_MAX_BYTES_PER_REQUEST", default=256 * 1024 * 1024)
# Progressive JPEGs have about ten scans; thousands make a tiny file cost minutes of CPU.
IMAGE_JPEG_MAX_SCANS = env.int("IMAGE_JPEG_MAX_SCANS", default=100)
# Images decoded at once on this machine, by all web processes together (a byte-range
# lock on one file per slot), and how long an upload waits for a slot before it is told
# to try again: the other web processes keep serving pages meanwhile.
IMAGE_DECODES_AT_ONCE = env.int("IMAGE_DECODES_AT_ONCE", default=2)
IMAGE_DECODE_WAIT_SECONDS = env.float("IMAGE_DECODE_WAIT_SECONDS", default=10.0)
IMAGE_DECODE_LOCK_FILE = env(
    "IMAGE_DECODE_LOCK_FILE",
    default=str(
        Path(tempfile.gettempdir())
        / f"portal-image-decode-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]}.lock"
    ),
)
# A bank statement is read only this far: its file, the uncompressed XML inside an xlsx
# (a zip; 5,000 rows of a bank's export are about 2 MB), its rows and columns. A longer
# statement is split by the officer.
STATEMENT_MAX_BYTES = env.int("STATEMENT_MAX_BYTES", default=5 * 1024 * 1024)
STATEMENT_MAX_UNCOMPRESSED_BYTES = env.int("STATEMENT_MAX_UNCOMPRESSED_BYTES", default=8 * 1024 * 1024)
STATEMENT_MAX_ROWS = env.int("STATEMENT_MAX_ROWS", default=5000)
STATEMENT_MAX_COLUMNS = 40
# A verified need expires this many days after its wanted-by date passed unfunded.
NEED_EXPIRY_GRACE_DAYS = env.int("NEED_EXPIRY_GRACE_DAYS", default=30)
# Trust signals in the verification queue: a school that sent this many needs for
# verification within this many days is pointed out (trust.selectors).
TRUST_MANY_NEEDS_COUNT = env.int("TRUST_MANY_NEEDS_COUNT", default=5)
TRUST_MANY_NEEDS_DAYS = env.int("TRUST_MANY_NEEDS_DAYS", default=7)

# A pledge not received within this many days expires; a reminder goes out first.
PLEDGE_EXPIRY_DAYS = env.int("PLEDGE_EXPIRY_DAYS", default=14)
PLEDGE_REMINDER_DAYS = env.int("PLEDGE_REMINDER_DAYS", default=7)
# A monthly instalment of a lunch sponsorship gets its payment mail this many days
# before it falls due (donations.sponsorships.send_due_notices).
SPONSORSHIP_NOTICE_DAYS = env.int("SPONSORSHIP_NOTICE_DAYS", default=5)
# The outbox of pledge mails (donations.outbox). A worker sending a mail holds it for
# LEASE seconds; if it dies, the sweep sends it after. A failed send waits RETRY seconds,
# doubling each time up to an hour. The sweep (CELERY_BEAT_SCHEDULE, every
# PLEDGE_MAIL_SWEEP_SECONDS) leaves rows younger than SWEEP_AFTER to the worker they were
# just handed to.
PLEDGE_MAIL_LEASE_SECONDS = env.int("PLEDGE_MAIL_LEASE_SECONDS", default=600)
PLEDGE_MAIL_RETRY_SECONDS = env.int("PLEDGE_MAIL_RETRY_SECONDS", default=30)
PLEDGE_MAIL_SWEEP_AFTER_SECONDS = env.int("PLEDGE_MAIL_SWEEP_AFTER_SECONDS", default=60)

# Officers are reminded of needs waiting longer than this for verification.
NEED_WAITING_REMINDER_DAYS = env.int("NEED_WAITING_REMINDER_DAYS", default=7)

# A digest claimed by a process that died may be taken over after this many seconds
# (longer than any live send takes); beat's reclaim job (every DIGEST_RECLAIM_SECONDS,
# CELERY_BEAT_SCHEDULE) sends it then, so it waits 10-15 minutes, not the hour of the
# broker's visibility timeout.
DIGEST_CLAIM_LEASE_SECONDS = env.int("DIGEST_CLAIM_LEASE_SECONDS", default=600)

# A school profile not confirmed within this many days is flagged as stale.
SCHOOL_PROFILE_STALE_DAYS = env.int("SCHOOL_PROFILE_STALE_DAYS", default=180)

# Cached figures: a change in a province invalidates its dashboards at once; these
# bound how long figures that age by the clock alone ("overdue", "stale") may lag.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=300)
# Public lists (browse) are kept by which needs they hold; the money on their cards may
# lag by this many seconds (each need's own page is always current).
PUBLIC_LIST_SECONDS = env.int("PUBLIC_LIST_SECONDS", default=60)
# A search counts its matches up to this many and then says "more than".
SEARCH_COUNT_CAP = env.int("SEARCH_COUNT_CAP", default=10_000)
# "Best match" ranks this many of a search's matches (needs.selectors.ranked_matches).
SEARCH_RANK_CANDIDATES = env.int("SEARCH_RANK_CANDIDATES", default=300)

# --- Digital signatures (documents.signing, documents.verification) -------------------
# Stored PKCS#12 keys and their passwords are encrypted under a key derived from this.
# Set it on its own where SECRET_KEY may rotate, or the stored keys cannot be opened.
SIGNING_KEYS_SECRET = env("SIGNING_KEYS_SECRET", default="") or SECRET_KEY
# The remote signing service ("ký số từ xa"): its base URL, bearer token, and how long
# to wait for an answer, in seconds. Empty URL: no remote keys.
REMOTE_SIGNING_URL = env("REMOTE_SIGNING_URL", default="")
REMOTE_SIGNING_TOKEN = env("REMOTE_SIGNING_TOKEN", default="")
REMOTE_SIGNING_TIMEOUT = env.float("REMOTE_SIGNING_TIMEOUT", default=30)
# Files of trusted root certificates (PEM or DER, comma-separated paths) that a
# signature's certificate must chain to, e.g. the national root CA's.
SIGNATURE_TRUST_ROOTS = [path for path in env.list("SIGNATURE_TRUST_ROOTS", default=[]) if path]
# Check revocation (CRL, OCSP) when verifying: only where the machine can reach the CAs.
SIGNATURE_VALIDATION_ONLINE = env.bool("SIGNATURE_VALIDATION_ONLINE", default=False)
# The largest PDF the public verification page accepts, in bytes.
SIGNATURE_VERIFY_MAX_BYTES = env.int("SIGNATURE_VERIFY_MAX_BYTES", default=20 * 1024 * 1024)
# The face of the text in a signature's image when the signer has no image of their own.
SIGNATURE_FONT = env("SIGNATURE_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# Share cards (core.sharecards): the picture of a need's or a fund's shared link. The faces
# of its text (fonts-dejavu-core has every Vietnamese letter and ₫) and how long a card is
# kept in the cache; a change to the need or fund makes a new one at once.
SHARE_CARD_FONT = env("SHARE_CARD_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SHARE_CARD_FONT_BOLD = env("SHARE_CARD_FONT_BOLD", default="/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SHARE_CARD_CACHE_SECONDS = env.int("SHARE_CARD_CACHE_SECONDS", default=7 * 24 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
