"""Gunicorn settings for Safeguard (``gunicorn -c gunicorn.conf.py``).

Every value comes from the environment with a safe default. The app servers
are stateless (sessions and everything else live in PostgreSQL), so scale out
by running more of them behind the load balancer; see docs/deployment.md.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "safeguard.wsgi:application"
# Loopback unless told otherwise: TLS ends at the proxy / load balancer.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request holds one worker and one database connection.
# (2 x cores) + 1 is gunicorn's rule of thumb; keep workers x servers within
# PostgreSQL's max_connections.
workers = _int("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
# A PDF export is the slowest request; nothing legitimate takes a minute.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then (bounded memory growth), staggered so they do
# not all restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Trust X-Forwarded-* only from the proxy in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "safeguard.gunicorn_logging.SafeguardLogger"
# Path only, never the query string (a search box can put a name there).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'

if os.path.isdir("/dev/shm"):  # noqa: S108 (only the heartbeat file, per gunicorn docs)
    # Worker heartbeats on tmpfs: a slow disk must not look like a hung worker.
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# gunicorn's runtime control socket (``gunicornc``) only when a path is given:
# its default path is per user, so several instances on one host would clash.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
