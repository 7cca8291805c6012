"""The Excel file of a report: right-to-left sheets, numbers as numbers, dates twice.

XlsxWriter in constant_memory mode writes each row to disk as soon as it is complete,
so the registry listing of a large province does not sit in memory. Every sheet runs
right to left. A date is written first as the Jalali date in text («۱۴۰۵/۰۴/۰۵»), the
one officials read (Excel has no Jalali calendar), and after it as a real date cell for
sorting, in a column plainly headed «… (میلادی)»; the summary sheet's dates are Jalali
only. Numbers stay numbers. User text always goes
through write_string, so a cell starting with = + - @ is stored as text, never as a
formula.
"""

from __future__ import annotations

import datetime
import functools

import xlsxwriter

from core import persian

from .content import DATE, INT, MONEY, PERCENT, ReportContent, Table

SUMMARY_SHEET = "خلاصه"


class _Formats:
    def __init__(self, book):
        base = {"font_name": "Vazirmatn", "font_size": 10, "reading_order": 2}
        self.title = book.add_format({**base, "bold": True, "font_size": 14})
        self.muted = book.add_format({**base, "font_color": "#6b7280"})
        self.header = book.add_format({**base, "bold": True, "bg_color": "#e5e7eb", "border": 1, "text_wrap": True})
        self.text = book.add_format({**base})
        self.int = book.add_format({**base, "num_format": "#,##0"})
        self.percent = book.add_format({**base, "num_format": "0.0%"})
        self.date = book.add_format({**base, "num_format": "yyyy-mm-dd", "align": "left"})


@functools.lru_cache(maxsize=16384)
def _jalali_text(value) -> str:
    # Cached: a million-row listing has a few thousand distinct days.
    return persian.format_jalali(value) if value else ""


def _write_value(sheet, row: int, col: int, value, kind: str, fmt: _Formats, *, gregorian: bool = True) -> int:
    """Write one value; returns how many columns it took (a table's date takes two: Jalali
    text, then the «میلادی» date cell)."""
    if kind == DATE:
        if value:
            sheet.write_string(row, col, _jalali_text(value), fmt.text)
        else:
            sheet.write_blank(row, col, None, fmt.text)
        if not gregorian:
            return 1
        if value:
            sheet.write_datetime(row, col + 1, datetime.datetime.combine(value, datetime.time()), fmt.date)
        else:
            sheet.write_blank(row, col + 1, None, fmt.date)
        return 2
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt.text)
    elif kind in (INT, MONEY):
        sheet.write_number(row, col, value, fmt.int)
    elif kind == PERCENT:
        sheet.write_number(row, col, value / 100.0, fmt.percent)
    else:
        sheet.write_string(row, col, str(value), fmt.text)
    return 1


def _header(table: Table) -> list[tuple[str, int]]:
    cells = []
    for c in table.columns:
        cells.append((c.label, max(c.width, 12) if c.kind == DATE else c.width))
        if c.kind == DATE:
            cells.append((f"{c.label} (میلادی)", 12))
    return cells


def _write_table(book, table: Table, content: ReportContent, fmt: _Formats) -> None:
    sheet = book.add_worksheet(table.sheet)
    sheet.right_to_left()
    header = _header(table)
    for i, (_, width) in enumerate(header):
        sheet.set_column(i, i, width)
    sheet.write_string(0, 0, f"{content.title} — {table.title}", fmt.title)
    sheet.write_string(1, 0, f"دامنه: {content.scope_label}", fmt.muted)
    for i, (label, _) in enumerate(header):
        sheet.write_string(3, i, label, fmt.header)
    sheet.freeze_panes(4, 0)
    for r, values in enumerate(table.rows, start=4):
        col = 0
        for value, column in zip(values, table.columns, strict=True):
            col += _write_value(sheet, r, col, value, column.kind, fmt)


def _write_summary(book, content: ReportContent, fmt: _Formats) -> None:
    sheet = book.add_worksheet(SUMMARY_SHEET)
    sheet.right_to_left()
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 14)
    title = content.title + (" (پیش‌نویس)" if content.is_draft else "")
    sheet.write_string(0, 0, title, fmt.title)
    sheet.write_string(1, 0, f"دامنه: {content.scope_label}", fmt.muted)
    row = 3
    for label, value in (("تاریخ تهیه", content.today), ("مهلت", content.due_on)):
        sheet.write_string(row, 0, label, fmt.header)
        _write_value(sheet, row, 1, value, DATE, fmt, gregorian=False)
        row += 1
    row += 1
    for f in content.facts:
        sheet.write_string(row, 0, f.label, fmt.header)
        _write_value(sheet, row, 1, f.value, f.kind, fmt, gregorian=False)
        row += 1


def write_xlsx(content: ReportContent, path: str) -> None:
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    fmt = _Formats(book)
    try:
        _write_summary(book, content, fmt)
        for table in content.tables:
            _write_table(book, table, content, fmt)
    finally:
        book.close()
