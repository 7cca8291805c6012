"""The files themselves: right-to-left Excel with real numbers and dates, text never a formula; a Persian PDF."""

import datetime
import re
import subprocess

import pytest

from core import persian
from reports import services
from reports.builders import pathology as pathology_builder
from tests import factories as f
from tests.reports_reading import header, pdf_text, table_rows, workbook

pytestmark = pytest.mark.django_db


def squash(text: str) -> str:
    return re.sub(r"[\s:]+", "", text.replace("\u200c", ""))


def build(actor, kind, capture, **kw):
    with capture(execute=True):
        report = services.report_request(actor=actor, kind=kind, **kw)
    report.refresh_from_db()
    assert report.status == "ready", report.error
    return report


@pytest.fixture
def registry(commitment):
    kerman = f.CountyFactory(name="کرمان")
    crafts = f.SectorFactory(name="صنایع دستی")
    for code, status, reason in (
        ('=HYPERLINK("http://evil.example","x")', "active", ""),
        ("+98-913", "semi_closed", "marketing"),
        ("-2+3", "inactive", "financing"),
        ("@SUM(1)", "active", ""),
    ):
        b = f.HomeBusinessFactory(
            commitment=commitment,
            reference_code=code,
            county=kerman,
            sector=crafts,
            status=status,
            loan_amount=50_000_000,
        )
        f.ContinuityCheckFactory(business=b, status=status, reason=reason)


def test_every_sheet_runs_right_to_left_with_numbers_as_numbers(official, registry, django_capture_on_commit_callbacks):
    report = build(official, "pathology", django_capture_on_commit_callbacks)
    book = workbook(report.xlsx.path)

    assert book.sheetnames[0] == "خلاصه"
    assert all(book[name].sheet_view.rightToLeft for name in book.sheetnames)
    county = book["شهرستان"]
    active = county.cell(row=5, column=2)
    assert (active.value, active.data_type, active.number_format) == (2, "n", "#,##0")
    share = county.cell(row=5, column=7)  # after «پایش‌نشده» and «کل»: active of the checked
    assert (share.value, share.number_format) == (0.5, "0.0%")


def test_user_text_starting_with_formula_characters_stays_text(official, registry, django_capture_on_commit_callbacks):
    report = build(official, "pathology", django_capture_on_commit_callbacks)
    sheet = workbook(report.xlsx.path)["کسب‌وکارها"]

    cells = [row[0] for row in sheet.iter_rows(min_row=5)]
    assert sorted(c.value for c in cells) == sorted(
        ['=HYPERLINK("http://evil.example","x")', "+98-913", "-2+3", "@SUM(1)"]
    )
    assert {c.data_type for c in cells} == {"s"}
    loans = [row[7] for row in sheet.iter_rows(min_row=5)]
    assert {(c.value, c.data_type) for c in loans} == {(50_000_000, "n")}


def test_a_registry_past_the_listing_limit_gets_a_note_not_a_partial_list(
    official, registry, django_capture_on_commit_callbacks, monkeypatch
):
    # given a registry of four businesses and a limit of three rows
    monkeypatch.setattr(pathology_builder, "REGISTRY_LISTING_LIMIT", 3)

    report = build(official, "pathology", django_capture_on_commit_callbacks)
    sheet = workbook(report.xlsx.path)["کسب‌وکارها"]

    # then the sheet says where the whole list is, and lists none of it
    cells = [c.value for row in sheet.iter_rows(min_row=5) for c in row if c.value]
    assert len(cells) == 1 and "۴ کسب‌وکار" in cells[0] and "خروجی Excel" in cells[0]


def test_dates_are_jalali_text_first_with_the_gregorian_date_after_it(
    official, commitment, django_capture_on_commit_callbacks
):
    f.MilestoneFactory(commitment=commitment, title="تحویل جدول زمان‌بندی", due_on=datetime.date(2026, 6, 26))
    report = build(official, "commitment_timetable", django_capture_on_commit_callbacks)
    book = workbook(report.xlsx.path)

    columns = header(book, "مهلت‌ها")
    due = columns.index("مهلت")
    assert columns[due + 1] == "مهلت (میلادی)"
    row = table_rows(book, "مهلت‌ها")[0]
    assert row[0] == "تحویل جدول زمان‌بندی"
    assert row[due] == "۱۴۰۵/۰۴/۰۵"
    assert row[due + 1] == datetime.datetime(2026, 6, 26)


def test_pdf_is_persian_with_vazirmatn_embedded_and_persian_page_numbers(
    official, registry, django_capture_on_commit_callbacks
):
    due = datetime.date(2026, 6, 26)
    report = build(official, "pathology", django_capture_on_commit_callbacks, due_on=due, is_draft=True)

    text = pdf_text(report.pdf.path)
    # pdftotext drops ZWNJ and moves spaces and colons next to digits: compare without them.
    squashed = squash(text)
    for expected in (
        "آسیب‌شناسی مشاغل خانگی",
        "پیش‌نویس",
        "مهلت: ۵ تیر ۱۴۰۵",
        f"تاریخ تهیه: {persian.format_jalali_long(persian.local_today())}",
    ):
        assert squash(expected) in squashed
    # The footer «صفحهٔ ۱ از ۲» in Persian digits (pdftotext writes the hamza before the he).
    pages = re.findall(r"صفح(?:هٔ|ٔه)([۰-۹]+)از([۰-۹]+)", squashed)
    assert len(pages) >= 2
    assert pages == [(persian.persian_digits(i), persian.persian_digits(len(pages))) for i in range(1, len(pages) + 1)]
    assert not re.search(r"[0-9]", text.replace("PDF", "")), "Latin digits in the PDF text"

    fonts = subprocess.run(["pdffonts", report.pdf.path], capture_output=True, text=True, check=True).stdout
    vazirmatn = [line for line in fonts.splitlines() if "Vazirmatn" in line]
    assert vazirmatn and all(" yes yes yes " in line for line in vazirmatn)  # embedded, subset, unicode
