"""A one-sheet .xlsx written row by row, for listings of a million rows.

XlsxWriter's constant_memory mode keeps memory flat but spends ~60 µs a cell in Python
(a million businesses, eight columns: over a minute). A listing needs little of what it
offers: text and whole numbers, a bold header, a money format, right to left, the first
row frozen. This writer makes each row one formatted string (inline strings, so no shared
string table to hold in memory) and deflates the sheet into the zip as it goes.

Text cells are always text (t="inlineStr"): a name starting with «=» never becomes a
formula. Characters XML 1.0 forbids are written as Excel's _xHHHH_ escapes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<bookViews><workbookView/></bookViews>"
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Styles by index: 0 default, 1 header (bold on grey), 2 text, 3 money (#,##0, built-in format 3).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Tahoma"/></font>'
    '<font><b/><sz val="11"/><name val="Tahoma"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE5E7EB"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
HEADER, TEXT, MONEY = 1, 2, 3
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|^\s|\s$")
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BATCH_ROWS = 2000
CACHED_VALUES = 5000  # per column


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    """The <is> of an inline string cell."""
    if not _SPECIAL.search(value):
        return f"<is><t>{value}</t></is>"
    value = _FORBIDDEN.sub(lambda m: f"_x{ord(m.group()):04X}_", escape(value))
    return f'<is><t xml:space="preserve">{value}</t></is>'


def write_sheet(
    target,
    *,
    sheet_name: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[float] = (),
    money_columns: Iterable[int] = (),
) -> int:
    """Writes header and rows (str, int or None cells) to target (a path or a binary file);
    right to left, the header bold on grey and frozen. Returns the number of data rows."""
    letters = [_column_letter(i) for i in range(len(header))]
    money = set(money_columns)
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet_name, {'"': "&quot;"})))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            cols = "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths)
            )
            sheet.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<sheetViews><sheetView rightToLeft="1" workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews>"
                    + (f"<cols>{cols}</cols>" if cols else "")
                    + "<sheetData>"
                    + '<row r="1">'
                    + "".join(
                        f'<c r="{letters[i]}1" s="{HEADER}" t="inlineStr">{_text(str(v))}</c>'
                        for i, v in enumerate(header)
                    )
                    + "</row>"
                ).encode()
            )
            number, batch = 1, []
            # Each column's repeated values (names, dates, statuses) are formatted once.
            formatted: list[dict] = [{} for _ in letters]
            for row in rows:
                number += 1
                cells = []
                for i, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    cell = formatted[i].get(value)
                    if cell is None:
                        if isinstance(value, int) and not isinstance(value, bool):
                            cell = f' s="{MONEY if i in money else TEXT}"><v>{value}</v></c>'
                        else:
                            cell = f' s="{TEXT}" t="inlineStr">{_text(str(value))}</c>'
                        if len(formatted[i]) < CACHED_VALUES:
                            formatted[i][value] = cell
                    cells.append(f'<c r="{letters[i]}{number}"{cell}')
                batch.append(f'<row r="{number}">{"".join(cells)}</row>')
                if len(batch) >= BATCH_ROWS:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
            count = number - 1
    return count
