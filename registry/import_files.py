"""Reading an import file (.xlsx or .csv) within stated limits, for the web page and the
`import_businesses` command alike (registry.imports).

Every limit is a Persian FileProblem, and the import writes nothing after one. A small
file can still be a large amount of work: 277 KB of .xlsx unpacked to 300,000 rows
(54 s, an 88 MB page), 420 KB of blank rows took 92 s, 12.7 MB of bad CSV rows 2.7 GB of
memory. Hence limits on the unpacked size and the compression ratio of an .xlsx before
openpyxl opens it, on data rows, on a run of blank rows, on time and on listed errors.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterator

from django.conf import settings

from core import persian

# The site's one upload limit (settings.UPLOAD_MAX_BYTES, and nginx's in docs/deploy.md).
MAX_FILE_BYTES = settings.UPLOAD_MAX_BYTES
# An .xlsx is a zip: the sum of its members' sizes once unpacked, and how many times
# smaller the packed file is. Real lists of 100,000 rows unpack to ~20 MB at ~10:1.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ROWS = 100_000  # non-blank data rows
# So many blank rows in a row end the sheet: a file that "uses" a million empty rows is
# read up to here, not to its end.
MAX_BLANK_RUN = 1_000
MAX_SECONDS = 60
# Errors listed; reading stops at the next one (RowLimits.error_cap_reached).
MAX_ERRORS = 200


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is Persian and says what to do."""


def limits_text() -> dict[str, str]:
    """The limits as a person reads them (the import page states them)."""
    return {
        "file_mb": persian.format_number(MAX_FILE_BYTES // (1024 * 1024)),
        "unpacked_mb": persian.format_number(MAX_UNPACKED_BYTES // (1024 * 1024)),
        "rows": persian.format_number(MAX_ROWS),
        "blank_run": persian.format_number(MAX_BLANK_RUN),
        "seconds": persian.format_number(MAX_SECONDS),
        "errors": persian.format_number(MAX_ERRORS),
    }


class RowLimits:
    """Counts one reading's rows, blank runs and time; a FileProblem past a limit."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_SECONDS
        self.rows = 0
        self.blank_run = 0

    def blank(self) -> bool:
        """A blank row; True when the run is long enough to end the sheet."""
        self.blank_run += 1
        self._in_time()
        return self.blank_run >= MAX_BLANK_RUN

    def data(self) -> None:
        self.blank_run = 0
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise FileProblem(
                f"فایل بیش از {persian.format_number(MAX_ROWS)} ردیف داده دارد؛ فهرست را در چند فایل "
                "کوچک‌تر جدا کنید و هر کدام را جداگانه وارد کنید."
            )
        self._in_time()

    def _in_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise FileProblem(
                f"بررسی فایل بیش از {persian.format_number(MAX_SECONDS)} ثانیه طول کشید و نیمه‌کاره ماند؛ "
                "فهرست را در چند فایل کوچک‌تر جدا کنید و هر کدام را جداگانه وارد کنید."
            )


def too_many_errors() -> str:
    return (
        f"… و خطاهای بیشتر: پس از {persian.format_number(MAX_ERRORS)} خطای بالا، خواندن فایل ایستاد. "
        "این‌ها را اصلاح کنید و فایل را دوباره وارد کنید تا بقیه هم نشان داده شوند."
    )


def _read_limited(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise FileProblem(too_big())
    content = upload.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem(too_big())
    if not content.strip():
        raise FileProblem("فایل خالی است؛ فایلی با سطر عنوان ستون‌ها و دست‌کم یک ردیف داده انتخاب کنید.")
    return content


def too_big() -> str:
    return (
        f"حجم فایل بیش از {persian.format_number(MAX_FILE_BYTES // (1024 * 1024))} مگابایت است؛ "
        "فهرست را در چند فایل کوچک‌تر جدا کنید و هر کدام را جداگانه وارد کنید."
    )


def _is_xlsx(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        return False
    if "xl/workbook.xml" not in {m.filename for m in members}:
        return False
    # The sizes the zip declares; zipfile never unpacks a member past its declared size,
    # so a zip that understates them fails to open rather than growing.
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
        raise FileProblem(
            f"این فایل اکسل پس از باز شدن بیش از اندازه بزرگ است (بیش از {persian.format_number(MAX_UNPACKED_BYTES // (1024 * 1024))} "
            f"مگابایت یا بیش از {persian.format_number(MAX_COMPRESSION_RATIO)} برابر حجم خودش)؛ ردیف‌ها و ستون‌های خالیِ "
            "پُرشده را پاک کنید یا فهرست را در چند فایل کوچک‌تر جدا کنید."
        )
    return True


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        # data_only: the values a formula showed when the file was saved, never the formula.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(
            "فایل اکسل خراب است یا باز نمی‌شود؛ آن را در اکسل باز کنید و دوباره با قالب xlsx ذخیره کنید."
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        # Files written by some tools carry a wrong size; read what is really there.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "نویسه‌های این فایل CSV با UTF-8 ذخیره نشده‌اند (احتمالاً با کدگذاری ویندوز عربی/فارسی)؛ "
            "فایل را در اکسل باز کنید و از «Save As» قالب «CSV UTF-8 (Comma delimited)» را انتخاب کنید، یا همان فایل xlsx را وارد کنید."
        ) from exc
    if "\x00" in text:
        # Anywhere, not only in the first kilobytes read_rows looks at: PostgreSQL refuses
        # a NUL in text (a 500) and SQLite would store it.
        raise FileProblem(
            "این فایل CSV نویسهٔ تهی (NUL) دارد و متن سالم نیست؛ فایل را در اکسل باز کنید و دوباره "
            "با قالب «CSV UTF-8» یا xlsx ذخیره کنید."
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:  # a cell over csv's field size limit, a stray quote at the end
        raise FileProblem(
            "این فایل CSV درست خوانده نمی‌شود (خانه‌ای بیش از اندازه بلند یا گیومه‌ای بی‌جفت)؛ "
            "آن را در اکسل باز کنید و دوباره با قالب «CSV UTF-8» یا xlsx ذخیره کنید."
        ) from exc


def estimate_rows(content: bytes) -> int:
    """About how many data rows a file has, for a progress bar before it is read: the
    sheet's recorded size (which some tools write wrong) or the CSV's line count."""
    try:
        is_xlsx = _is_xlsx(content)
    except FileProblem:
        return 0
    if is_xlsx:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True)
            rows = workbook.worksheets[0].max_row or 0
            workbook.close()
        except Exception:  # a damaged file: read_rows says so in Persian
            return 0
    else:
        rows = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
    return max(0, min(rows - 1, MAX_ROWS))


def read_rows(upload) -> Iterator[tuple]:
    """Rows of the first sheet (xlsx) or of the CSV, header first. Decided by content:
    a renamed file is read as what it really is."""
    content = _read_limited(upload)
    if _is_xlsx(content):
        return _xlsx_rows(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem("این فایل اکسل قدیمی (xls) است؛ آن را در اکسل باز کنید و با قالب «xlsx» ذخیره کنید.")
    if content.startswith(b"PK\x03\x04") or b"\x00" in content[:4096]:
        raise FileProblem("این فایل نه اکسل (xlsx) است نه CSV؛ فهرست را با یکی از این دو قالب ذخیره کنید.")
    return _csv_rows(content)
