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

from core import persian

from .models import Commitment, ProgressEntry, VerifiedJobsSummary

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
    rows = VerifiedJobsSummary.objects.all()
    if commitment_ids is not None:
        rows = rows.filter(commitment_id__in=list(commitment_ids))
    return {
        (r.commitment_id, r.county_id, r.sector_id, r.month, r.is_baseline): [r.entries, r.jobs, r.credit]
        for r in rows.order_by()
    }


def _write(sums: dict[Key, list[int]]) -> None:
    VerifiedJobsSummary.objects.bulk_create(
        [
            VerifiedJobsSummary(
                commitment_id=k[0],
                county_id=k[1],
                sector_id=k[2],
                month=k[3],
                is_baseline=k[4],
                entries=v[0],
                jobs=v[1],
                credit=v[2],
            )
            for k, v in sums.items()
            if v[0]
        ],
        batch_size=2000,
    )


@transaction.atomic
def entries_changed(commitment_ids: Iterable[int | None]) -> None:
    """Rewrite the summary rows of these commitments from their verified entries.

    Call it inside the write's transaction, after the write. The commitments are locked
    in id order (the same order everywhere, so two writers cannot deadlock) and stay
    locked until the write commits."""
    ids = sorted({pk for pk in commitment_ids if pk is not None})
    if not ids:
        return
    list(Commitment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    VerifiedJobsSummary.objects.filter(commitment_id__in=ids).delete()
    _write(recompute(ids))


def differences() -> list[str]:
    """Each difference between the summary and the entries, in Persian; empty when equal."""
    fresh, kept = recompute(), stored()
    problems = []
    for key in sorted(set(fresh) | set(kept), key=lambda k: tuple(-1 if x is None else int(x) for x in k)):
        want, have = fresh.get(key, [0, 0, 0]), kept.get(key, [0, 0, 0])
        if want != have:
            commitment, county, sector, month, baseline = key
            year, m = divmod(month, 12)
            problems.append(
                f"شغل تأییدشده، تعهد {persian.format_number(commitment)}، شهرستان {_id(county)}، "
                f"رسته {_id(sector)}، {persian.jalali_month_label(year, m + 1)}"
                f"{' (شغل پایه)' if baseline else ''}: در جدول خلاصه "
                f"{_triple(have)}، از گزارش‌ها {_triple(want)}"
            )
    return problems


def _id(pk) -> str:
    return "نامشخص" if pk is None else persian.format_number(pk)


def _triple(v: list[int]) -> str:
    return f"{persian.format_number(v[0])} گزارش، {persian.format_number(v[1])} شغل، {persian.format_number(v[2])} ریال"


@transaction.atomic
def repair() -> int:
    """Rewrite the whole summary from the entries; the number of keys that differed."""
    fresh, kept = recompute(), stored()
    changed = sum(1 for key in set(fresh) | set(kept) if fresh.get(key) != kept.get(key))
    if changed:
        VerifiedJobsSummary.objects.all().delete()
        _write(fresh)
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
