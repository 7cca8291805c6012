"""The verified-jobs summary (VerifiedJobsSummary): kept current, recomputed, compared.

Every save or delete of an entry that is or was verified (verify, reopen, the
baseline, the admin's saves and deletes) calls `entries_changed` with the commitments it
touched, inside the write's own transaction, through the model signals connected in
`watch()` — like the figure cache's, so that no ordinary write can miss it (writes that
bypass the ORM are for `check_summaries --repair`): their rows are rewritten from their entries with the
commitments locked, so two writers to one commitment take turns and the summary never
holds half of either. A commitment has a few thousand entries at most, so rewriting its
rows costs one small grouped read.

Months are Jalali (year × 12 + month − 1), computed here in Python: the database's
own month functions are Gregorian.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

from django.db import transaction

from core import persian, summaries

from .models import Commitment, CommitmentVerifiedJobs, ProgressEntry, ProvinceVerifiedJobs, VerifiedJobsSummary

Key = tuple[int, int | None, int | None, int, bool]  # commitment, county, sector, month, is_baseline


@lru_cache(maxsize=8192)
def jalali_month(day: datetime.date) -> int:
    j = persian.to_jalali(day)
    return j.year * 12 + j.month - 1


def month_number(year: int, month: int) -> int:
    return year * 12 + month - 1


def recompute(commitment_ids: Iterable[int] | None = None) -> dict[Key, list[int]]:
    """{key: [entries, jobs, credit]} from the verified entries (of these commitments, or all)."""
    entries = ProgressEntry.objects.filter(status=ProgressEntry.Status.VERIFIED)
    if commitment_ids is not None:
        entries = entries.filter(commitment_id__in=list(commitment_ids))
    sums: dict[Key, list[int]] = {}
    rows = entries.order_by().values_list(
        "commitment_id", "county_id", "sector_id", "period_end", "is_baseline", "jobs_created", "credit_paid"
    )
    for commitment, county, sector, period_end, baseline, jobs, credit in rows.iterator(chunk_size=5000):
        cell = sums.setdefault((commitment, county, sector, jalali_month(period_end), baseline), [0, 0, 0])
        cell[0] += 1
        cell[1] += jobs
        cell[2] += credit or 0
    return sums


def stored(commitment_ids: Iterable[int] | None = None) -> dict[Key, list[int]]:
    filters = {} if commitment_ids is None else {"commitment_id__in": list(commitment_ids)}
    return summaries.stored_cells(VerifiedJobsSummary, KEYS, VALUES, **filters)


KEYS = ("commitment_id", "county_id", "sector_id", "month", "is_baseline")
VALUES = ("entries", "jobs", "credit")
# The two coarser tables: the positions of KEYS each keeps.
BY_COMMITMENT = (CommitmentVerifiedJobs, ("commitment_id", "is_baseline"), (0, 4))
PROVINCE = (ProvinceVerifiedJobs, ("county_id", "sector_id", "month", "is_baseline"), (1, 2, 3, 4))


@transaction.atomic
def entries_changed(commitment_ids: Iterable[int | None]) -> None:
    """Rewrite the summary rows of these commitments from their verified entries, and
    move the province-wide sums by the difference.

    Call it inside the write's transaction, after the write. The commitments are locked
    in id order (the same order everywhere, so two writers cannot deadlock) and stay
    locked until the write commits; the province-wide rows under one lock besides."""
    ids = sorted({pk for pk in commitment_ids if pk is not None})
    if not ids:
        return
    list(Commitment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    old, new = stored(ids), recompute(ids)
    if old == new:
        return
    summaries.rewrite(VerifiedJobsSummary, KEYS, VALUES, new, commitment_id__in=ids)
    model, keys, positions = BY_COMMITMENT
    summaries.rewrite(model, keys, VALUES, summaries.project(new, positions), commitment_id__in=ids)
    model, keys, positions = PROVINCE
    summaries.province_lock("commitments.province_verified_jobs")
    summaries.apply_delta(
        model, keys, VALUES, summaries.subtract(summaries.project(new, positions), summaries.project(old, positions))
    )


def is_every_commitment(commitments) -> bool:
    """True when the queryset is every commitment, unfiltered: the province-wide table
    then says what the per-commitment rows would sum to."""
    query = commitments.query
    return (
        query.model is Commitment
        and not query.where.children
        and not query.is_sliced
        and not query.combinator
        and not query.distinct
    )


def _tables(fresh: dict[Key, list[int]]):
    """(model, keys, the cells the rows say, the cells stored) for each of the three tables."""
    yield VerifiedJobsSummary, KEYS, fresh, stored()
    for model, keys, positions in (BY_COMMITMENT, PROVINCE):
        yield model, keys, summaries.project(fresh, positions), summaries.stored_cells(model, keys, VALUES)


def differences() -> list[str]:
    """Each difference between the summaries and the entries, in Persian; empty when equal."""
    problems = []
    for _model, keys, want_cells, have_cells in _tables(recompute()):
        for key in sorted(set(want_cells) | set(have_cells), key=repr):
            want, have = want_cells.get(key, [0, 0, 0]), have_cells.get(key, [0, 0, 0])
            if want != have:
                problems.append(
                    f"{_label(dict(zip(keys, key, strict=True)))}: در جدول خلاصه {_triple(have)}، از گزارش‌ها {_triple(want)}"
                )
    return problems


def _label(key: dict) -> str:
    parts = ["شغل تأییدشده"]
    if "commitment_id" in key:
        parts.append(f"تعهد {persian.format_number(key['commitment_id'])}")
    else:
        parts.append("کل استان")
    if "county_id" in key:
        parts.append(f"شهرستان {_id(key['county_id'])}")
        parts.append(f"رسته {_id(key['sector_id'])}")
    if "month" in key:
        year, m = divmod(key["month"], 12)
        parts.append(persian.jalali_month_label(year, m + 1))
    text = "، ".join(parts)
    return text + (" (شغل پایه)" if key["is_baseline"] else "")


def _id(pk) -> str:
    return "نامشخص" if pk is None else persian.format_number(pk)


def _triple(v: list[int]) -> str:
    return f"{persian.format_number(v[0])} گزارش، {persian.format_number(v[1])} شغل، {persian.format_number(v[2])} ریال"


@transaction.atomic
def repair() -> int:
    """Rewrite whatever table differs from the entries; the number of cells that differed."""
    changed = 0
    for model, keys, want, have in _tables(recompute()):
        differing = sum(1 for key in set(want) | set(have) if want.get(key) != have.get(key))
        if differing:
            changed += differing
            summaries.rewrite(model, keys, VALUES, want)
    return changed


# ---------------------------------------------------------------- every ORM write

VERIFIED = ProgressEntry.Status.VERIFIED


def _entry_before(sender, instance, **kwargs) -> None:
    before = None
    if instance.pk and not kwargs.get("raw"):
        before = ProgressEntry.objects.filter(pk=instance.pk).values_list("commitment_id", "status").first()
    instance._summary_before = before


def _entry_saved(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    before = getattr(instance, "_summary_before", None)
    touched = []
    if before is not None and before[1] == VERIFIED:
        touched.append(before[0])
    if instance.status == VERIFIED:
        touched.append(instance.commitment_id)
    entries_changed(touched)


def _entry_deleted(sender, instance, **kwargs) -> None:
    if instance.status == VERIFIED:
        entries_changed([instance.commitment_id])


def watch() -> None:
    """Connect the signals that keep the summary current (commitments.apps)."""
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(_entry_before, sender=ProgressEntry, dispatch_uid="summaries-entry-before")
    post_save.connect(_entry_saved, sender=ProgressEntry, dispatch_uid="summaries-entry-save")
    post_delete.connect(_entry_deleted, sender=ProgressEntry, dispatch_uid="summaries-entry-delete")
