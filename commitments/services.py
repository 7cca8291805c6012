"""Every write to commitments and progress entries goes through here.

Each function runs in one transaction, validates with full_clean() first, checks
that the actor may do it, and leaves a history row naming the actor and the reason.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import persian
from core.roles import is_official
from core.writes import ConcurrentEditError, full_clean, refuse_used_token, save_once, stamp

from . import signals
from .models import Commitment, Milestone, ProgressEntry
from .selectors import can_report_on

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
    full_clean(commitment)
    _check_no_cycle(commitment)
    _check_tranche_targets(commitment)
    stamp(commitment, actor, reason or ("ثبت تعهد" if commitment.pk is None else "ویرایش تعهد"))
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


@transaction.atomic
def commitment_set_public(*, actor, commitment: Commitment, is_public: bool) -> Commitment:
    """Show a commitment on the public pages or take it off: provincial officials only."""
    if not is_official(actor):
        raise PermissionDenied("فقط مقام استانی تصمیم می‌گیرد کدام تعهد در صفحهٔ عمومی دیده شود.")
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.is_public == is_public:
        return commitment
    commitment.is_public = is_public
    return commitment_save(
        actor=actor,
        commitment=commitment,
        reason="نمایش در صفحهٔ عمومی" if is_public else "برداشتن از صفحهٔ عمومی",
    )


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
    stamp(commitment, actor, "حذف تعهد")
    commitment.delete()


# ---------------------------------------------------------------- progress entries


def require_reporter(actor, commitment: Commitment) -> None:
    if not can_report_on(actor, commitment):
        raise PermissionDenied("شما گزارش‌دهندهٔ این تعهد نیستید.")


def require_open_for_reports(commitment: Commitment) -> None:
    """The one rule for what may be recorded under a commitment that is not in force.

    A prepared (unsigned) or cancelled commitment realises nothing: progress entries
    (progress_entry_create), businesses (registry's business_create) and imported rows
    (registry/imports.py) are all refused with these words.
    """
    if commitment.is_closed_for_reports:
        raise ValidationError(
            f"تعهد «{commitment.title}» «{commitment.get_status_display()}» است؛ تا تعهدی امضا نشده یا اگر لغو شده باشد، "
            "گزارش پیشرفت و کسب‌وکار روی آن ثبت نمی‌شود."
        )


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
    submission_token=None,
) -> ProgressEntry:
    """A new entry, «ارسال شده». Sent twice with one `submission_token`, it is saved once:
    the second call raises AlreadySubmitted with the first entry."""
    require_reporter(actor, commitment)
    refuse_used_token(ProgressEntry, submission_token)
    if commitment.is_baseline_record:
        raise ValidationError(
            "«شغل پایه» رقم پیش از سامانه است و گزارش پیشرفت تازه نمی‌گیرد؛ گزارش را روی تعهد مربوط ثبت کنید."
        )
    require_open_for_reports(commitment)
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
        submission_token=submission_token,
    )
    if evidence:
        entry.evidence = evidence
    full_clean(entry)
    _check_entry_dates(entry)
    stamp(entry, actor, "ثبت گزارش پیشرفت")
    save_once(entry)
    signals.entry_submitted.send(sender=ProgressEntry, entry=entry, actor=actor)
    return entry


EDITABLE_ENTRY_FIELDS = ("period_end", "jobs_created", "county", "sector", "credit_paid", "note", "evidence")


@transaction.atomic
def progress_entry_update(*, actor, entry: ProgressEntry, version: int, reason: str = "", **changes) -> ProgressEntry:
    """Staff correct their own entry until it is verified. A save based on an old
    version (someone else saved in between) is refused rather than overwriting."""
    locked = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    require_reporter(actor, locked.commitment)
    if locked.status == ProgressEntry.Status.VERIFIED:
        raise ValidationError("این گزارش تأیید شده و قفل است؛ برای اصلاح، گزارش اصلاحی تازه‌ای ثبت کنید.")
    if locked.entered_by_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied("فقط ثبت‌کنندهٔ گزارش می‌تواند آن را ویرایش کند.")
    if locked.version != version:
        raise ConcurrentEditError(
            "این گزارش پس از باز کردن صفحه توسط کاربر دیگری تغییر کرده است؛ صفحه را دوباره باز کنید و تغییرات را از نو وارد کنید."
        )
    changed = False
    for name, value in changes.items():
        if name not in EDITABLE_ENTRY_FIELDS:
            raise ValueError(f"field {name} is not editable")
        if name == "note":
            value = persian.normalize_letters(value or "")
        if name == "evidence" and not value:
            continue
        changed |= getattr(locked, name) != value
        setattr(locked, name, value)
    if not changed:
        # Sent back as it was: nothing to write, no history row, the version stays.
        return locked
    # A returned entry goes back for review once corrected.
    locked.status = ProgressEntry.Status.SUBMITTED
    locked.version += 1
    full_clean(locked)
    _check_entry_dates(locked)
    stamp(locked, actor, reason or "ویرایش گزارش پیشرفت")
    locked.save()
    signals.entry_submitted.send(sender=ProgressEntry, entry=locked, actor=actor)
    return locked


STALE_REVIEW = "این گزارش پس از باز کردن صفحه تغییر کرده است؛ دوباره بررسی کنید."


def _require_official(actor) -> None:
    if not is_official(actor):
        raise PermissionDenied("فقط مقام استانی می‌تواند گزارش‌ها را بررسی کند.")


SELF_REVIEW_REFUSED = "این گزارش را خود شما ثبت کرده‌اید؛ تأیید یا برگشت آن با مقام استانی دیگری است، نه ثبت‌کننده."
SELF_REVIEW_NOTE = "بازبینی توسط ثبت‌کننده"


def is_self_review(actor, entry: ProgressEntry) -> bool:
    return entry.entered_by_id is not None and entry.entered_by_id == actor.pk


def may_review(actor, entry: ProgressEntry) -> bool:
    """Separation of duties: whoever entered an entry does not verify or return it.

    An official who is also a reporter never may; the admin only where the deployment
    says so (ALLOW_SELF_REVIEW, off by default: a one-person pilot), and then the
    history says it was a self-review.
    """
    if not is_self_review(actor, entry):
        return True
    return actor.is_superuser and settings.ALLOW_SELF_REVIEW


def _review_reason(actor, entry: ProgressEntry, reason: str) -> str:
    """The change reason, after refusing a forbidden self-review; an allowed one is named."""
    if not may_review(actor, entry):
        raise PermissionDenied(SELF_REVIEW_REFUSED)
    return f"{reason} ({SELF_REVIEW_NOTE})" if is_self_review(actor, entry) else reason


@transaction.atomic
def progress_entry_verify(*, actor, entry: ProgressEntry, version: int | None = None) -> ProgressEntry:
    _require_official(actor)
    locked = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    change_reason = _review_reason(actor, locked, "تأیید گزارش")
    if version is not None and locked.version != version:
        raise ConcurrentEditError(STALE_REVIEW)
    if locked.status != ProgressEntry.Status.SUBMITTED:
        raise ValidationError(f"فقط گزارش «ارسال شده» تأیید می‌شود؛ این گزارش «{locked.get_status_display()}» است.")
    locked.status = ProgressEntry.Status.VERIFIED
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.version += 1
    stamp(locked, actor, change_reason)
    locked.save()
    signals.entry_verified.send(sender=ProgressEntry, entry=locked, actor=actor)
    return locked


@transaction.atomic
def progress_entry_reject(*, actor, entry: ProgressEntry, reason: str, version: int | None = None) -> ProgressEntry:
    _require_official(actor)
    reason = persian.normalize_letters(reason or "")
    if not reason:
        raise ValidationError({"review_note": "دلیل برگشت را بنویسید تا کارشناس بداند چه چیزی را اصلاح کند."})
    locked = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    change_reason = _review_reason(actor, locked, "برگشت")
    if version is not None and locked.version != version:
        raise ConcurrentEditError(STALE_REVIEW)
    if locked.status != ProgressEntry.Status.SUBMITTED:
        raise ValidationError(f"فقط گزارش «ارسال شده» برگشت داده می‌شود؛ این گزارش «{locked.get_status_display()}» است.")
    locked.status = ProgressEntry.Status.REJECTED
    locked.review_note = reason
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.version += 1
    stamp(locked, actor, f"{change_reason}: {reason}")
    locked.save()
    signals.entry_returned.send(sender=ProgressEntry, entry=locked, actor=actor, reason=reason)
    return locked


# With «بازگشایی: » in front it fits the history's 100-character change reason whole.
REOPEN_REASON_MAX = 90


@transaction.atomic
def progress_entry_reopen(*, actor, entry: ProgressEntry, reason: str, version: int) -> ProgressEntry:
    """An official takes a verified entry back to «ارسال شده» with a written reason.

    It leaves every figure at once (the dashboard and reports read verified entries only;
    the figure cache is bumped by the save), its author may correct it, and it is
    reviewed again. The reason stays in the history. The baseline is the admin's and is
    not reopened here.
    """
    _require_official(actor)
    reason = persian.normalize_letters(reason or "")
    if not reason:
        raise ValidationError({"reason": "دلیل بازگشایی را بنویسید؛ در تاریخچهٔ گزارش می‌ماند."})
    if len(reason) > REOPEN_REASON_MAX:
        raise ValidationError(
            {
                "reason": (
                    f"دلیل بازگشایی حداکثر {persian.format_number(REOPEN_REASON_MAX)} نویسه است و این متن "
                    f"{persian.format_number(len(reason))} نویسه دارد؛ آن را کوتاه‌تر کنید."
                )
            }
        )
    locked = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.version != version:
        raise ConcurrentEditError(STALE_REVIEW)
    if locked.is_baseline:
        raise ValidationError("رقم پایه (شغل پایه) در سایت بازگشایی نمی‌شود؛ اصلاح آن با مدیر سامانه است.")
    if locked.status != ProgressEntry.Status.VERIFIED:
        raise ValidationError(f"فقط گزارش «تأیید شده» بازگشایی می‌شود؛ این گزارش «{locked.get_status_display()}» است.")
    locked.status = ProgressEntry.Status.SUBMITTED
    locked.verified_by = None
    locked.verified_at = None
    locked.version += 1
    stamp(locked, actor, f"بازگشایی: {reason}")
    locked.save()
    signals.entry_reopened.send(sender=ProgressEntry, entry=locked, actor=actor, reason=reason)
    return locked


@transaction.atomic
def progress_entry_create_baseline(
    *, actor, commitment: Commitment, period_end: datetime.date, jobs_created: int, note: str
) -> ProgressEntry:
    """A figure realised before the tracker existed, entered and verified by an admin."""
    if not actor.is_superuser:
        raise PermissionDenied("فقط مدیر سامانه رقم پایه ثبت می‌کند.")
    if not commitment.is_baseline_record:
        raise ValidationError("شغل پایه فقط روی رکورد «رقم پایه (پیش از سامانه)» ثبت می‌شود، نه روی یک تعهد.")
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
    full_clean(entry)
    stamp(entry, actor, "ثبت رقم پایه")
    entry.save()
    return entry


# ---------------------------------------------------------------- milestones


@transaction.atomic
def milestone_mark_done(*, actor, milestone: Milestone, done_on: datetime.date, reason: str = "") -> Milestone:
    """An official records a milestone or deliverable as done; its reminders stop."""
    _require_official(actor)
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.done_on is not None:
        raise ValidationError(
            f"«{locked.title}» از پیش در {persian.format_jalali_long(locked.done_on)} انجام‌شده ثبت شده است."
        )
    if done_on > persian.local_today():
        raise ValidationError({"done_on": "تاریخ انجام نمی‌تواند در آینده باشد."})
    locked.done_on = done_on
    full_clean(locked)
    stamp(locked, actor, (reason or "ثبت انجام مهلت")[:100])
    locked.save()
    return locked
