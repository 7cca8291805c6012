"""GET /healthz: do the parts the site stands on answer? For nginx, systemd and monitoring.

200 with {"database": "ok", "cache": "ok", "broker": "ok"}, or 503 with the part that
failed marked "down". A probe answers whoever reaches it, without a login, so it says
which part and never why: hosts, passwords and error text go to the log, not the answer.

Each check gives up within PROBE_TIMEOUT seconds, so a Redis that accepts connections and
never answers, or a PostgreSQL that is stopped, costs a probe a few seconds and a 503,
never a hung gunicorn worker. On the embedded defaults (SQLite, locmem cache, tasks run
in-process on the memory transport) the three checks answer "ok".

It wires parts together (Django's database and cache, the Celery app) and imports none of
the apps.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kerman_jobs.celery import app as celery_app

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = 2  # seconds; libpq's connect_timeout takes whole seconds, at least 2


def database_ok() -> bool:
    """SELECT 1 on a connection of the probe's own: its timeouts never touch the pages'
    connection, and a fresh connection also proves new ones can still be made."""
    probe = connections["default"].copy()
    options = probe.settings_dict.setdefault("OPTIONS", {})
    if probe.vendor == "postgresql":
        options["connect_timeout"] = PROBE_TIMEOUT
        options["options"] = f"{options.get('options', '')} -c statement_timeout={PROBE_TIMEOUT * 1000}".strip()
    elif probe.vendor == "sqlite":
        options["timeout"] = PROBE_TIMEOUT
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("health: the database does not answer", exc_info=True)
        return False
    finally:
        probe.close()


def cache_ok() -> bool:
    """A value written and read back. The Redis cache is tolerant (core/cache.py): while Redis
    is down it answers "nothing cached" instead of raising, so a lost value is the sign. Its
    own socket timeouts (REDIS_TIMEOUT_SECONDS, settings.CACHES) bound the wait."""
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    try:
        cache.set(key, value, 10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception:
        logger.warning("health: the cache does not answer", exc_info=True)
        return False
    if not ok:
        logger.warning("health: the cache lost a value written a moment ago")
    return ok


def broker_ok() -> bool:
    """A connection to Celery's broker, opened once without retries (the Redis transport pings
    the server when it opens). The in-process memory transport of the defaults always opens."""
    timeouts = {"socket_connect_timeout": PROBE_TIMEOUT, "socket_timeout": PROBE_TIMEOUT}
    try:
        with celery_app.connection_for_write(connect_timeout=PROBE_TIMEOUT, transport_options=timeouts) as conn:
            conn.ensure_connection(max_retries=0)
        return True
    except Exception:
        logger.warning("health: the Celery broker does not answer", exc_info=True)
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {"database": database_ok(), "cache": cache_ok(), "broker": broker_ok()}
    body = {name: "ok" if ok else "down" for name, ok in parts.items()}
    response = JsonResponse(body, status=200 if all(parts.values()) else 503)
    # A 503 here is the probe's answer, not a failure of this view: the warnings above already
    # say which part and why. Django would log it again as a server error on django.request,
    # which mails ADMINS, once per probe for as long as an outage lasts.
    response._has_been_logged = True
    return response
