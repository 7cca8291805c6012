"""The registry's summaries, kept current with every write and checked against the rows.

Three tables (registry.models): BusinessFigure, one row per business holding what the
figures count of it (is it its owner's counted one, its status and latest reason, its
status at 3, 6 and 12 months under the survival rule); BusinessStatusSummary and
CohortSummary, the sums of those rows that the pages read.

Every write to a business or a check calls `businesses_changed` with the businesses it
touched, inside its own transaction: a save or delete through the ORM (the services,
the admin, a shell) by the model signals connected in `watch()`, the import's
bulk_create by an explicit call. Signals, like the figure cache's (core.figure_cache),
because the point is that no ordinary write can miss it; writes that bypass the ORM
(raw SQL, a restore) are for `check_summaries --repair`. That
recomputes those businesses' rows (and those of every other business of the same owner,
since which one is counted may change), and moves the sums by the difference between
the old rows and the new. The sums of a commitment are written with its row locked, so
two writers under one commitment take turns; commitments are locked in id order.

`differences()` and `repair()` recompute everything from the businesses and checks:
the `check_summaries` command, the migration that adds the tables and the bench's data
set use them. They read every business and check once, in id order, in chunks.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from commitments.models import Commitment
from core import bulk, persian, summaries

from .models import (
    BusinessFigure,
    BusinessStatusSummary,
    CohortSummary,
    ContinuityCheck,
    HomeBusiness,
    ProvinceCohortSummary,
    ProvinceStatusSummary,
)
from .survival import WINDOW_MONTHS, add_jalali_months

HORIZONS = (3, 6, 12)  # the months a status is stored for (BusinessFigure.status_N)
_ID_CHUNK = 2000  # ids per `IN (...)`: SQLite allows ~32k parameters a statement
_STREAM_CHUNK = 5000


class Row(NamedTuple):
    """A BusinessFigure's values, comparable with ==."""

    business_id: int
    commitment_id: int
    county_id: int
    sector_id: int
    owner_code_hash: str | None
    started_on: datetime.date
    cohort: int
    jobs: int
    counted: bool
    status: str
    reason: str
    last_checked: datetime.date | None
    due_from: datetime.date
    status_3: str
    status_6: str
    status_12: str


FIELDS = Row._fields[1:]  # BusinessFigure's columns after the primary key


@lru_cache(maxsize=8192)
def _horizons(started_on: datetime.date) -> dict[int, datetime.date]:
    """start + n Jalali months for every n the rule reads (each N and N + 3)."""
    needed = sorted({*HORIZONS, *(n + WINDOW_MONTHS for n in HORIZONS)})
    return {n: add_jalali_months(started_on, n) for n in needed}


@lru_cache(maxsize=8192)
def cohort_of(day: datetime.date) -> int:
    j = persian.to_jalali(day)
    return j.year * 12 + j.month - 1


def due_from(started_on: datetime.date, last_checked: datetime.date | None) -> datetime.date:
    """BusinessFigure.due_from: the worklist lists a business once «six months ago» is on or
    after its start and after its latest check; this is the first such day."""
    if last_checked is None:
        return started_on
    return max(started_on, last_checked + datetime.timedelta(days=1))


def _counted_expression():
    """True for the business its owner's figures count (registry.selectors.counted)."""
    earlier = HomeBusiness.objects.filter(owner_code_hash=OuterRef("owner_code_hash")).filter(
        Q(started_on__lt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), id__lt=OuterRef("id"))
    )
    return ExpressionWrapper(~Exists(earlier), output_field=BooleanField())


