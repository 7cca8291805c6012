"""Services refuse negative and out-of-range numbers in Persian, with Persian digits.

Forms already do (core.fields.PersianIntegerField); these are the calls that
come from elsewhere (commands, imports, tasks, the shell). Django's own validators
would answer «... مساوی 0 است» with Latin digits, and on SQLite a PositiveIntegerField
would take 2**31 and PostgreSQL would refuse it only at save time.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import Commitment, ProgressEntry
from registry import services as registry_services
from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db

LATIN_DIGIT = re.compile(r"[0-9]")
INT_MAX = 2_147_483_647
BIGINT_MAX = 9_223_372_036_854_775_807


def refused(call, field: str) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    messages = info.value.message_dict[field]
    assert len(messages) == 1, messages
    (message,) = messages
    assert not LATIN_DIGIT.search(message), message
    return message


@pytest.mark.parametrize(
    ("jobs", "expected"),
    [
        (-5, "«شغل ایجاد شده» نمی‌تواند منفی باشد؛ صفر یا بیشتر وارد کنید."),
        (INT_MAX + 1, "«شغل ایجاد شده» بیش از حد بزرگ است؛ حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷ پذیرفته می‌شود."),
        (10**20, "«شغل ایجاد شده» بیش از حد بزرگ است؛ حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷ پذیرفته می‌شود."),
    ],
)
def test_progress_entry_create_refuses_out_of_range_jobs_in_persian(staff, commitment, jobs, expected):
    message = refused(
        lambda: services.progress_entry_create(
            actor=staff, commitment=commitment, period_end=datetime.date(2026, 1, 1), jobs_created=jobs
        ),
        "jobs_created",
    )
    assert message == expected
    assert ProgressEntry.objects.count() == 0


def test_progress_entry_create_refuses_credit_beyond_bigint(staff, commitment):
    message = refused(
        lambda: services.progress_entry_create(
            actor=staff,
            commitment=commitment,
            period_end=datetime.date(2026, 1, 1),
            jobs_created=3,
            credit_paid=BIGINT_MAX + 1,
        ),
        "credit_paid",
    )
    assert message == "«اعتبار پرداخت شده (ریال)» بیش از حد بزرگ است؛ حداکثر ۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۷ پذیرفته می‌شود."
    assert ProgressEntry.objects.count() == 0


def test_progress_entry_update_refuses_a_negative_number_and_keeps_the_old_one(staff, commitment):
    entry = services.progress_entry_create(
        actor=staff, commitment=commitment, period_end=datetime.date(2026, 1, 1), jobs_created=7
    )
    message = refused(
        lambda: services.progress_entry_update(actor=staff, entry=entry, version=entry.version, jobs_created=-1),
        "jobs_created",
    )
    assert message == "«شغل ایجاد شده» نمی‌تواند منفی باشد؛ صفر یا بیشتر وارد کنید."
    stored = ProgressEntry.objects.get(pk=entry.pk)
    assert (stored.jobs_created, stored.version, stored.history.count()) == (7, 1, 1)


def test_business_create_refuses_negative_loan_and_huge_jobs(staff, commitment):
    county, sector = f.CountyFactory(), f.SectorFactory()

    def create(**numbers):
        return lambda: registry_services.business_create(
            actor=staff,
            commitment=commitment,
            reference_code="KRM-1",
            county=county,
            sector=sector,
            started_on=datetime.date(2025, 1, 1),
            **numbers,
        )

    assert refused(create(loan_amount=-1), "loan_amount") == (
        "«مبلغ تسهیلات (ریال)» نمی‌تواند منفی باشد؛ صفر یا بیشتر وارد کنید."
    )
    assert refused(create(jobs=INT_MAX + 1), "jobs") == (
        "«تعداد شغل» بیش از حد بزرگ است؛ حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷ پذیرفته می‌شود."
    )
    assert HomeBusiness.objects.count() == 0


def test_commitment_save_refuses_out_of_range_target_and_credit(admin_user, commitment):
    commitment.jobs_target = INT_MAX + 1
    assert refused(lambda: services.commitment_save(actor=admin_user, commitment=commitment), "jobs_target") == (
        "«هدف اشتغال» بیش از حد بزرگ است؛ حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷ پذیرفته می‌شود."
    )
    commitment.jobs_target = 100
    commitment.credit_amount = -10
    assert refused(lambda: services.commitment_save(actor=admin_user, commitment=commitment), "credit_amount") == (
        "«اعتبار تعهد شده (ریال)» نمی‌تواند منفی باشد؛ صفر یا بیشتر وارد کنید."
    )
    stored = Commitment.objects.get(pk=commitment.pk)
    assert (stored.jobs_target, stored.credit_amount) == (30_000, 0)


def test_numbers_at_the_limit_are_saved(staff, commitment):
    entry = services.progress_entry_create(
        actor=staff,
        commitment=commitment,
        period_end=datetime.date(2026, 1, 1),
        jobs_created=INT_MAX,
        credit_paid=BIGINT_MAX,
    )
    stored = ProgressEntry.objects.get(pk=entry.pk)
    assert (stored.jobs_created, stored.credit_paid) == (INT_MAX, BIGINT_MAX)
