"""Every write to commitments, progress entries, businesses and checks goes through here.

Each function runs in one transaction, validates with full_clean() first, checks
that the actor may do it, and leaves a history row naming the actor and the reason.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from kerman_jobs import persian
from kerman_jobs.roles import is_official

from .models import Commitment, ContinuityCheck, HomeBusiness, ProgressEntry
from .selectors import can_report_on


class ConcurrentEditError(ValidationError):
    """Somebody else saved the same record after this user opened it."""


def _check_text_limits(obj) -> None:
    """Django enforces a TextField's max_length only in forms, not in full_clean();
    a 10 MB note sent past a form must still be refused before anything is written."""
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.max_length:
            value = getattr(obj, field.attname) or ""
            if len(value) > field.max_length:
                raise ValidationError(
                    {
                        field.name: (
                            f"«{field.verbose_name}» حداکثر {persian.format_number(field.max_length)} نویسه است و "
                            f"این متن {persian.format_number(len(value))} نویسه دارد؛ آن را کوتاه‌تر کنید."
                        )
                    }
                )


# What each integer column holds, as Django's backends define it (PostgreSQL's ranges).
# SQLite would store more, and PostgreSQL then refuse it at save time in English.
_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def _check_number_ranges(obj) -> None:
    """Negative or out-of-range numbers get a Persian message with Persian digits.

    Django's own validators say «... 0 است» with Latin digits, and on SQLite a
    PositiveIntegerField takes any bigint, so the same service call would pass on one
    database and fail at save time on the other. Checked before full_clean().
    """
    errors = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.is_relation:
            continue
        limits = _INTEGER_RANGES.get(field.get_internal_type())
        value = getattr(obj, field.attname)
        if limits is None or isinstance(value, bool) or not isinstance(value, int):
            continue
        low, high = limits
        if value < low:
            errors[field.name] = (
                f"«{field.verbose_name}» نمی‌تواند منفی باشد؛ صفر یا بیشتر وارد کنید."
                if low == 0
                else f"«{field.verbose_name}» باید دست‌کم {persian.format_number(low)} باشد."
            )
        elif value > high:
            errors[field.name] = (
                f"«{field.verbose_name}» بیش از حد بزرگ است؛ حداکثر {persian.format_number(high)} پذیرفته می‌شود."
            )
    if errors:
        raise ValidationError(errors)


def _full_clean(obj) -> None:
    _check_number_ranges(obj)
    obj.full_clean()


def _stamp(obj, actor, reason: str) -> None:
    # Every service stamps right before it saves, so the text limits are checked here
    # once for every write.
    _check_text_limits(obj)
    # django-simple-history reads these when it writes the history row.
    obj._history_user = actor
    obj._change_reason = reason[:100] if reason else ""


# ---------------------------------------------------------------- commitments


def _check_no_cycle(commitment: Commitment) -> None:
    seen = {commitment.pk}
    parent = commitment.parent
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": "تعهد مادر نمی‌تواند یکی از بخش‌های خود همین تعهد باشد."})
        seen.add(parent.pk)
        parent = parent.parent


def _check_tranche_targets(commitment: Commitment) -> None:
    """A tranche never exceeds its parent, and tranches together never exceed it either.

    Runs with the parent row locked so two tranches saved at once cannot both fit.
    """
    if commitment.parent_id:
        parent = Commitment.objects.select_for_update().get(pk=commitment.parent_id)
        if commitment.jobs_target is not None and commitment.status != Commitment.Status.CANCELLED:
            if parent.jobs_target is None:
                raise ValidationError({"jobs_target": "تعهد مادر هنوز هدف اشتغال ندارد؛ اول برای آن هدف تعیین کنید."})
            siblings = (
                parent.tranches.exclude(pk=commitment.pk)
                .exclude(status=Commitment.Status.CANCELLED)
                .aggregate(jobs=Coalesce(Sum("jobs_target"), 0), credit=Coalesce(Sum("credit_amount"), 0))
            )
            room = parent.jobs_target - siblings["jobs"]
            if commitment.jobs_target > room:
                raise ValidationError(
                    {
                        "jobs_target": (
                            f"هدف این بخش ({persian.format_number(commitment.jobs_target)} شغل) از سهم باقی‌ماندهٔ "
                            f"تعهد مادر «{parent}» بیشتر است: از {persian.format_number(parent.jobs_target)} شغل، "
                            f"{persian.format_number(siblings['jobs'])} شغل به بخش‌های دیگر داده شده و فقط "
                            f"{persian.format_number(max(room, 0))} شغل باقی مانده است."
                        )
                    }
                )
            if parent.credit_amount and commitment.credit_amount:
                credit_room = parent.credit_amount - siblings["credit"]
                if commitment.credit_amount > credit_room:
                    raise ValidationError(
                        {
                            "credit_amount": (
                                f"اعتبار این بخش از اعتبار باقی‌ماندهٔ تعهد مادر "
                                f"({persian.format_number(max(credit_room, 0))} ریال) بیشتر است."
                            )
                        }
                    )
    if commitment.pk:
        # A parent's own target may not shrink below what its tranches already hold.
        allocated = (
            Commitment.objects.filter(parent_id=commitment.pk)
            .exclude(status=Commitment.Status.CANCELLED)
            .aggregate(jobs=Coalesce(Sum("jobs_target"), 0))["jobs"]
        )
        if allocated and (commitment.jobs_target is None or commitment.jobs_target < allocated):
            raise ValidationError(
                {
                    "jobs_target": (
                        f"بخش‌های این تعهد روی هم {persian.format_number(allocated)} شغل هدف دارند؛ "
                        "هدف تعهد نمی‌تواند کمتر از این باشد."
                    )
                }
            )


def commitment_check_rules(commitment: Commitment) -> None:
    """The cross-row rules alone, for forms that want to show errors before saving."""
    with transaction.atomic():
        _check_no_cycle(commitment)
        _check_tranche_targets(commitment)


@transaction.atomic
def commitment_save(*, actor, commitment: Commitment, reason: str = "", partners=None, reporters=None) -> Commitment:
    """Create or update a commitment (or a tranche) after checking every rule."""
    commitment.title = persian.normalize_letters(commitment.title)
    commitment.venue = persian.normalize_letters(commitment.venue or "")
    _full_clean(commitment)
    _check_no_cycle(commitment)
    _check_tranche_targets(commitment)
    _stamp(commitment, actor, reason or ("ثبت تعهد" if commitment.pk is None else "ویرایش تعهد"))
    commitment.save()
    if partners is not None:
        commitment.partners.set(partners)
    if reporters is not None:
        commitment.reporters.set(reporters)
    return commitment


@transaction.atomic
def commitment_set_status(*, actor, commitment: Commitment, status: str, reason: str = "") -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    commitment.status = status
    return commitment_save(actor=actor, commitment=commitment, reason=reason or f"تغییر وضعیت به {status}")


def commitment_sign(*, actor, commitment: Commitment, signed_on: datetime.date, jobs_target: int) -> Commitment:
    commitment.status = Commitment.Status.SIGNED
    commitment.signed_on = signed_on
    commitment.jobs_target = jobs_target
    return commitment_save(actor=actor, commitment=commitment, reason="امضای تعهد")


@transaction.atomic
def commitment_delete(*, actor, commitment: Commitment) -> None:
    """Only a commitment with no progress, no businesses and no tranches may be deleted;
    anything with history is cancelled instead."""
    if commitment.progress_entries.exists() or commitment.businesses.exists() or commitment.tranches.exists():
        raise ValidationError("این تعهد گزارش پیشرفت، کسب‌وکار یا بخش دارد و حذف نمی‌شود؛ به‌جای حذف آن را لغو کنید.")
    _stamp(commitment, actor, "حذف تعهد")
    commitment.delete()


# ---------------------------------------------------------------- progress entries


def _require_reporter(actor, commitment: Commitment) -> None:
    if not can_report_on(actor, commitment):
        raise PermissionDenied("شما گزارش‌دهندهٔ این تعهد نیستید.")


def _check_entry_dates(entry: ProgressEntry) -> None:
    today = persian.local_today()
    if entry.period_end and entry.period_end > today:
        raise ValidationError({"period_end": "پایان دوره نمی‌تواند در آینده باشد."})


@transaction.atomic
def progress_entry_create(
    *,
    actor,
    commitment: Commitment,
    period_end: datetime.date,
    jobs_created: int,
    county=None,
    sector=None,
    credit_paid: int = 0,
    note: str = "",
    evidence=None,
) -> ProgressEntry:
    _require_reporter(actor, commitment)
    if commitment.status in (Commitment.Status.PREPARED, Commitment.Status.CANCELLED):
        raise ValidationError(f"برای تعهدی با وضعیت «{commitment.get_status_display()}» گزارش پیشرفت ثبت نمی‌شود.")
    entry = ProgressEntry(
        commitment=commitment,
        period_end=period_end,
        jobs_created=jobs_created,
        county=county,
        sector=sector,
        credit_paid=credit_paid or 0,
        note=persian.normalize_letters(note or ""),
        entered_by=actor,
        status=ProgressEntry.Status.SUBMITTED,
    )
    if evidence:
        entry.evidence = evidence
    _full_clean(entry)
    _check_entry_dates(entry)
    _stamp(entry, actor, "ثبت گزارش پیشرفت")
    entry.save()
    return entry


EDITABLE_ENTRY_FIELDS = ("period_end", "jobs_created", "county", "sector", "credit_paid", "note", "evidence")


@transaction.atomic
def progress_entry_update(*, actor, entry: ProgressEntry, version: int, reason: str = "", **changes) -> ProgressEntry:
    """Staff correct their own entry until it is verified. A save based on an old
    version (someone else saved in between) is refused rather than overwriting."""
    locked = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    _require_reporter(actor, locked.commitment)
    if locked.status == ProgressEntry.Status.VERIFIED:
        raise ValidationError("این گزارش تأیید شده و قفل است؛ برای اصلاح، گزارش اصلاحی تازه‌ای ثبت کنید.")
    if locked.entered_by_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied("فقط ثبت‌کنندهٔ گزارش می‌تواند آن را ویرایش کند.")
    if locked.version != version:
        raise ConcurrentEditError(
            "این گزارش پس از باز کردن صفحه توسط کاربر دیگری تغییر کرده است؛ صفحه را دوباره باز کنید و تغییرات را از نو وارد کنید."
        )
    for name, value in changes.items():
        if name not in EDITABLE_ENTRY_FIELDS:
            raise ValueError(f"field {name} is not editable")
        if name == "note":
            value = persian.normalize_letters(value or "")
        if name == "evidence" and not value:
            continue
        setattr(locked, name, value)
    # A returned entry goes back for review once corrected.
    locked.status = ProgressEntry.Status.SUBMITTED
    locked.version += 1
    _full_clean(locked)
    _check_entry_dates(locked)
    _stamp(locked, actor, reason or "ویرایش گزارش پیشرفت")
    locked.save()
    return locked


def _require_official(actor) -> None:
    if not is_official(actor):
        raise PermissionDenied("فقط مقام استانی می‌تواند گزارش‌ها را بررسی کند.")


@transaction.atomic
def progress_entry_verify(*, actor, entry: ProgressEntry, version: int | None = None) -> ProgressEntry:
    _require_official(actor)
    locked = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    if version is not None and locked.version != version:
        raise ConcurrentEditError("این گزارش پس از باز کردن صفحه تغییر کرده است؛ دوباره بررسی کنید.")
    if locked.status != ProgressEntry.Status.SUBMITTED:
        raise ValidationError(f"فقط گزارش «ارسال شده» تأیید می‌شود؛ این گزارش «{locked.get_status_display()}» است.")
    locked.status = ProgressEntry.Status.VERIFIED
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.version += 1
    _stamp(locked, actor, "تأیید گزارش")
    locked.save()
    return locked


@transaction.atomic
def progress_entry_reject(*, actor, entry: ProgressEntry, reason: str, version: int | None = None) -> ProgressEntry:
    _require_official(actor)
    reason = persian.normalize_letters(reason or "")
    if not reason:
        raise ValidationError({"review_note": "دلیل برگشت را بنویسید تا کارشناس بداند چه چیزی را اصلاح کند."})
    locked = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    if version is not None and locked.version != version:
        raise ConcurrentEditError("این گزارش پس از باز کردن صفحه تغییر کرده است؛ دوباره بررسی کنید.")
    if locked.status != ProgressEntry.Status.SUBMITTED:
        raise ValidationError(f"فقط گزارش «ارسال شده» برگشت داده می‌شود؛ این گزارش «{locked.get_status_display()}» است.")
    locked.status = ProgressEntry.Status.REJECTED
    locked.review_note = reason
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.version += 1
    _stamp(locked, actor, f"برگشت: {reason}")
    locked.save()
    return locked


@transaction.atomic
def progress_entry_create_baseline(
    *, actor, commitment: Commitment, period_end: datetime.date, jobs_created: int, note: str
) -> ProgressEntry:
    """A figure realised before the tracker existed, entered and verified by an admin."""
    if not actor.is_superuser:
        raise PermissionDenied("فقط مدیر سامانه رقم پایه ثبت می‌کند.")
    entry = ProgressEntry(
        commitment=commitment,
        period_end=period_end,
        jobs_created=jobs_created,
        note=note,
        entered_by=actor,
        verified_by=actor,
        verified_at=timezone.now(),
        status=ProgressEntry.Status.VERIFIED,
        is_baseline=True,
    )
    _full_clean(entry)
    _stamp(entry, actor, "ثبت رقم پایه")
    entry.save()
    return entry


# ---------------------------------------------------------------- businesses and checks


@transaction.atomic
def business_create(
    *,
    actor,
    commitment: Commitment,
    reference_code: str,
    county,
    sector,
    started_on: datetime.date,
    jobs: int = 1,
    loan_amount: int = 0,
) -> HomeBusiness:
    _require_reporter(actor, commitment)
    business = HomeBusiness(
        commitment=commitment,
        reference_code=persian.to_ascii_digits(reference_code).strip(),
        county=county,
        sector=sector,
        started_on=started_on,
        jobs=jobs,
        loan_amount=loan_amount or 0,
        status=HomeBusiness.Status.ACTIVE,
    )
    _full_clean(business)
    _stamp(business, actor, "ثبت کسب‌وکار")
    business.save()
    return business


@transaction.atomic
def continuity_check_create(
    *, actor, business: HomeBusiness, checked_on: datetime.date, status: str, reason: str = "", note: str = ""
) -> ContinuityCheck:
    """Record a check; the business takes the status of its latest check."""
    business = HomeBusiness.objects.select_for_update().get(pk=business.pk)
    _require_reporter(actor, business.commitment)
    if checked_on > persian.local_today():
        raise ValidationError({"checked_on": "تاریخ پایش نمی‌تواند در آینده باشد."})
    if checked_on < business.started_on:
        raise ValidationError({"checked_on": "تاریخ پایش نمی‌تواند پیش از شروع کسب‌وکار باشد."})
    if status == HomeBusiness.Status.ACTIVE:
        reason = ""
    elif not reason:
        raise ValidationError({"reason": "برای کسب‌وکار نیمه‌تعطیل یا غیرفعال، دلیل را انتخاب کنید."})
    check = ContinuityCheck(
        business=business,
        checked_on=checked_on,
        status=status,
        reason=reason,
        note=persian.normalize_letters(note or ""),
        checked_by=actor,
    )
    _full_clean(check)
    _stamp(check, actor, "ثبت پایش استمرار")
    check.save()
    latest = business.checks.order_by("-checked_on", "-id").first()
    if latest and latest.status != business.status:
        business.status = latest.status
        _stamp(business, actor, "وضعیت از آخرین پایش")
        business.save(update_fields=["status"])
    return check