def _row(business: tuple, checks: list[tuple]) -> Row:
    """`checks`: (checked_on, id, status, reason), latest first."""
    pk, commitment, county, sector, owner, started_on, jobs, status, counted = business
    reason = checks[0][3] if checks else ""
    last_checked = checks[0][0] if checks else None
    horizons = _horizons(started_on)
    at = {}
    for n in HORIZONS:
        start, end = horizons[n], horizons[n + WINDOW_MONTHS]
        # The first check (oldest, then lowest id) in [start + N, start + N + 3).
        at[n] = next((c[2] for c in reversed(checks) if start <= c[0] < end), "")
    return Row(
        pk,
        commitment,
        county,
        sector,
        owner,
        started_on,
        cohort_of(started_on),
        jobs,
        bool(counted),
        status,
        reason or "",
        last_checked,
        due_from(started_on, last_checked),
        at[3],
        at[6],
        at[12],
    )


def fresh_rows(ids: Iterable[int] | None = None) -> Iterator[Row]:
    """The BusinessFigure rows the businesses and checks say (these businesses, or all), by id."""
    if ids is not None:
        ids = sorted(set(ids))
        for start in range(0, len(ids), _ID_CHUNK):
            yield from _fresh_rows(ids[start : start + _ID_CHUNK])
        return
    yield from _fresh_rows(None)


def _fresh_rows(ids: list[int] | None) -> Iterator[Row]:
    businesses = HomeBusiness.objects.order_by("id")
    checks = ContinuityCheck.objects.order_by("business_id", "-checked_on", "-id")
    if ids is not None:
        businesses = businesses.filter(id__in=ids)
        checks = checks.filter(business_id__in=ids)
    business_rows = (
        businesses.annotate(_counted=_counted_expression())
        .values_list(
            "id",
            "commitment_id",
            "county_id",
            "sector_id",
            "owner_code_hash",
            "started_on",
            "jobs",
            "status",
            "_counted",
        )
        .iterator(chunk_size=_STREAM_CHUNK)
    )
    check_rows = checks.values_list("business_id", "checked_on", "id", "status", "reason").iterator(
        chunk_size=_STREAM_CHUNK
    )
    pending = next(check_rows, None)
    for business in business_rows:
        mine = []
        while pending is not None and pending[0] <= business[0]:
            if pending[0] == business[0]:
                mine.append(pending[1:])
            pending = next(check_rows, None)
        yield _row(business, mine)


def stored_rows(ids: Iterable[int] | None = None, *, lock: bool = False) -> Iterator[Row]:
    if ids is not None:
        ids = sorted(set(ids))
        for start in range(0, len(ids), _ID_CHUNK):
            yield from _stored_rows(ids[start : start + _ID_CHUNK], lock)
        return
    yield from _stored_rows(None, lock)


def _stored_rows(ids, lock) -> Iterator[Row]:
    rows = BusinessFigure.objects.order_by("business_id")
    if ids is not None:
        rows = rows.filter(business_id__in=ids)
    if lock:
        rows = rows.select_for_update()
    for values in rows.values_list("business_id", *FIELDS).iterator(chunk_size=_STREAM_CHUNK):
        yield Row(*values)


# ---------------------------------------------------------------- the sums of the rows


_NOT_ACTIVE = (HomeBusiness.Status.SEMI_CLOSED, HomeBusiness.Status.INACTIVE)


def _status_key(row: Row) -> tuple:
    # The reason counts only for a business not active (registry.figures.reason_counts).
    reason = row.reason if row.status in _NOT_ACTIVE else ""
    return (row.commitment_id, row.county_id, row.sector_id, row.status, reason, row.counted)


def _cohort_key(row: Row) -> tuple:
    return (row.commitment_id, row.cohort, row.status_3, row.status_6, row.status_12)


STATUS_KEY = ("commitment_id", "county_id", "sector_id", "status", "reason", "counted")
COHORT_KEY = ("commitment_id", "cohort", "status_3", "status_6", "status_12")


