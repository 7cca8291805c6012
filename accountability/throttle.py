"""A rate limit for the public pages, on the site's cache: PUBLIC_RATE_LIMIT requests a
minute per client address (core.client_ip), then 429 with a Persian page until the
minute is over. Clients whose address is unknown share one count. With the cache down
(the tolerant Redis cache stores nothing) nothing is counted and nobody is refused: the
pages stay up, unlimited, until Redis is back.
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from core.client_ip import client_ip


def _over_limit(request) -> bool:
    window = int(time.time() // 60)
    key = f"public-rate:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:  # gone between add and incr (evicted, or the cache is down)
        return False
    return count > settings.PUBLIC_RATE_LIMIT


def rate_limited(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if _over_limit(request):
            response = render(request, "public/429.html", {"limit": settings.PUBLIC_RATE_LIMIT}, status=429)
            response["Retry-After"] = str(60 - int(time.time()) % 60)
            return response
        return view(request, *args, **kwargs)

    return wrapper
