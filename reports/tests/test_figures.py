"""One set of numbers: the dashboard, the PDF text and the Excel cells agree on the seeded data plus a few entries."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Sum

from commitments.models import Commitment, ProgressEntry
from core import persian
from programs.models import County, Sector
from registry import figures as registry_figures
from registry import selectors as registry_selectors
from registry import survival as registry_survival
from reports import figures, services
from reports.models import Report
from tests import factories as f
from tests.reports_reading import (
    header,
    numbers_on_line,
    pdf_text,
    some_line_has_numbers,
    summary_value,
    table_rows,
    workbook,
)

pytestmark = pytest.mark.django_db

TODAY = persian.local_today()


@pytest.fixture
def province(official, django_user_model):
    call_command("seed_kerman")
    admin = django_user_model.objects.get(username="admin")
    kerman, bam = County.objects.get(name="کرمان"), County.objects.get(name="بم")
    carpet = Sector.objects.get(name="فرش دستباف")
    resalat = Commitment.objects.get(jobs_target=30_000)
    barakat = Commitment.objects.get(jobs_target=6_000)
    Commitment.objects.filter(pk=resalat.pk).update(credit_amount=3_000_000_000_000)
    Commitment.objects.filter(pk=barakat.pk).update(credit_amount=600_000_000_000)

    def entry(commitment, jobs, county, credit, status="verified"):
        return f.ProgressEntryFactory(
            commitment=commitment,
            jobs_created=jobs,
            county=county,
            sector=carpet,
            credit_paid=credit,
            status=status,
            entered_by=admin,
            verified_by=admin if status == "verified" else None,
            period_end=TODAY - datetime.timedelta(days=20),
        )

    entry(resalat, 120, kerman, 2_500_000_000)
    entry(barakat, 80, bam, 1_000_000_000)
    entry(barakat, 55, bam, 9_000_000_000, status="submitted")  # not verified: counted nowhere

    def business(code, county, status, reason="", started=datetime.date(2025, 1, 10), jobs=2):
        b = f.HomeBusinessFactory(
            commitment=barakat,
            reference_code=code,
            county=county,
            sector=carpet,
            status=status,
            jobs=jobs,
            started_on=started,
        )
        # checked in the 12-month window (from start + 12 months, before start + 15)
        f.ContinuityCheckFactory(
            business=b, checked_on=started + datetime.timedelta(days=370), status=status, reason=reason
        )
        return b

    business("KR-1", kerman, "active")
    business("KR-2", kerman, "active", jobs=3)
    business("KR-3", kerman, "semi_closed", "marketing")
    business("BM-1", bam, "active")
    business("BM-2", bam, "inactive", "financing")
    # never checked: «پایش‌نشده», neither active nor in a share
    f.HomeBusinessFactory(
        commitment=barakat,
        reference_code="KR-4",
        county=kerman,
        sector=carpet,
        jobs=2,
        started_on=datetime.date(2025, 1, 10),
    )
    return {"resalat": resalat, "barakat": barakat}


def build(official, kind, capture):
    with capture(execute=True):
        report = services.report_request(actor=official, kind=kind)
    report.refresh_from_db()
    assert report.status == "ready", report.error
    return pdf_text(report.pdf.path), workbook(report.xlsx.path)


def test_timetable_dashboard_pdf_and_excel_agree(province, official, client, django_capture_on_commit_callbacks):
    everything = Commitment.objects.all()
    numbers = figures.dashboard_figures(everything)
    realised = numbers["new_jobs"]
    assert realised == 120 + 80  # the 14,000 baseline is شغل پایه, apart
    target = 30_000 + 15_000  # top-level commitments; the 6,000 tranche is inside the 30,000
    assert numbers["pledged"] == target
    active = numbers["still_active"]
    assert active == 2 + 3 + 2

    text, book = build(official, "commitment_timetable", django_capture_on_commit_callbacks)

    # the glossary's words and the dashboard's numbers, in the PDF and on the summary sheet
    assert numbers_on_line(text, "شغل تازه") == [realised]
    assert numbers_on_line(text, "هدف شغل تازه") == [12_000]
    assert numbers_on_line(text, "باقی‌مانده تا هدف شغل تازه") == [12_000 - realised]
    assert numbers_on_line(text, "درصد تحقق برنامه") == [round(100 * realised / 12_000, 1)]
    assert numbers_on_line(text, "تعهد شده") == [target]
    assert numbers_on_line(text, "شغل پایه") == [14_000]
    assert numbers_on_line(text, "هنوز فعال") == [active]
    assert summary_value(book, "شغل تازه") == realised
    assert summary_value(book, "تعهد شده") == target
    assert summary_value(book, "درصد تحقق برنامه") == pytest.approx(realised / 12_000, abs=1e-3)
    assert summary_value(book, "هنوز فعال") == active

    # Per commitment: the ladder the dashboard draws.
    by_title = {r[0]: r for r in table_rows(book, "تعهدها")}
    figs = {fig.commitment.title: fig for fig in numbers["figures"]}
    resalat = figs[province["resalat"].title]
    assert (resalat.target, resalat.realised, resalat.remaining) == (30_000, 200, 29_800)
    row = by_title[province["resalat"].title]
    assert row[3:7] == (30_000, 6_000, 200, 29_800)
    assert some_line_has_numbers(text, {30_000, 6_000, 200, 29_800})

    # The programme: 12,000 new jobs; the 14,000 baseline is shown apart.
    program = table_rows(book, "برنامه")[0]
    assert program[1:7] == (12_000, 200, pytest.approx(0.017), 11_800, 45_000, 14_000)  # Excel keeps ٪ as a fraction
    assert "۵۹٬۰۰۰" not in text

    # The dashboard shows the same totals to the official.
    client.force_login(official)
    page = client.get("/").content.decode()
    assert persian.format_number(realised) in page
    assert persian.format_number(active) in page


def test_pathology_dashboard_pdf_and_excel_agree(province, official, django_capture_on_commit_callbacks):
    businesses = registry_selectors.businesses_visible_to(official)
    counts = registry_figures.business_status_counts(businesses)
    assert {k: v["count"] for k, v in counts.items()} == {"active": 3, "semi_closed": 1, "inactive": 1, "unchecked": 1}
    survival = registry_survival.survival_overall(businesses, months=(6, 12), today=TODAY)
    assert survival[12]["eligible"] == 5 and survival[12]["active"] == 3

    text, book = build(official, "pathology", django_capture_on_commit_callbacks)

    for label, value in (("کسب‌وکارهای ثبت‌شده", 6), ("نیمه‌تعطیل", 1), ("غیرفعال", 1), ("هنوز فعال", 7)):
        assert numbers_on_line(text, label)[0] == value
        assert summary_value(book, label) == value
    assert numbers_on_line(text, "سهم فعال ۱۲ ماه پس از شروع") == [60.0]
    assert summary_value(book, "سهم فعال ۱۲ ماه پس از شروع") == pytest.approx(0.6)

    assert summary_value(book, "پایش‌نشده") == 1
    # active, semi-closed, inactive, unchecked, total, share of active among the checked, jobs active, all jobs
    counties = {r[0]: r[1:9] for r in table_rows(book, "شهرستان")}
    assert counties["کرمان"] == (2, 1, 0, 1, 4, pytest.approx(0.667, abs=1e-3), 5, 9)
    assert counties["بم"] == (1, 0, 1, 0, 2, 0.5, 2, 4)
    reasons = {r[0]: r[3] for r in table_rows(book, "دلایل")}
    assert reasons["بازاریابی و فروش"] == 1 and reasons["تأمین مالی"] == 1
    registry = {r[0]: r for r in table_rows(book, "کسب‌وکارها")}
    assert sorted(registry) == ["BM-1", "BM-2", "KR-1", "KR-2", "KR-3", "KR-4"]
    status = header(book, "کسب‌وکارها").index("وضعیت")
    assert (registry["KR-4"][status], registry["KR-1"][status]) == ("پایش‌نشده", "فعال")


def test_credits_dashboard_pdf_and_excel_agree(province, official, django_capture_on_commit_callbacks):
    paid = ProgressEntry.objects.filter(status="verified").aggregate(s=Sum("credit_paid"))["s"]
    assert paid == 3_500_000_000
    by_county = {r["label"]: r["credit"] for r in figures.dashboard_figures(Commitment.objects.all())["by_county"]}

    text, book = build(official, "credits", django_capture_on_commit_callbacks)

    assert numbers_on_line(text, "اعتبار پرداخت‌شده (ریال)") == [paid]
    assert numbers_on_line(text, "اعتبار تعهدشده (ریال)") == [3_000_000_000_000]
    assert summary_value(book, "اعتبار پرداخت‌شده (ریال)") == paid
    assert summary_value(book, "اعتبار تعهدشده (ریال)") == 3_000_000_000_000
    counties = {r[0]: r[1] for r in table_rows(book, "شهرستان")}
    assert counties["کرمان"] == by_county["کرمان"] == 2_500_000_000
    assert counties["بم"] == by_county["بم"] == 1_000_000_000
    # the jobs beside the credit are named as the glossary and the dashboard name them
    assert header(book, "تعهدها")[-1] == "تحقق‌یافته"
    assert header(book, "شهرستان") == ["شهرستان", "پرداخت‌شده (ریال)", "شغل تازه"]
    assert header(book, "متعهد")[-1] == "شغل تازه"
    assert "شغل محقق" not in text


def test_staff_report_covers_only_their_commitments(province, django_capture_on_commit_callbacks):
    staff = f.make_staff("barakat_reporter")
    province["barakat"].reporters.add(staff)

    text, book = build(staff, "commitment_timetable", django_capture_on_commit_callbacks)

    assert [r[0] for r in table_rows(book, "تعهدها")] == [province["barakat"].title]
    assert summary_value(book, "شغل تازه") == 80
    # a reporter's report sets no part against the province's 12,000
    summary_labels = [row[0] for row in book["خلاصه"].iter_rows(values_only=True) if row]
    assert "شغل تازه" in summary_labels and "هدف شغل تازه" not in summary_labels
    assert province["resalat"].title not in text
    assert Report.objects.get().is_restricted