class Sums:
    """The summaries' cells as the rows add up: {key: [businesses, jobs]}, {key: [businesses]}."""

    def __init__(self):
        self.status: dict[tuple, list[int]] = {}
        self.cohort: dict[tuple, list[int]] = {}

    def add(self, row: Row, sign: int = 1) -> None:
        cell = self.status.setdefault(_status_key(row), [0, 0])
        cell[0] += sign
        cell[1] += sign * row.jobs
        if row.counted:
            cell = self.cohort.setdefault(_cohort_key(row), [0])
            cell[0] += sign

    def tables(self):
        """(model, key fields, value fields, cells) of each of the four tables."""
        yield BusinessStatusSummary, STATUS_KEY, STATUS_VALUES, self.status
        yield CohortSummary, COHORT_KEY, COHORT_VALUES, self.cohort
        yield (
            PROVINCE_STATUS_KEY[0],
            PROVINCE_STATUS_KEY[1],
            STATUS_VALUES,
            summaries.project(self.status, PROVINCE_STATUS_KEY[2]),
        )
        yield (
            PROVINCE_COHORT_KEY[0],
            PROVINCE_COHORT_KEY[1],
            COHORT_VALUES,
            summaries.project(self.cohort, PROVINCE_COHORT_KEY[2]),
        )


STATUS_VALUES = ("businesses", "jobs")
COHORT_VALUES = ("businesses",)
# The province-wide tables: their model, key fields, and the positions of the full key they keep.
PROVINCE_STATUS_KEY = (
    ProvinceStatusSummary,
    ("county_id", "sector_id", "status", "reason", "counted"),
    (1, 2, 3, 4, 5),
)
PROVINCE_COHORT_KEY = (ProvinceCohortSummary, ("cohort", "status_3", "status_6", "status_12"), (1, 2, 3, 4))


