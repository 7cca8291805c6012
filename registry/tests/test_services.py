"""Registry writes: a business is «پایش‌نشده» until a check says otherwise; only a check's
outcome (active, semi-closed, inactive) ever becomes its status."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.persian import make_jalali_date as J
from registry import services
from registry.models import ContinuityCheck, HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(staff, commitment):
    return services.business_create(
        actor=staff,
        commitment=commitment,
        reference_code="RS-۱",
        county=f.CountyFactory(name="کرمان"),
        sector=f.SectorFactory(name="صنایع دستی"),
        started_on=J(1404, 1, 10),
    )


def test_a_new_business_is_unchecked_until_its_first_check(staff, registered):
    # given a business just registered
    assert (registered.status, registered.get_status_display()) == ("unchecked", "پایش‌نشده")
    assert registered.history.get().status == "unchecked"

    # when its first check finds it half-closed, then a later one active
    services.continuity_check_create(
        actor=staff, business=registered, checked_on=J(1404, 4, 20), status="semi_closed", reason="marketing"
    )
    registered.refresh_from_db()
    after_first = registered.status
    services.continuity_check_create(actor=staff, business=registered, checked_on=J(1404, 7, 1), status="active")
    registered.refresh_from_db()

    # then it takes each latest check's status
    assert (after_first, registered.status) == ("semi_closed", "active")


def test_a_check_cannot_find_a_business_unchecked(staff, registered):
    with pytest.raises(ValidationError) as exc:
        services.continuity_check_create(
            actor=staff, business=registered, checked_on=J(1404, 4, 20), status="unchecked"
        )

    assert exc.value.message_dict["status"] == ["وضعیت پایش باید فعال، نیمه‌تعطیل یا غیرفعال باشد."]
    registered.refresh_from_db()
    assert registered.status == "unchecked" and ContinuityCheck.objects.count() == 0


def test_the_check_form_offers_only_the_three_outcomes():
    from registry.forms import CheckForm

    assert [label for _, label in CheckForm().fields["status"].choices] == ["فعال", "نیمه‌تعطیل", "غیرفعال"]


def test_the_database_refuses_an_unchecked_check_and_an_unknown_business_status(registered):
    # The rules hold for writes that bypass the services too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ContinuityCheck.objects.create(
            business=registered, checked_on=J(1404, 4, 20), status="unchecked", reason="other"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeBusiness.objects.filter(pk=registered.pk).update(status="closed")
    assert HomeBusiness.objects.get(pk=registered.pk).status == "unchecked"


@pytest.mark.parametrize("code", ["rs-1", "RS\u200c-1", "\u200eRS-1", "\u2060Rs-۱\ufeff"])
def test_a_look_alike_code_is_the_same_business(staff, commitment, registered, code):
    with pytest.raises(ValidationError) as caught:
        services.business_create(
            actor=staff,
            commitment=commitment,
            reference_code=code,
            county=registered.county,
            sector=registered.sector,
            started_on=J(1404, 1, 10),
        )

    assert caught.value.message_dict == {"reference_code": ["کسب‌وکار خانگی با این کد پیگیری از قبل موجود است."]}
    assert list(HomeBusiness.objects.values_list("reference_code", flat=True)) == ["RS-1"]
