"""Who is logging in: the client's address as the trusted proxy saw it, for the login lockout.

gunicorn on a unix socket (docs/deploy.md) gives every request an empty REMOTE_ADDR, and a
proxy on TCP gives every request the proxy's own address; either way the peer is not the
client. nginx appends the address it saw to X-Forwarded-For, so the client is the entry
TRUSTED_PROXY_COUNT places from the right. Entries further left were written by the client
and are never read. The header is believed only when the peer is the proxy: the unix socket
(only nginx may open it) or an address in TRUSTED_PROXIES; any other peer is the client.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from django.conf import settings

# Failures count per user name and address (AXES_LOCKOUT_PARAMETERS). Every client whose
# address is unknown shares one count per user name (the address None, stored as NULL, which
# axes matches again; the empty string it got before matched nothing, so each failure started
# a new count): a short cool-off for those, a throttle of five tries a minute rather than a
# lock, which would shut the real user out wherever nginx names no address.
UNKNOWN_ADDRESS_COOLOFF = timedelta(minutes=1)
KNOWN_ADDRESS_COOLOFF = timedelta(minutes=15)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, or None when it cannot be known (no or a short header)."""
    peer = request.META.get("REMOTE_ADDR") or ""
    if settings.TRUSTED_PROXY_COUNT == 0 or (peer and peer not in settings.TRUSTED_PROXIES):
        return _valid(peer) if peer else None
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < settings.TRUSTED_PROXY_COUNT:
        return None
    return _valid(hops[-settings.TRUSTED_PROXY_COUNT])


def _address_of(request_or_attempt) -> str | None:
    # axes passes the request (with axes_ip_address set by its middleware) or an AccessAttempt.
    if hasattr(request_or_attempt, "axes_ip_address"):
        return request_or_attempt.axes_ip_address
    return getattr(request_or_attempt, "ip_address", None)


def lockout_cooloff(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: fifteen minutes for a known address, one for an unknown one."""
    if request is not None and not _address_of(request):
        return UNKNOWN_ADDRESS_COOLOFF
    return KNOWN_ADDRESS_COOLOFF