def _lock_commitments(ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if ids:
        list(Commitment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _apply(delta: Sums) -> None:
    """Move the summaries by `delta`; the commitments it touches must be locked (the
    province-wide tables are locked here, after them, always in that order)."""
    locked = False
    for model, keys, values, cells in delta.tables():
        cells = {k: v for k, v in cells.items() if any(v)}
        if not cells:
            continue
        if model in (ProvinceStatusSummary, ProvinceCohortSummary) and not locked:
            summaries.province_lock("registry.province_summaries")
            locked = True
        summaries.apply_delta(model, keys, values, cells)


@transaction.atomic
def businesses_changed(business_ids: Iterable[int], *, owner_hashes: Iterable[str | None] = ()) -> None:
    """Bring the summaries up to date after a write to these businesses or their checks.

    Call it inside the write's transaction, after the write, with every business written
    (created, edited, deleted, or whose checks changed). `owner_hashes`: owners a
    business had before the write, when the write may have changed it (the admin): the
    stored rows know them too, this only spares a query. The other businesses of the
    owners involved are recomputed as well, since which of them counts may change.
    """
    ids = {pk for pk in business_ids if pk is not None}
    if not ids:
        return
    owners = {h for h in owner_hashes if h}
    id_list = sorted(ids)
    for start in range(0, len(id_list), _ID_CHUNK):
        chunk = id_list[start : start + _ID_CHUNK]
        owners |= set(
            HomeBusiness.objects.filter(id__in=chunk, owner_code_hash__isnull=False).values_list(
                "owner_code_hash", flat=True
            )
        )
        owners |= set(
            BusinessFigure.objects.filter(business_id__in=chunk, owner_code_hash__isnull=False).values_list(
                "owner_code_hash", flat=True
            )
        )
    owner_list = sorted(owners)
    for start in range(0, len(owner_list), _ID_CHUNK):
        chunk = owner_list[start : start + _ID_CHUNK]
        ids |= set(HomeBusiness.objects.filter(owner_code_hash__in=chunk).values_list("id", flat=True))
        ids |= set(BusinessFigure.objects.filter(owner_code_hash__in=chunk).values_list("business_id", flat=True))

    new = {row.business_id: row for row in fresh_rows(ids)}
    # Lock the commitments first (of the rows as they were and as they are), then the rows.
    old_commitments = set()
    id_list = sorted(ids)
    for start in range(0, len(id_list), _ID_CHUNK):
        old_commitments |= set(
            BusinessFigure.objects.filter(business_id__in=id_list[start : start + _ID_CHUNK]).values_list(
                "commitment_id", flat=True
            )
        )
    _lock_commitments(old_commitments | {r.commitment_id for r in new.values()})
    old = {row.business_id: row for row in stored_rows(ids, lock=True)}

    delta = Sums()
    for pk in ids:
        before, after = old.get(pk), new.get(pk)
        if before == after:
            continue
        if before is not None:
            delta.add(before, -1)
        if after is not None:
            delta.add(after, +1)
    _apply(delta)
    _write_rows(old, new)


def _write_rows(old: dict[int, Row], new: dict[int, Row]) -> None:
    gone = sorted(set(old) - set(new))
    for start in range(0, len(gone), _ID_CHUNK):
        BusinessFigure.objects.filter(business_id__in=gone[start : start + _ID_CHUNK]).delete()
    changed = [_figure(r) for pk, r in new.items() if pk in old and old[pk] != r]
    BusinessFigure.objects.bulk_update(changed, FIELDS, batch_size=1000)
    bulk.insert_values(BusinessFigure, Row._fields, [r for pk, r in new.items() if pk not in old])


def _figure(row: Row) -> BusinessFigure:
    return BusinessFigure(**row._asdict())


# ---------------------------------------------------------------- check and repair


def _label(model, key: dict) -> str:
    names = dict(HomeBusiness.Status.choices)
    parts = ["بقا" if "cohort" in key else "کسب‌وکارها"]
    parts.append(f"تعهد {persian.format_number(key['commitment_id'])}" if "commitment_id" in key else "کل استان")
    if "county_id" in key:
        parts += [
            f"شهرستان {persian.format_number(key['county_id'])}",
            f"رسته {persian.format_number(key['sector_id'])}",
        ]
    if "status" in key:
        text = f"«{names.get(key['status'], key['status'])}»"
        if key["reason"]:
            text += f" با دلیل «{dict(ContinuityCheck.Reason.choices).get(key['reason'], key['reason'])}»"
        parts.append(text + ("" if key["counted"] else " (تکراری)"))
    if "cohort" in key:
        year, month = divmod(key["cohort"], 12)
        parts.append(f"شروع {persian.jalali_month_label(year, month + 1)}")
        parts.append(
            "، ".join(f"{persian.format_number(n)} ماه: {names.get(key[f'status_{n}']) or 'بی‌پایش'}" for n in HORIZONS)
        )
    return "، ".join(parts)


def _compare(fresh: Sums) -> list[str]:
    problems = []
    for model, keys, values, cells in fresh.tables():
        kept = summaries.stored_cells(model, keys, values)
        for key in sorted(set(cells) | set(kept), key=repr):
            want, have = cells.get(key, [0] * len(values)), kept.get(key, [0] * len(values))
            if want != have:
                problems.append(
                    f"{_label(model, dict(zip(keys, key, strict=True)))}: در جدول خلاصه "
                    f"{_amount(have)}، از ردیف‌ها {_amount(want)}"
                )
    return problems


def _amount(values: list[int]) -> str:
    text = f"{persian.format_number(values[0])} کسب‌وکار"
    return text + (f" و {persian.format_number(values[1])} شغل" if len(values) > 1 else "")


class _Walk:
    """Everything recomputed in one pass: the sums, and the business rows that are
    missing, wrong or extra (counted, and the first of each kept for the message).
    With `mend`, those rows are written as the pass goes, a chunk at a time: each is
    behind both cursors by then, so neither sees it again."""

    def __init__(self, *, mend: bool):
        self.mend = mend
        self.fresh = Sums()
        self.counts = {"missing": 0, "wrong": 0, "extra": 0}
        self.first: dict[str, int] = {}
        self.pending: dict[str, list] = {"missing": [], "wrong": [], "extra": []}

    def note(self, kind: str, value) -> None:
        self.counts[kind] += 1
        self.first.setdefault(kind, value if kind == "extra" else value.business_id)
        if self.mend:
            self.pending[kind].append(value)
            if len(self.pending[kind]) >= _STREAM_CHUNK:
                self.flush()

    def flush(self) -> None:
        extra, wrong, missing = self.pending["extra"], self.pending["wrong"], self.pending["missing"]
        if extra:
            BusinessFigure.objects.filter(business_id__in=extra).delete()
        if wrong:
            BusinessFigure.objects.bulk_update([_figure(r) for r in wrong], FIELDS, batch_size=1000)
        if missing:
            bulk.insert_values(BusinessFigure, Row._fields, missing)
        self.pending = {"missing": [], "wrong": [], "extra": []}

    def run(self) -> _Walk:
        kept_rows = stored_rows()
        kept = next(kept_rows, None)
        for row in fresh_rows():
            self.fresh.add(row)
            while kept is not None and kept.business_id < row.business_id:
                self.note("extra", kept.business_id)
                kept = next(kept_rows, None)
            if kept is not None and kept.business_id == row.business_id:
                if kept != row:
                    self.note("wrong", row)
                kept = next(kept_rows, None)
            else:
                self.note("missing", row)
        while kept is not None:
            self.note("extra", kept.business_id)
            kept = next(kept_rows, None)
        if self.mend:
            self.flush()
        return self


def differences() -> list[str]:
    """Each difference between the registry's summaries and the businesses and checks, in Persian."""
    walk = _Walk(mend=False).run()
    problems = _compare(walk.fresh)
    for kind, what in (("missing", "ندارد"), ("wrong", "نادرست است")):
        if walk.counts[kind]:
            problems.append(
                f"ردیف خلاصهٔ {persian.format_number(walk.counts[kind])} کسب‌وکار {what} "
                f"(نخستین: کسب‌وکار {persian.format_number(walk.first[kind])})"
            )
    if walk.counts["extra"]:
        problems.append(
            f"{persian.format_number(walk.counts['extra'])} ردیف خلاصه برای کسب‌وکاری است که دیگر نیست "
            f"(نخستین: {persian.format_number(walk.first['extra'])})"
        )
    return problems


@transaction.atomic
def repair() -> int:
    """Rewrite whatever differs from the businesses and checks; the number of rows and cells mended."""
    walk = _Walk(mend=True).run()
    mended = sum(walk.counts.values())
    for model, keys, values, cells in walk.fresh.tables():
        kept = summaries.stored_cells(model, keys, values)
        if cells != kept:
            mended += sum(1 for k in set(cells) | set(kept) if cells.get(k) != kept.get(k))
            summaries.rewrite(model, keys, values, cells)
    return mended


# ---------------------------------------------------------------- every ORM write


def _business_saved(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        businesses_changed([instance.pk])


def _check_before(sender, instance, **kwargs) -> None:
    # The admin may move a check to another business: both businesses' rows change.
    instance._summary_business_before = (
        ContinuityCheck.objects.filter(pk=instance.pk).values_list("business_id", flat=True).first()
        if instance.pk and not kwargs.get("raw")
        else None
    )


def _check_saved(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw"):
        businesses_changed([instance.business_id, getattr(instance, "_summary_business_before", None)])


def _check_deleted(sender, instance, **kwargs) -> None:
    businesses_changed([instance.business_id])


def watch() -> None:
    """Connect the signals that keep the summaries current (registry.apps)."""
    from django.db.models.signals import post_delete, post_save, pre_save

    post_save.connect(_business_saved, sender=HomeBusiness, dispatch_uid="summaries-business-save")
    post_delete.connect(_business_saved, sender=HomeBusiness, dispatch_uid="summaries-business-delete")
    pre_save.connect(_check_before, sender=ContinuityCheck, dispatch_uid="summaries-check-before")
    post_save.connect(_check_saved, sender=ContinuityCheck, dispatch_uid="summaries-check-save")
    post_delete.connect(_check_deleted, sender=ContinuityCheck, dispatch_uid="summaries-check-delete")
