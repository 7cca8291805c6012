"""Every write to home businesses and their continuity checks goes through here.

Each function runs in one transaction, validates with full_clean() first, checks that
the actor reports on the business's commitment, and leaves a history row.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from commitments.models import Commitment
from commitments.services import require_open_for_reports, require_reporter
from core import national_code, persian
from core.writes import full_clean, refuse_used_token, save_once, stamp

from .models import ContinuityCheck, HomeBusiness


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
    owner_national_code: str = "",
    submission_token=None,
) -> HomeBusiness:
    """A business under a commitment the actor reports on. The owner's national code is
    optional; only its keyed hash and last three digits are stored (`owner_code_fields`)."""
    require_reporter(actor, commitment)
    require_open_for_reports(commitment)
    refuse_used_token(HomeBusiness, submission_token)
    business = HomeBusiness(
        commitment=commitment,
        # Stored normalised (core.persian.normalize_code) so the unique key holds on what
        # people see: «ab-12» and «AB\u200c-12» are the same business as «AB-12».
        reference_code=persian.normalize_code(reference_code),
        county=county,
        sector=sector,
        started_on=started_on,
        jobs=jobs,
        loan_amount=loan_amount or 0,
        # «پایش‌نشده» until its first continuity check: registering is not checking.
        status=HomeBusiness.Status.UNCHECKED,
        **owner_code_fields(owner_national_code),
        submission_token=submission_token,
    )
    full_clean(business)
    stamp(business, actor, "ثبت کسب‌وکار")
    save_once(business)
    return business


def owner_code_fields(owner_national_code: str | None) -> dict:
    """The model fields for an owner's national code as typed: its hash and last three
    digits, or none for a blank code. A wrong code is a ValidationError on the field."""
    try:
        code = national_code.parse(owner_national_code)
    except persian.PersianValueError as exc:
        raise ValidationError({"owner_national_code": str(exc)}) from None
    if not code:
        return {"owner_code_hash": None, "owner_code_last3": ""}
    return {"owner_code_hash": national_code.owner_hash(code), "owner_code_last3": national_code.last_digits(code)}


@transaction.atomic
def continuity_check_create(
    *, actor, business: HomeBusiness, checked_on: datetime.date, status: str, reason: str = "", note: str = ""
) -> ContinuityCheck:
    """Record a check; the business takes the status of its latest check."""
    business = HomeBusiness.objects.select_for_update().get(pk=business.pk)
    require_reporter(actor, business.commitment)
    if status not in ContinuityCheck.Status.values:
        # «پایش‌نشده» is what a business is before any check, never what a check finds.
        raise ValidationError({"status": "وضعیت پایش باید فعال، نیمه‌تعطیل یا غیرفعال باشد."})
    if checked_on > persian.local_today():
        raise ValidationError({"checked_on": "تاریخ پایش نمی‌تواند در آینده باشد."})
    if checked_on < business.started_on:
        raise ValidationError({"checked_on": "تاریخ پایش نمی‌تواند پیش از شروع کسب‌وکار باشد."})
    if status == ContinuityCheck.Status.ACTIVE:
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
    full_clean(check)
    stamp(check, actor, "ثبت پایش استمرار")
    check.save()
    latest = business.checks.order_by("-checked_on", "-id").first()
    if latest and latest.status != business.status:
        business.status = latest.status
        stamp(business, actor, "وضعیت از آخرین پایش")
        business.save(update_fields=["status"])
    return check
