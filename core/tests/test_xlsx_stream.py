"""The streaming one-sheet .xlsx: what openpyxl (and so Excel) reads back from it."""

import io

import openpyxl

from core import xlsx_stream


def test_cells_come_back_as_written_text_as_text_numbers_as_numbers():
    buffer = io.BytesIO()
    rows = [
        ("=1+2", "کرمان", 3, 12_500_000, None, " فاصله ", "a & b <c>", "tab\x01bell"),
        ("KR-2", "بم", 1, 0, "", "x", "y", "z"),
    ]
    header = ("کد", "شهرستان", "شغل", "تسهیلات", "خالی", "فاصله", "نشانه", "کنترل")

    written = xlsx_stream.write_sheet(
        buffer, sheet_name="کسب‌وکارها", header=header, rows=rows, widths=(10,) * 8, money_columns={3}
    )

    assert written == 2
    book = openpyxl.load_workbook(buffer)
    sheet = book["کسب‌وکارها"]
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == list(header)
    assert sheet["A1"].font.b is True
    first = sheet[2]
    # A character XML forbids is Excel's escape, as XlsxWriter writes it (openpyxl leaves it as is).
    assert [c.value for c in first] == ["=1+2", "کرمان", 3, 12_500_000, None, " فاصله ", "a & b <c>", "tab_x0001_bell"]
    # a formula-like name stays text; money has its thousands format
    assert (first[0].data_type, first[2].data_type, first[3].number_format) == ("s", "n", "#,##0")
    assert [c.value for c in sheet[3]] == ["KR-2", "بم", 1, 0, None, "x", "y", "z"]
    assert sheet.column_dimensions["A"].width == 10
