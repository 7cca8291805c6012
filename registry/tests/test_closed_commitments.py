"""One rule for commitments not in force (issue 13, finding 4): a prepared (unsigned) or
cancelled commitment takes no progress entry, no business — by form, service or import."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commitments import services as commitment_services
from commitments.models import ProgressEntry
from registry import imports, services
from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db

PREPARED = (
    "تعهد «تفاهم‌نامه آزمایشی» «آماده امضا» است؛ تا تعهدی امضا نشده یا اگر لغو شده باشد، "
    "گزارش پیشرفت و کسب‌وکار روی آن ثبت نمی‌شود."
)


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


@pytest.fixture
def prepared(commitment):
    commitment.status = "prepared"
    commitment.jobs_target = None
    commitment.signed_on = None
    commitment.save()
    return commitment


def create(staff, commitment, places):
    return services.business_create(
        actor=staff,
        commitment=commitment,
        reference_code="RS-1",
        county=places[0],
        sector=places[1],
        started_on=datetime.date(2025, 3, 30),
        jobs=3,
    )


@pytest.mark.parametrize("status", ["prepared", "cancelled"])
def test_the_service_refuses_a_business_and_an_entry_on_a_commitment_not_in_force(staff, commitment, places, status):
    commitment.status = status
    commitment.save()
    with pytest.raises(ValidationError) as business_error:
        create(staff, commitment, places)
    with pytest.raises(ValidationError) as entry_error:
        commitment_services.progress_entry_create(
            actor=staff, commitment=commitment, period_end=datetime.date(2025, 4, 1), jobs_created=3
        )
    # the same words from the one rule
    assert business_error.value.messages == entry_error.value.messages
    assert f"«{commitment.get_status_display()}» است؛" in business_error.value.messages[0]
    assert (HomeBusiness.objects.count(), ProgressEntry.objects.count()) == (0, 0)


def test_a_signed_commitment_takes_the_business(staff, commitment, places):
    assert create(staff, commitment, places).jobs == 3


def test_the_form_shows_the_reason_and_saves_nothing(client, staff, prepared, places):
    client.force_login(staff)
    response = client.post(
        reverse("registry:create"),
        {
            "commitment": prepared.pk,
            "reference_code": "RS-1",
            "county": places[0].pk,
            "sector": places[1].pk,
            "started_on": "۱۴۰۴/۰۱/۱۰",
            "jobs": "۳",
        },
    )
    assert response.status_code in (200, 400)
    assert PREPARED in response.content.decode()
    assert HomeBusiness.objects.count() == 0


def test_an_import_row_naming_a_prepared_commitment_is_a_bad_row(staff, prepared, other_commitment, places):
    other_commitment.reporters.add(staff)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["کد پیگیری", "تعهد", "شهرستان", "رسته", "تاریخ شروع", "تعداد شغل", "مبلغ تسهیلات (ریال)"])
    sheet.append(["RS-1", other_commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 2, 0])
    sheet.append(["RS-2", prepared.title, "کرمان", "صنایع دستی", "1404/01/10", 2, 0])
    sheet.append(["RS-3", str(prepared.pk), "کرمان", "صنایع دستی", "1404/01/10", 2, 0])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)

    result = imports.import_businesses(actor=staff, upload=upload, filename="bank.xlsx")

    assert [(e.row, e.message) for e in result.errors] == [(3, PREPARED), (4, PREPARED)]
    assert HomeBusiness.objects.count() == 0
