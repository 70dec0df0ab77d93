"""gunicorn's settings for the web process (Procfile: ``gunicorn -c gunicorn.conf.py
portfolio_site.wsgi``). Every value can be changed from the environment, so the command
stays the same everywhere (README.md, "Running in production").

- Address: ``BIND`` (``host:port`` or ``unix:/path``), else ``0.0.0.0:$PORT`` when the
  platform gives ``PORT``, else ``127.0.0.1:8000`` (a reverse proxy on the same machine).
- Processes: ``WEB_CONCURRENCY``, else 2 × CPU cores + 1, at most 8 (each process keeps a
  database connection per thread: 8 × 2 threads = 16 connections per app server).
- Threads per process: ``GUNICORN_THREADS`` (2): a request waiting on the database, S3 or
  Redis does not hold the whole process.
- The access log goes to standard output with each request's id (``X-Request-ID``), as
  JSON with ``LOG_FORMAT=json`` (portfolio_site/log_config.py).
"""

import os

from portfolio_site.gunicorn_logging import GunicornLogger


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this container may use
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --- Where to listen ------------------------------------------------------------------
if os.environ.get("BIND", "").strip():
    bind = [address.strip() for address in os.environ["BIND"].split(",") if address.strip()]
elif os.environ.get("PORT", "").strip():
    bind = [f"0.0.0.0:{_int('PORT', 8000)}"]
else:
    bind = ["127.0.0.1:8000"]

# --- Processes and threads --------------------------------------------------------------
MAX_WORKERS = 8
workers = _int("WEB_CONCURRENCY", min(2 * _cpu_count() + 1, MAX_WORKERS))
threads = _int("GUNICORN_THREADS", 2)  # more than 1: gunicorn's gthread worker
# A request that takes longer than this is stopped (exports and imports run as tasks).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On a restart or deploy (SIGTERM, SIGHUP) requests under way get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Idle keep-alive connections from the proxy; keep it above the load balancer's idle
# timeout (AWS ALB: 60 s, so 65) to avoid its occasional 502.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Each process is replaced after about this many requests (jitter: not all at once), which
# bounds any slow memory growth.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Not preloaded: each process imports the site after the fork, so no database, Redis or
# Sentry connection is shared between processes, and `kill -HUP` loads new code with no
# downtime. It costs memory (each process holds its own copy) and a slower start.
preload_app = False
# The workers' heartbeat files in memory, not on a container's (slow, overlay) disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# --- Behind a proxy -----------------------------------------------------------------------
# Addresses whose X-Forwarded-Proto gunicorn trusts (the proxy's; "*" only when nothing
# else can reach gunicorn). The site trusts the proxy through SECURE_PROXY_SSL_HEADER and
# PROXY_COUNT (settings).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logs -----------------------------------------------------------------------------------
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'
)
logger_class = GunicornLogger
proc_name = "portfolio-web"
