"""Progress entry by staff and its review by officials, through the pages."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments import services
from commitments.models import ProgressEntry
from core import persian
from tests import factories as f
from tests.pages import FIGURE_LINK

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def fa_date_days_ago(days: int) -> str:
    """A past Jalali date written in Persian digits, as a person types it."""
    return persian.format_jalali(persian.local_today() - datetime.timedelta(days=days))


@pytest.fixture
def county():
    return f.CountyFactory(name="رفسنجان")


@pytest.fixture
def sector():
    return f.SectorFactory(name="صنایع دستی")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def post_entry(client, commitment, follow=False, **overrides):
    data = {"period_end": fa_date_days_ago(10), "jobs_created": "۱۲۵", "credit_paid": "۱۲٬۵۰۰٬۰۰۰", "note": ""}
    data.update(overrides)
    return client.post(reverse("commitments:entry_create", args=[commitment.pk]), data, follow=follow)


def test_staff_enter_progress_in_persian_digits(staff_client, staff, commitment, county, sector):
    # when staff type Persian digits with separators and attach a PDF
    response = post_entry(
        staff_client,
        commitment,
        county=county.pk,
        sector=sector.pk,
        note="تحويل به كارگاه",
        evidence=SimpleUploadedFile("نامه.pdf", PDF, content_type="application/pdf"),
    )
    # then one submitted entry holds the numbers as integers and the date as Gregorian
    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:detail", args=[commitment.pk])
    entry = ProgressEntry.objects.get()
    assert (entry.jobs_created, entry.credit_paid, entry.status) == (125, 12_500_000, "submitted")
    assert entry.period_end == persian.local_today() - datetime.timedelta(days=10)
    assert (entry.county, entry.sector, entry.entered_by) == (county, sector, staff)
    assert entry.note == "تحویل به کارگاه"  # Arabic ي/ك stored as Persian letters
    assert entry.evidence.read() == PDF
    # and the history names who and why
    (row,) = entry.history.all()
    assert (row.history_user, row.history_change_reason) == (staff, "ثبت گزارش پیشرفت")


def test_ascii_digits_work_too(staff_client, commitment):
    response = post_entry(staff_client, commitment, period_end="1404/01/10", jobs_created="30", credit_paid="")
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.period_end, entry.jobs_created, entry.credit_paid) == (datetime.date(2025, 3, 30), 30, 0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ\x90\x00", "این نوع فایل پذیرفته نیست"),
        ("fake.pdf", b"<html>not a pdf</html>", "محتوای فایل با پسوند آن جور نیست"),
        ("photo.jpg", PNG, "محتوای فایل با پسوند آن جور نیست"),
    ],
)
def test_evidence_must_be_a_real_pdf_jpg_or_png(staff_client, commitment, name, content, message):
    response = post_entry(staff_client, commitment, evidence=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ProgressEntry.objects.count() == 0


def test_evidence_over_the_size_limit_is_refused(staff_client, commitment, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * (1024 * 1024))
    response = post_entry(staff_client, commitment, evidence=big)
    assert response.status_code == 400
    assert "حداکثر ۱٫۰ مگابایت پذیرفته می‌شود" in response.content.decode()
    assert ProgressEntry.objects.count() == 0


def test_too_long_note_is_a_persian_error_and_writes_nothing(staff_client, commitment):
    response = post_entry(staff_client, commitment, note="ا" * 4001)
    assert response.status_code == 400
    assert "توضیح حداکثر ۴٬۰۰۰ نویسه است" in response.content.decode()
    assert ProgressEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"period_end": "1404/12/30"}, "سال ۱۴۰۴ کبیسه نیست"),
        ({"period_end": "فردا"}, "تاریخ شمسی معتبری نیست"),
        ({"jobs_created": "۰"}, "باید دست‌کم ۱ باشد"),
        ({"jobs_created": "دوازده"}, "عدد صحیح وارد کنید"),
    ],
)
def test_bad_input_says_what_to_fix_and_writes_nothing(staff_client, commitment, fields, message):
    response = post_entry(staff_client, commitment, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ProgressEntry.objects.count() == 0


def test_a_future_period_is_refused_by_the_service_rule(staff_client, commitment):
    future = persian.format_jalali(persian.local_today() + datetime.timedelta(days=3))
    response = post_entry(staff_client, commitment, period_end=future)
    assert response.status_code == 400
    assert "پایان دوره نمی‌تواند در آینده باشد" in response.content.decode()
    assert ProgressEntry.objects.count() == 0


def test_no_entry_on_a_prepared_commitment(client, program):
    prepared = f.CommitmentFactory(program=program, status="prepared", jobs_target=None)
    user = f.make_staff("prep_staff")
    prepared.reporters.add(user)
    client.force_login(user)
    response = post_entry(client, prepared)
    assert response.status_code == 400
    assert "«آماده امضا» است؛ تا تعهدی امضا نشده یا اگر لغو شده باشد، گزارش پیشرفت و کسب‌وکار روی آن ثبت نمی‌شود." in (
        response.content.decode()
    )
    assert ProgressEntry.objects.count() == 0


@pytest.fixture
def entry(staff, commitment):
    return services.progress_entry_create(
        actor=staff, commitment=commitment, period_end=datetime.date(2025, 4, 1), jobs_created=40
    )


def edit(client, entry, **overrides):
    data = {"period_end": "1404/01/12", "jobs_created": "۴۵", "credit_paid": "0", "version": entry.version}
    data.update(overrides)
    return client.post(reverse("commitments:entry", args=[entry.pk]), data)


def test_staff_correct_their_entry_and_the_history_keeps_why(staff_client, staff, entry):
    response = edit(staff_client, entry, reason="اصلاح طبق نامهٔ بانک")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.jobs_created, entry.version, entry.status) == (45, 2, "submitted")
    latest = entry.history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff, "اصلاح طبق نامهٔ بانک")


def test_a_stale_save_is_refused_and_writes_nothing(staff_client, staff, entry):
    # given someone saved the entry after this page was opened at version 1
    services.progress_entry_update(actor=staff, entry=entry, version=1, jobs_created=41)
    # when the old page is saved
    response = edit(staff_client, entry, version=1, jobs_created="99")
    # then the Persian conflict message is shown and the other save stands
    assert response.status_code == 409
    assert "توسط کاربر دیگری تغییر کرده است" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.jobs_created, entry.version) == (41, 2)


def test_a_verified_entry_is_locked_and_says_why(staff_client, official, entry):
    services.progress_entry_verify(actor=official, entry=entry)
    entry.refresh_from_db()
    page = staff_client.get(reverse("commitments:entry", args=[entry.pk])).content.decode()
    assert "تأیید کرده و قفل است" in page
    assert 'name="jobs_created"' not in page
    history_before = entry.history.count()
    response = edit(staff_client, entry, jobs_created="99")
    assert response.status_code == 409
    entry.refresh_from_db()
    assert (entry.jobs_created, entry.status, entry.history.count()) == (40, "verified", history_before)


def test_a_returned_entry_shows_the_reason_and_goes_back_for_review_when_corrected(staff_client, official, entry):
    services.progress_entry_reject(actor=official, entry=entry, reason="شهرستان را مشخص کنید")
    page = staff_client.get(reverse("commitments:entry", args=[entry.pk])).content.decode()
    assert "شهرستان را مشخص کنید" in page
    dashboard = staff_client.get(reverse("reports:dashboard")).content.decode()
    assert "گزارش‌های برگشت‌خورده برای اصلاح" in dashboard
    response = edit(staff_client, entry, version=2)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.jobs_created) == ("submitted", 45)


def test_return_needs_a_reason(client, official, entry):
    client.force_login(official)
    response = client.post(reverse("commitments:entry_return", args=[entry.pk]), {"version": 1, "reason": " "})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.version) == ("submitted", 1)
    page = client.get(response["Location"]).content.decode()
    assert "دلیل برگشت را بنویسید" in page


def test_verify_with_a_stale_version_changes_nothing(client, official, staff, entry):
    services.progress_entry_update(actor=staff, entry=entry, version=1, jobs_created=50)
    client.force_login(official)
    response = client.post(reverse("commitments:entry_verify", args=[entry.pk]), {"version": 1}, follow=True)
    assert "دوباره بررسی کنید" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.jobs_created) == ("submitted", 50)


def test_review_queue_lists_submitted_entries_with_count_in_nav(client, official, entry, staff, commitment):
    f.ProgressEntryFactory(commitment=commitment, entered_by=staff, status="rejected", review_note="x")
    client.force_login(official)
    html = client.get(reverse("commitments:review_queue")).content.decode()
    assert 'data-testid="review-count">۱<' in html
    assert "۴۰ شغل تا ۱۴۰۴/۰۱/۱۲" in html
    assert html.count('class="card review-item"') == 1


def test_next_after_review_stays_on_this_site(client, official, entry):
    client.force_login(official)
    response = client.post(
        reverse("commitments:entry_verify", args=[entry.pk]),
        {"version": 1, "confirm": "1", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("commitments:entry", args=[entry.pk])


def test_officials_see_who_when_and_why_on_the_commitment_page(client, official, staff, entry, commitment):
    services.progress_entry_reject(actor=official, entry=entry, reason="مستند ندارد")
    client.force_login(official)
    html = client.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()
    assert "تاریخچهٔ تغییرات تعهد، مهلت‌ها و گزارش‌ها" in html
    assert "برگشت: مستند ندارد" in html
    assert "ثبت گزارش پیشرفت" in html
    stamp = persian.format_jalali_datetime(entry.history.first().history_date)
    assert stamp in html
    # staff do not get the officials' audit section
    client.force_login(staff)
    assert "تاریخچهٔ تغییرات" not in client.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()


def test_entry_form_offers_the_date_picker_and_numeric_keyboard(staff_client, commitment):
    html = staff_client.get(reverse("commitments:entry_create", args=[commitment.pk])).content.decode()

    def tag(name):
        return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)

    assert "data-jdp" in tag("period_end") and 'inputmode="numeric"' in tag("period_end")
    # type=number would refuse Persian-keyboard digits
    assert 'type="text"' in tag("jobs_created") and 'inputmode="numeric"' in tag("jobs_created")
    assert 'type="text"' in tag("credit_paid")
    assert 'enctype="multipart/form-data"' in html and "data-busy" in html
    # the file types are joined by «یا», which keeps them in reading order right to left
    assert "مستند (فایل PDF یا تصویر JPG یا PNG)" in html and "PDF،" not in html


def test_staff_see_no_review_queue_link_and_officials_always_do(client, staff, official, commitment):
    client.force_login(staff)
    assert reverse("commitments:review_queue") not in client.get("/").content.decode()
    client.force_login(official)
    html = client.get("/").content.decode()
    assert reverse("commitments:review_queue") in html
    assert 'data-testid="review-count"' not in html  # nothing waiting, no badge


def test_the_commitment_page_names_its_figures_in_the_glossarys_words(client, official, commitment, barakat):
    # given the 30,000-job MoU with its 6,000-job Barakat tranche, 1,500 of them verified
    f.ProgressEntryFactory(commitment=barakat, jobs_created=1_500, status="verified", verified_by=official)
    # when an official opens the MoU's page
    client.force_login(official)
    html = client.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()
    # then the ladder and the tranche table say the glossary's words, each linked to its definition
    assert FIGURE_LINK.findall(html) == [
        ("target", "هدف"),
        ("allocated", "تخصیص‌یافته"),
        ("unallocated", "بی‌تخصیص"),
        ("realised", "تحقق‌یافته"),
        ("commitment_percent", "درصد تحقق تعهد"),
        ("still_active", "هنوز فعال"),
        ("target", "هدف"),
        ("realised", "تحقق‌یافته"),
        ("commitment_percent", "درصد تحقق تعهد"),
    ]
    # and no longer the words of before the glossary
    assert "محقق‌شده" not in html and "سپرده به بخش‌ها" not in html
    # and the tranche's row gives its percentage beside its bar, written the one way
    assert '<span class="pct">٪۲۵</span>' in html
