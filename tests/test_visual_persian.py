"""What people see, found wrong on the visual pass: figures that read wrong in Persian, and
admin pages that still spoke English or Gregorian."""

import json
import re

import pytest
from django.urls import reverse

from core.persian import make_jalali_date as J
from reports.models import Report

from . import factories as f

pytestmark = pytest.mark.django_db

LATIN_DIGIT = re.compile(r"[0-9]")
# Django's fa locale: «27 نوامبر 2026، ساعت 9:57».
GREGORIAN_MONTH = re.compile(r"(?:ژانویه|فوریه|مارس|آوریل|مه|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر)\s+[0-9۰-۹]{4}")
# A middle dot beside a Persian digit reads as the digit zero (۰): «۲۴ · ۱۰» looks like «۲۴ ۰ ۱۰».
DOT_BY_DIGIT = re.compile(r"[۰-۹]\s*·|·\s*[۰-۹]")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def businesses(commitment):
    county, sector = f.CountyFactory(name="کرمان"), f.SectorFactory(name="پوشاک")
    made = []
    for i, status in enumerate(["active", "semi_closed", "inactive", "active"]):
        b = f.HomeBusinessFactory(
            commitment=commitment, county=county, sector=sector, started_on=J(1403, 1, 10), status=status
        )
        f.ContinuityCheckFactory(
            business=b, checked_on=J(1404, 1, 10 + i), status=status, reason="" if status == "active" else "financing"
        )
        made.append(b)
    return made


@pytest.mark.parametrize("name", ["registry:list", "registry:cohorts"])
def test_registry_figures_are_never_separated_by_a_middle_dot(client, official, businesses, name):
    client.force_login(official)
    html = client.get(reverse(name)).content.decode()
    assert not DOT_BY_DIGIT.search(visible_text(html))


def test_business_list_summary_lists_counts_with_persian_commas(client, official, businesses):
    client.force_login(official)
    text = " ".join(visible_text(client.get(reverse("registry:list")).content.decode()).split())
    assert "۴ کسب‌وکار: فعال ۲، نیمه‌تعطیل ۱، غیرفعال ۱" in text


def test_admin_lists_show_jalali_times_and_persian_counts(admin_client, admin_user):
    for _ in range(3):
        Report.objects.create(kind="pathology", requested_by=admin_user)
    html = admin_client.get(reverse("admin:reports_report_changelist")).content.decode()
    results = html[html.index('id="result_list"') : html.index("</table>", html.index('id="result_list"'))]
    cells = " ".join(re.findall(r"<td[^>]*>(.*?)</td>", results, flags=re.S))
    assert not GREGORIAN_MONTH.search(cells)
    assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}", cells)
    assert "۰ از ۳ انتخاب" in html
    assert re.search(r"۳\s+گزارش", visible_text(html[html.index('class="paginator"') :]))


def test_admin_read_only_times_are_jalali(admin_client, admin_user):
    report = Report.objects.create(kind="credits", requested_by=admin_user)
    html = admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()
    readonly = " ".join(re.findall(r'<div class="readonly">(.*?)</div>', html, flags=re.S))
    assert readonly and not GREGORIAN_MONTH.search(readonly) and not LATIN_DIGIT.search(readonly)


def test_admin_speaks_persian_on_every_page(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    # Vazirmatn on the index too, not only on model pages.
    assert "css/admin-fa.css" in index and "js/admin-fa.js" in index
    for english in (">Commitments<", ">Programs<", ">Reports<", ">Axes<"):
        assert english not in index
    assert "تعهدها و پیشرفت" in index and "قفل ورود" in index
    catalog = admin_client.get(reverse("admin:jsi18n")).content.decode()
    for persian in ("انتخاب همهٔ %s", "حذف همهٔ %s"):  # the reporter picker's buttons
        assert json.dumps(persian)[1:-1] in catalog or persian in catalog


def test_admin_history_page_is_persian_with_jalali_times(admin_client, commitment):
    commitment.title = "عنوان تازه"
    commitment.save()
    html = admin_client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk])).content.decode()
    start = html.index('id="change-history"')
    table = html[start : html.index("</table>", start)]
    for english in ("Object", "Comment", "Changed by", "Change reason", ">Changes<", "Choose a date"):
        assert english not in html[html.index('id="content"') :], english
    assert not GREGORIAN_MONTH.search(table)
    assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}", table)
    assert 'style="' not in html[html.index('id="content"') :]  # the CSP blocks style attributes
