"""Reading built reports back, as a person would: pdftotext for the PDF, openpyxl for Excel."""

from __future__ import annotations

import re
import subprocess

import openpyxl

from core import persian

_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None)
_NUMBER = re.compile(r"[۰-۹][۰-۹٬]*(?:٫[۰-۹]+)?")


def plain(text: str) -> str:
    """Without bidi marks and ZWNJ (pdftotext drops ZWNJ), so labels compare."""
    return text.translate(_INVISIBLE)


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return plain(out)


def numbers_on_line(text: str, label: str) -> list[float]:
    """The Persian-digit numbers on the (first) line that carries `label`."""
    # pdftotext moves or drops the space next to digits («۱۲ ماه» → «۱۲ماه»): match spaces loosely.
    pattern = re.compile(r"\s*".join(re.escape(ch) for ch in plain(label).replace(" ", "")))
    for line in text.splitlines():
        match = pattern.search(line)
        if match:
            rest = line[: match.start()] + " " + line[match.end() :]
            return [float(persian.normalize_number_text(n)) for n in _NUMBER.findall(rest)]
    raise AssertionError(f"no line with «{label}» in the PDF text")


def workbook(path):
    return openpyxl.load_workbook(path)


def summary_value(book, label: str):
    sheet = book["خلاصه"]
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == label:
            return row[1]
    raise AssertionError(f"no row «{label}» on the summary sheet")


def table_rows(book, sheet: str) -> list[tuple]:
    """Data rows below the header (row 4)."""
    return [r for r in book[sheet].iter_rows(min_row=5, values_only=True) if any(v is not None for v in r)]


def header(book, sheet: str) -> list[str]:
    return [c for c in next(book[sheet].iter_rows(min_row=4, max_row=4, values_only=True)) if c is not None]


def some_line_has_numbers(text: str, wanted: set[float]) -> bool:
    """A table row wraps its long titles onto several lines, but its numbers share one line."""
    for line in text.splitlines():
        found = {float(persian.normalize_number_text(n)) for n in _NUMBER.findall(line)}
        if wanted <= found:
            return True
    return False
