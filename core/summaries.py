"""Helpers for the summary tables the apps keep (commitments.summaries, registry.summaries).

A summary table here is a model with some key fields and some integer value fields; its
cells are handled as {key tuple: [values]}. `apply_delta` moves the stored cells by a
difference, `rewrite` replaces them, `province_lock` serialises the writers of the
province-wide tables, whose rows every commitment's writes touch.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.db import connection

_CHUNK = 1000


def project(cells: dict[tuple, list[int]], positions: Iterable[int]) -> dict[tuple, list[int]]:
    """The cells summed over the key positions left out: a coarser summary of the same rows."""
    positions = tuple(positions)
    result: dict[tuple, list[int]] = {}
    for key, values in cells.items():
        cell = result.setdefault(tuple(key[i] for i in positions), [0] * len(values))
        for i, v in enumerate(values):
            cell[i] += v
    return {k: v for k, v in result.items() if any(v)}


def subtract(new: dict[tuple, list[int]], old: dict[tuple, list[int]]) -> dict[tuple, list[int]]:
    delta = {}
    for key in set(new) | set(old):
        a, b = new.get(key), old.get(key)
        width = len(a or b)
        diff = [(a[i] if a else 0) - (b[i] if b else 0) for i in range(width)]
        if any(diff):
            delta[key] = diff
    return delta


def province_lock(name: str) -> None:
    """Inside a transaction: wait for, then hold until commit, the lock of `name`. On
    PostgreSQL an advisory lock; SQLite lets one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])


def stored_cells(model, keys: tuple[str, ...], values: tuple[str, ...], **filters) -> dict[tuple, list[int]]:
    rows = model.objects.filter(**filters).order_by().values_list(*keys, *values)
    return {tuple(r[: len(keys)]): list(r[len(keys) :]) for r in rows.iterator(chunk_size=5000)}


def apply_delta(model, keys: tuple[str, ...], values: tuple[str, ...], delta: dict[tuple, list[int]]) -> None:
    """Move the stored cells by `delta`; the caller holds the lock over these rows.
    A cell that falls to zero is deleted, a new one created."""
    delta = {k: v for k, v in delta.items() if any(v)}
    if not delta:
        return
    # Narrow the read by the first key field's values, then match whole keys here.
    first = sorted({k[0] for k in delta}, key=lambda x: (x is None, x))
    existing = {}
    for start in range(0, len(first), _CHUNK):
        chunk = first[start : start + _CHUNK]
        rows = model.objects.filter(**{f"{keys[0]}__in": [x for x in chunk if x is not None]})
        if None in chunk:
            rows = rows | model.objects.filter(**{f"{keys[0]}__isnull": True})
        for row in rows.select_for_update():
            existing[tuple(getattr(row, k) for k in keys)] = row
    updated, created, emptied = [], [], []
    for key, change in delta.items():
        row = existing.get(key)
        if row is None:
            row = model(**dict(zip(keys, key, strict=True)), **dict.fromkeys(values, 0))
            created.append(row)
        else:
            updated.append(row)
        for name, d in zip(values, change, strict=True):
            setattr(row, name, getattr(row, name) + d)
    for row in list(updated):
        if not any(getattr(row, name) for name in values):
            updated.remove(row)
            emptied.append(row.pk)
    model.objects.bulk_update(updated, list(values), batch_size=_CHUNK)
    model.objects.bulk_create([r for r in created if any(getattr(r, n) for n in values)], batch_size=_CHUNK)
    for start in range(0, len(emptied), _CHUNK):
        model.objects.filter(pk__in=emptied[start : start + _CHUNK]).delete()


def rewrite(model, keys: tuple[str, ...], values: tuple[str, ...], cells: dict[tuple, list[int]], **filters) -> None:
    """Replace the stored cells (those matching `filters`, or all) with `cells`."""
    model.objects.filter(**filters).delete()
    model.objects.bulk_create(
        [
            model(**dict(zip(keys, k, strict=True)), **dict(zip(values, v, strict=True)))
            for k, v in cells.items()
            if any(v)
        ],
        batch_size=5000,
    )
