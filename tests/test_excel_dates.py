"""Every date column of every Excel file the product writes (the three reports and the
registry export), and the reports' PDF text: the Jalali date as text comes first, the one officials read; a
Gregorian date cell, where kept for sorting, comes after it in a column headed
«… (میلادی)». No Gregorian date hides in text, and numbers stay numbers."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest

from core import persian
from reports import services
from tests.pages import export_file

from . import factories as f
from .reports_reading import pdf_text

pytestmark = pytest.mark.django_db

JALALI = re.compile(r"^1[34][0-9]{2}/[0-9]{2}/[0-9]{2}$")
GREGORIAN_TEXT = re.compile(r"(?:19|20)[0-9]{2}[-/][0-9]{1,2}[-/][0-9]{1,2}")
NUMBER_AS_TEXT = re.compile(r"^[0-9۰-۹][0-9۰-۹٬,]*$")


@pytest.fixture
def dated(official, staff, commitment):
    """A date in every date column the reports and the export have."""
    county, sector = f.CountyFactory(name="کرمان"), f.SectorFactory(name="پوشاک")
    f.MilestoneFactory(
        commitment=commitment, title="تحویل جدول", due_on=datetime.date(2026, 6, 26), done_on=datetime.date(2026, 6, 20)
    )
    f.ProgressEntryFactory(
        commitment=commitment,
        jobs_created=120,
        credit_paid=9_000_000,
        status="verified",
        verified_by=official,
        county=county,
        sector=sector,
    )
    for i, status in enumerate(["active", "inactive"]):
        b = f.HomeBusinessFactory(
            commitment=commitment, county=county, sector=sector, status=status, jobs=2, loan_amount=50_000_000
        )
        f.ContinuityCheckFactory(
            business=b,
            checked_on=datetime.date(2025, 10, 1 + i),
            status=status,
            reason="" if status == "active" else "financing",
        )
    from programs.models import Organization, Program

    # The factories number names with Latin digits («نهاد 1»): data, renamed as people type them.
    for model in (Organization, Program):
        for obj in model.objects.all():
            model.objects.filter(pk=obj.pk).update(name=persian.persian_digits(obj.name))


def build(actor, kind, capture):
    with capture(execute=True):
        report = services.report_request(actor=actor, kind=kind)
    report.refresh_from_db()
    assert report.status == "ready", report.error
    return report


def date_problems(book, where: str) -> tuple[list[str], int]:
    """Each Gregorian date cell must sit in a «(میلادی)» column right after its Jalali text."""
    problems, dates = [], 0
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows())
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                value = cell.value
                if isinstance(value, datetime.datetime | datetime.date):
                    dates += 1
                    header = next(
                        (rows[h][c].value for h in range(r - 1, -1, -1) if isinstance(rows[h][c].value, str)), ""
                    )
                    before = row[c - 1].value if c else None
                    day = value.date() if isinstance(value, datetime.datetime) else value
                    if not header.endswith("(میلادی)"):
                        problems.append(f"{where}/{sheet.title}!{cell.coordinate}: a date under «{header}»")
                    if before != persian.format_jalali(day):
                        problems.append(
                            f"{where}/{sheet.title}!{cell.coordinate}: no Jalali text before it ({before!r})"
                        )
                elif isinstance(value, str):
                    if GREGORIAN_TEXT.search(value):
                        problems.append(f"{where}/{sheet.title}!{cell.coordinate}: Gregorian date in text {value!r}")
                    if NUMBER_AS_TEXT.match(value) and r > 0 and not header_of(rows, r, c).startswith("کد"):
                        problems.append(f"{where}/{sheet.title}!{cell.coordinate}: a number stored as text {value!r}")
    return problems, dates


def header_of(rows, r, c) -> str:
    return next((rows[h][c].value for h in range(r - 1, -1, -1) if isinstance(rows[h][c].value, str)), "")


def jalali_columns(book) -> int:
    """How many cells hold a Jalali date as text (Persian digits)."""
    return sum(
        1
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and JALALI.match(persian.to_ascii_digits(cell.value))
    )


@pytest.mark.parametrize("kind", ["commitment_timetable", "pathology", "credits"])
def test_every_report_date_column_reads_jalali_first(official, dated, kind, django_capture_on_commit_callbacks):
    report = build(official, kind, django_capture_on_commit_callbacks)
    book = openpyxl.load_workbook(report.xlsx.path)
    problems, dates = date_problems(book, kind)
    assert not problems, "\n".join(problems)
    assert jalali_columns(book) >= max(dates, 1)
    summary = book.worksheets[0]
    assert not any(
        isinstance(c.value, datetime.datetime | datetime.date) for row in summary.iter_rows() for c in row
    ), "the summary's dates are Jalali only"

    # The PDF of the same report: Jalali dates and Persian digits only («PDF» is the format's name).
    text = pdf_text(report.pdf.path).replace("PDF", "")
    assert not re.search(r"[0-9]", text), re.findall(r".{0,30}[0-9].{0,30}", text)[:5]
    assert not GREGORIAN_TEXT.search(persian.to_ascii_digits(text))


def test_registry_export_dates_are_jalali_text_and_numbers_are_numbers(client, official, dated):
    client.force_login(official)
    response = export_file(client, {"format": "xlsx"})
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    problems, _ = date_problems(book, "export")
    assert not problems, "\n".join(problems)
    sheet = book.worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    started = header.index("تاریخ شروع") if "تاریخ شروع" in header else None
    assert started is not None, header
    for row in sheet.iter_rows(min_row=2):
        assert JALALI.match(persian.to_ascii_digits(row[started].value)), row[started].value
        assert {type(row[header.index(h)].value) for h in header if h in ("شغل", "تعداد شغل")} <= {int}
