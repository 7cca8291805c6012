"""Officials read the change history outside admin: who, when (Jalali), what and why."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import services
from core import persian
from registry import services as registry_services
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched_business(staff, commitment):
    business = registry_services.business_create(
        actor=staff,
        commitment=commitment,
        reference_code="KRM-77",
        county=f.CountyFactory(name="بم"),
        sector=f.SectorFactory(name="پوشاک"),
        started_on=datetime.date(2025, 3, 21),
    )
    registry_services.continuity_check_create(
        actor=staff, business=business, checked_on=datetime.date(2025, 9, 23), status="inactive", reason="financing"
    )
    return business


def test_official_reads_who_changed_a_business_and_its_checks_when_and_why(client, official, staff, watched_business):
    client.force_login(official)
    html = client.get(reverse("registry:detail", args=[watched_business.pk])).content.decode()
    section = html.split("تاریخچهٔ تغییرات", 1)[1]
    # newest first: the status taken from the check, the check, the registration
    assert section.index("وضعیت از آخرین پایش") < section.index("ثبت پایش استمرار") < section.index("ثبت کسب‌وکار")
    assert "تغییر کسب‌وکار خانگی «KRM-۷۷» — وضعیت" in section
    assert "ثبت پایش استمرار «KRM-۷۷" in section
    assert section.count(">staff<") == 3
    stamp = persian.format_jalali_datetime(watched_business.history.latest().history_date)
    assert stamp in section


def test_staff_do_not_get_the_history(client, staff, watched_business):
    client.force_login(staff)
    response = client.get(reverse("registry:detail", args=[watched_business.pk]))
    assert response.status_code == 200
    assert "تاریخچهٔ تغییرات" not in response.content.decode()


def test_entry_history_names_who_and_why(client, official, staff, commitment):
    entry = services.progress_entry_create(
        actor=staff, commitment=commitment, period_end=datetime.date(2026, 1, 1), jobs_created=4
    )
    services.progress_entry_reject(actor=official, entry=entry, reason="مستند ناخوانا")
    client.force_login(official)
    html = client.get(reverse("commitments:entry", args=[entry.pk])).content.decode()
    assert "برگشت: مستند ناخوانا" in html and "ثبت گزارش پیشرفت" in html


def test_official_reads_who_changed_a_commitment_and_its_deadlines(client, official, admin_user, commitment):
    commitment.jobs_target = 32_000
    services.commitment_save(actor=admin_user, commitment=commitment, reason="الحاقیهٔ تفاهم‌نامه")
    f.MilestoneFactory(commitment=commitment, title="گزارش ۵ تیر")
    client.force_login(official)
    html = client.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()
    section = html.split("تاریخچهٔ تغییرات تعهد، مهلت‌ها و گزارش‌ها", 1)[1]
    assert "الحاقیهٔ تفاهم‌نامه" in section
    assert ">admin<" in section
    assert "گزارش ۵ تیر" in section


def test_staff_do_not_get_the_commitment_history(client, staff, commitment):
    client.force_login(staff)
    response = client.get(reverse("commitments:detail", args=[commitment.pk]))
    assert response.status_code == 200
    assert "تاریخچهٔ تغییرات" not in response.content.decode()


def test_the_history_costs_the_same_queries_however_long_it_is(client, official, staff, watched_business):
    # A check's name includes its business's code: fetched once, not once per row.
    client.force_login(official)
    url = reverse("registry:detail", args=[watched_business.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one_check:
        client.get(url)
    for day in range(1, 12):
        registry_services.continuity_check_create(
            actor=staff, business=watched_business, checked_on=datetime.date(2025, 10, day), status="active"
        )
    with CaptureQueriesContext(connection) as twelve_checks:
        html = client.get(url).content.decode()
    assert html.count("ثبت پایش استمرار «KRM-۷۷") == 12
    assert len(twelve_checks) == len(one_check), [q["sql"][:100] for q in twelve_checks.captured_queries]
