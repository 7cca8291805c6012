"""Cached figures: the sums every dashboard and registry page shows, kept at most a minute.

At province scale (1,000,000 businesses, 3,000,000 checks) the sums behind the
dashboard and the continuity view take from a fifth of a second to several seconds of
database time. They change only when somebody writes, so they are cached:

- Every cached figure's key carries a *data version*. Any saved or deleted commitment,
  milestone, entry, business or check (a form, a service, the admin, an import) bumps
  the version once its transaction commits, so the next page computes afresh: a
  verified entry shows at once on every page that reads through here.
- Writes that bypass model signals (a queryset.update(), raw SQL, a restore) are still
  seen within `FIGURE_TTL` seconds, the life of every cached figure.
- The key also carries the exact set of commitments the reader may see, so two
  people with different access never share a figure.
- With Redis down the tolerant cache stores nothing and returns nothing: every page
  computes its figures, slower but correct.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

FIGURE_TTL = 60  # seconds: the longest a figure may lag a write the signals do not see
VERSION_KEY = "figures:version"


def _fresh_series() -> int:
    """Where a new series of versions starts: at random, never at 1. A series starts again
    when the counter is gone (the cache cleared, Redis evicting the key under memory
    pressure, restarted) while figures cached under the old series may still be there; a
    series that counted up the same way from 1 would meet them under the same keys and
    serve another day's figures."""
    return secrets.randbits(48)


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or the cache was cleared or is down: start a fresh series. add()
        # keeps whichever process got there first.
        cache.add(VERSION_KEY, _fresh_series(), timeout=None)
        version = cache.get(VERSION_KEY) or 0
    return version


def bump() -> None:
    """Marks every cached figure stale. Call after a write the model signals miss."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        # The key is gone (cache cleared, evicted or Redis down): a fresh series, which
        # cannot meet figures cached under the old one (_fresh_series).
        cache.add(VERSION_KEY, _fresh_series(), timeout=None)


def bump_now_and_on_commit() -> None:
    # Now, so this transaction's own later reads see its write; and again after the
    # commit, so that a reader who computed the old figures between our write and the
    # commit cannot leave them cached under the current version.
    bump()
    transaction.on_commit(bump)


def scope_of(commitments) -> str:
    """A short, stable name for a set of commitments (one query: their ids)."""
    return scope_of_ids(commitments.values_list("id", flat=True))


def scope_of_ids(ids) -> str:
    """scope_of for ids already read (no query)."""
    return hashlib.sha1(json.dumps(sorted(ids)).encode()).hexdigest()[:16]


def cached(kind: str, scope: str, params, compute, timeout: int = FIGURE_TTL):
    """compute() cached under (kind, data version, scope, params) for at most `timeout`."""
    digest = hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:16]
    key = f"figures:{kind}:{data_version()}:{scope}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def _changed(sender, **kwargs):
    bump_now_and_on_commit()


def watch(*models, m2m=()) -> None:
    """Every save or delete of these models (and change of these m2m tables) makes the
    cached figures stale. Each app calls this from its own ready() for the models whose
    rows feed a figure: the kit imports no app."""
    for model in models:
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-delete-{label}")
    for through in m2m:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"figures-m2m-{through._meta.label}")
