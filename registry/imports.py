"""Bulk import and export of home businesses (.xlsx and .csv), all or nothing.

Banks and the chamber keep their lists in spreadsheets. The import reads the whole
file, checks every row, and writes nothing unless every row is valid; a valid file
is written in one transaction with a history row per business (who, when, why).
The web page and `manage.py import_businesses` both call `import_businesses`, so both
read within the same limits (import_files: size, rows, blank runs, time, listed errors).

The export (exports.py) writes the import's columns but the owner's national code, so
an exported file imports back unchanged (into a database that does not hold those
reference codes yet), and after them the status, «وضعیت», for the reader. The import
never reads a status: only a continuity check makes a business «فعال», «نیمه‌تعطیل» or
«غیرفعال», and a file carries no checks, so every imported business starts «پایش‌نشده».
A «وضعیت» column is recognised, not read, and the result says so (`status_ignored`)
rather than leaving a bank to think its «فعال» was recorded. A national code is checked
like any cell; a row whose owner is already registered (in the database or higher in
the file) is imported and reported as «تکراری» (ImportResult.flagged).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments.models import Commitment
from commitments.selectors import commitments_reportable_by
from commitments.services import require_open_for_reports
from core import bulk, figure_cache, national_code, persian
from programs.models import County, Sector

from . import import_files, summaries
from .import_files import FileProblem, RowLimits, read_rows, too_many_errors
from .models import HomeBusiness
from .selectors import owner_registrations
from .services import owner_code_fields

BATCH_SIZE = 2000
# How often a run in the background reports its progress (and may be cancelled): rows.
PROGRESS_EVERY = 1000
# progress(rows_done, phase): phase «checking» while reading, «writing» between batches
# of the one write transaction; it may raise to stop (registry.jobs cancels that way).
Progress = Callable[[int, str], None]
# SQLite allows ~32k parameters a statement; stay far below in `IN (...)` lookups.
LOOKUP_CHUNK = 2000
MAX_CODE_LENGTH = HomeBusiness._meta.get_field("reference_code").max_length
MAX_BIG_INT = 9_223_372_036_854_775_807


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = True
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("reference_code", "کد پیگیری"),
    Column("commitment", "تعهد"),
    Column("county", "شهرستان"),
    Column("sector", "رسته"),
    Column("started_on", "تاریخ شروع"),
    Column("jobs", "تعداد شغل", required=False),
    Column("loan_amount", "مبلغ تسهیلات (ریال)", required=False, aliases=("مبلغ تسهیلات", "تسهیلات")),
    Column("owner_national_code", "کد ملی", required=False, aliases=("کد ملی صاحب کسب‌وکار", "national_code")),
)
COLUMN_LABELS = {c.key: c.label for c in COLUMNS}
# Written by the export after the import's columns; recognised by the import, never read.
STATUS_COLUMN = Column("status", "وضعیت", required=False)


@dataclass(frozen=True)
class RowError:
    """One mistake: the row as the spreadsheet numbers it (header = 1), the column, the reason.

    row is None for a problem with the whole file (format, size, encoding, header)."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    status_ignored: bool = False  # the file had a «وضعیت» column, which is not read
    # Rows imported but «تکراری»: their owner was already registered (registry.owners).
    flagged: list[RowError] = field(default_factory=list)
    errors_capped: bool = False  # more than import_files.MAX_ERRORS: the list stops there

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def notice(self) -> str:
        """Said after a successful import whose file claimed statuses (page and command)."""
        if not self.status_ignored:
            return ""
        return (
            "ستون «وضعیت» فایل خوانده نشد: وضعیت فقط از پایش استمرار می‌آید و کسب‌وکارهای تازه "
            "تا نخستین پایششان «پایش‌نشده»اند."
        )


# ---------------------------------------------------------------- normalising cell values

_INVISIBLE = str.maketrans({"\u200c": None, "\u200e": None, "\u200f": None, "\ufeff": None, " ": None, "\xa0": None})
_FORMULA_START = ("=", "+", "-", "@")


def cell_text(value) -> str:
    """A cell as text: numbers without «.0», Persian letters, stripped.

    A leading apostrophe before = + - @ is the export's guard against spreadsheet
    formulas (see `guard_formula`) and is removed again here.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = persian.normalize_letters(str(value)).replace("\ufeff", "").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        text = text[1:]
    return text


def match_key(text: str) -> str:
    """How names are compared: Persian letters, ASCII digits, no spaces or half-spaces,
    so «صنایع‌دستی», «صنايع دستي» and «صنایع دستی» are the same sector."""
    return persian.to_ascii_digits(persian.normalize_letters(text)).translate(_INVISIBLE).casefold()


def guard_formula(text: str) -> str:
    # CSV has no cell types: Excel would run «=…» as a formula. The apostrophe makes it
    # text, and cell_text() removes it on import, so the round trip is unchanged.
    return "'" + text if text.startswith(_FORMULA_START) else text


# ---------------------------------------------------------------- checking rows


def _header_map(header: Iterable) -> tuple[dict[str, int], list[RowError]]:
    known = {}
    for column in COLUMNS:
        for name in (column.label, column.key, *column.aliases):
            known[match_key(name)] = column.key
    positions: dict[str, int] = {}
    errors = []
    for index, title in enumerate(header):
        key = known.get(match_key(cell_text(title)))
        if key is None:
            continue  # other columns (names, phone numbers …) are ignored, never stored
        if key in positions:
            errors.append(
                RowError(1, COLUMN_LABELS[key], f"ستون «{COLUMN_LABELS[key]}» دو بار آمده است؛ یکی را حذف کنید.")
            )
        positions[key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            errors.append(
                RowError(
                    1,
                    column.label,
                    f"ستون «{column.label}» در سطر اول فایل نیست؛ سطر اول باید عنوان ستون‌ها باشد و این ستون را داشته باشد.",
                )
            )
    return positions, errors


class _Lookups:
    """Names → objects, loaded once per import (small tables) instead of once per row."""

    def __init__(self, actor):
        counties, sectors = list(County.objects.all()), list(Sector.objects.all())
        self.counties = {match_key(c.name): c for c in counties}
        self.sectors = {match_key(s.name): s for s in sectors}
        # The API names a county or sector by its id, as every related object there.
        # No name is a bare number, so the two never meet.
        self.counties_by_id = {str(c.pk): c for c in counties}
        self.sectors_by_id = {str(s.pk): s for s in sectors}
        self.commitments_by_id: dict[int, Commitment] = {}
        titles: dict[str, list[Commitment]] = {}
        for commitment in commitments_reportable_by(actor).only("id", "title", "status"):
            self.commitments_by_id[commitment.id] = commitment
            titles.setdefault(match_key(commitment.title), []).append(commitment)
        self.commitments_by_title = titles


def _parse_row(cells: dict[str, str], raw_start, lookups: _Lookups, today) -> tuple[dict, list[tuple[str, str]]]:
    """One row's values, or the (column key, Persian reason) of each mistake in it."""
    values: dict = {}
    problems: list[tuple[str, str]] = []

    code = persian.normalize_code(cells.get("reference_code", ""))
    if not code:
        problems.append(("reference_code", "کد پیگیری خالی است؛ هر کسب‌وکار کد پیگیری یکتای خود را لازم دارد."))
    elif len(code) > MAX_CODE_LENGTH:
        problems.append(
            ("reference_code", f"کد پیگیری بیش از {persian.format_number(MAX_CODE_LENGTH)} نویسه است؛ کوتاه‌ترش کنید.")
        )
    values["reference_code"] = code

    commitment_text = cells.get("commitment", "")
    commitment = None
    if not commitment_text:
        problems.append(("commitment", "تعهد خالی است؛ شناسه یا عنوان دقیق تعهد را بنویسید."))
    else:
        try:
            by_id = lookups.commitments_by_id.get(persian.parse_int(commitment_text))
        except persian.PersianValueError:
            by_id = None  # not a number: a title
        matches = [by_id] if by_id else lookups.commitments_by_title.get(match_key(commitment_text), [])
        if len(matches) > 1:
            problems.append(
                ("commitment", f"چند تعهد با عنوان «{commitment_text}» هست؛ به‌جای عنوان، شناسهٔ عددی تعهد را بنویسید.")
            )
        elif not matches:
            # The same words whether the commitment is missing or belongs to someone else.
            problems.append(
                (
                    "commitment",
                    f"تعهد «{commitment_text}» در فهرست تعهدهایی که شما گزارش‌دهندهٔ آن هستید نیست؛ "
                    "شناسه یا عنوان دقیق یکی از تعهدهای خودتان را بنویسید.",
                )
            )
        else:
            commitment = matches[0]
            try:
                require_open_for_reports(commitment)
            except ValidationError as exc:
                problems.append(("commitment", " ".join(exc.messages)))
    values["commitment"] = commitment

    for key, table, by_id, what in (
        ("county", lookups.counties, lookups.counties_by_id, "شهرستان"),
        ("sector", lookups.sectors, lookups.sectors_by_id, "رسته"),
    ):
        text = cells.get(key, "")
        found = (by_id.get(persian.to_ascii_digits(text)) or table.get(match_key(text))) if text else None
        if not text:
            problems.append((key, f"{what} خالی است."))
        elif found is None:
            problems.append(
                (key, f"{what} «{text}» شناخته نیست؛ نام را همان‌طور بنویسید که در فهرست {what}‌های سامانه آمده است.")
            )
        values[key] = found

    start_text = cells.get("started_on", "")
    values["started_on"] = None
    if isinstance(raw_start, datetime.datetime | datetime.date):
        # A real date cell in Excel is Gregorian by nature; it gets the same year range
        # as a typed Jalali date (core.persian.check_jalali_year).
        try:
            values["started_on"] = persian.check_date_in_range(raw_start)
        except persian.PersianValueError as exc:
            problems.append(("started_on", str(exc)))
    elif not start_text:
        problems.append(("started_on", "تاریخ شروع خالی است؛ به شکل ۱۴۰۴/۰۱/۱۰ بنویسید."))
    else:
        try:
            # Jalali as typed, or ISO 8601 (as the partner API and some exports write it).
            values["started_on"] = persian.parse_date(start_text)
        except persian.PersianValueError as exc:
            problems.append(("started_on", str(exc)))
    if values["started_on"] and values["started_on"] > today:
        problems.append(("started_on", "تاریخ شروع در آینده است؛ فقط کسب‌وکاری ثبت می‌شود که راه افتاده است."))

    for key, default, minimum in (("jobs", 1, 1), ("loan_amount", 0, 0)):
        text = cells.get(key, "")
        if not text:
            values[key] = default
            continue
        try:
            number = persian.parse_int(text)
        except persian.PersianValueError:
            problems.append((key, f"«{text}» عدد صحیح نیست؛ فقط رقم بنویسید (با یا بدون جداکننده، مثل ۱۲٬۵۰۰٬۰۰۰)."))
            continue
        if number < minimum:
            problems.append(
                (key, "تعداد شغل باید دست‌کم ۱ باشد." if key == "jobs" else "مبلغ تسهیلات نمی‌تواند منفی باشد.")
            )
        elif number > MAX_BIG_INT or (key == "jobs" and number > 2_147_483_647):
            problems.append((key, f"عدد «{text}» بیش از اندازه بزرگ است."))
        values[key] = number
    return values, problems


def has_status_column(header: Iterable) -> bool:
    names = {match_key(STATUS_COLUMN.label), STATUS_COLUMN.key}
    return any(match_key(cell_text(title)) in names for title in header)


def check_file(*, actor, upload, progress: Progress | None = None) -> tuple[list[dict], list[RowError], int, bool]:
    """Every row of the file checked; nothing written.

    Returns (valid rows, errors, data rows, whether the header has a status column)."""
    try:
        rows = read_rows(upload)
        header = next(rows, None)
    except FileProblem as exc:
        return [], [RowError(None, "", str(exc))], 0, False
    return check_rows(actor=actor, header=header, rows=rows, progress=progress)


def check_rows(
    *, actor, header, rows: Iterable, first_row: int = 2, progress: Progress | None = None
) -> tuple[list[dict], list[RowError], int, bool]:
    """check_file's work on rows already read: a header (column names or keys) and the data
    rows under it, numbered from `first_row` (2, as a spreadsheet numbers them under its
    header; the partner API numbers its list from 1). The API sends its batch of businesses
    through here, so a row is checked the same way whatever it came in."""
    if header is None or not any(cell_text(v) for v in header):
        return (
            [],
            [RowError(1, "", "سطر اول فایل خالی است؛ سطر اول باید عنوان ستون‌ها باشد، مثل «کد پیگیری».")],
            0,
            False,
        )
    header = tuple(header)
    status_column = has_status_column(header)
    positions, errors = _header_map(header)
    if errors:
        return [], errors, 0, status_column

    lookups = _Lookups(actor)
    today = persian.local_today()
    parsed: list[dict] = []
    first_row_of_code: dict[str, int] = {}
    limits = RowLimits()
    try:
        for number, raw in enumerate(rows, start=first_row):
            raw = tuple(raw)
            cells = {key: cell_text(raw[i]) if i < len(raw) else "" for key, i in positions.items()}
            if not any(cells.values()):
                if limits.blank():
                    break  # so many blank rows in a row: the sheet has ended
                continue  # blank lines between or after the data
            limits.data()
            if progress is not None and limits.rows % PROGRESS_EVERY == 0:
                progress(limits.rows, "checking")
            raw_start = raw[positions["started_on"]] if positions["started_on"] < len(raw) else None
            values, problems = _parse_row(cells, raw_start, lookups, today)
            if "owner_national_code" in positions:
                raw_owner = (
                    raw[positions["owner_national_code"]] if positions["owner_national_code"] < len(raw) else None
                )
                values.update(_owner_code(raw_owner, cells["owner_national_code"], problems))
            code = values["reference_code"]
            if code and code in first_row_of_code:
                problems.append(
                    (
                        "reference_code",
                        f"کد پیگیری «{code}» تکراری است؛ در ردیف {persian.persian_digits(first_row_of_code[code])} همین فایل هم آمده است.",
                    )
                )
            elif code:
                first_row_of_code[code] = number
            for key, message in problems:
                errors.append(RowError(number, COLUMN_LABELS[key], message))
            values["_row"] = number
            parsed.append(values)
            if len(errors) > import_files.MAX_ERRORS:
                break  # enough to fix first; reading on would only cost time and memory
    except FileProblem as exc:
        return [], [RowError(None, "", str(exc))], limits.rows, status_column

    count = limits.rows
    if count == 0:
        errors.append(RowError(None, "", "فایل هیچ ردیف داده‌ای ندارد؛ زیر سطر عنوان ستون‌ها دست‌کم یک کسب‌وکار بنویسید."))
    errors.extend(_already_registered(first_row_of_code))
    column_order = {c.label: i for i, c in enumerate(COLUMNS)}
    errors.sort(key=lambda e: (e.row or 0, column_order.get(e.column, len(column_order))))
    if len(errors) > import_files.MAX_ERRORS:
        errors = [*errors[: import_files.MAX_ERRORS], RowError(None, "", too_many_errors())]
    return parsed, errors, count, status_column


def _already_registered(first_row_of_code: dict[str, int]) -> list[RowError]:
    codes = list(first_row_of_code)
    errors = []
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start : start + LOOKUP_CHUNK]
        for code in HomeBusiness.objects.filter(reference_code__in=chunk).values_list("reference_code", flat=True):
            errors.append(
                RowError(
                    first_row_of_code[code],
                    COLUMN_LABELS["reference_code"],
                    f"کد پیگیری «{code}» پیش‌تر در سامانه ثبت شده است؛ ردیف تکراری را از فایل حذف کنید.",
                )
            )
    return errors


def _owner_code(raw, text: str, problems: list[tuple[str, str]]) -> dict:
    """The owner's code fields from its cell (none when blank); a mistake joins `problems`.

    Excel keeps a code typed as a number without its leading zeros (0012345679 becomes
    12345679): a whole-number cell is read back as ten digits. A text cell is read as is.
    """
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw == int(raw) and 0 < raw < 10**10:
        text = str(int(raw)).zfill(national_code.LENGTH)
    try:
        return owner_code_fields(text)
    except ValidationError as exc:
        problems.append(("owner_national_code", exc.messages[0]))
        return owner_code_fields("")


def _flagged_owners(actor, parsed: list[dict]) -> list[RowError]:
    """Rows whose owner is already registered, in the database or higher in this file:
    they are imported (they are real records) and reported as «تکراری». Another
    commitment is named only if the importer may see it."""
    hashes = [row.get("owner_code_hash") for row in parsed]
    before = owner_registrations(actor, hashes)
    flagged = []
    for row in parsed:
        owner = row.get("owner_code_hash")
        if not owner:
            continue
        registrations = before.setdefault(owner, [])
        if registrations:
            flagged.append(RowError(row["_row"], COLUMN_LABELS["owner_national_code"], _also_registered(registrations)))
        registrations.append((None, row["commitment"].id, row["commitment"].title))
    return flagged


def _also_registered(registrations: list[tuple]) -> str:
    titles = list(dict.fromkeys(title for _, _, title in registrations if title is not None))
    hidden = any(title is None for _, _, title in registrations)
    named = "، ".join(f"«{title}»" for title in titles)
    where = f"تعهد {named}" if len(titles) == 1 else f"تعهدهای {named}"
    if not titles:
        where = "تعهدی دیگر"
    elif hidden:
        where += " و تعهدی دیگر"
    return f"صاحب این کسب‌وکار با همین کد ملی در {where} هم ثبت شده است؛ تکراری علامت خورد و یک بار شمرده می‌شود."


# ---------------------------------------------------------------- writing


def _created_ids(businesses: list[HomeBusiness]) -> list[int]:
    """The ids bulk_create gave (PostgreSQL and SQLite ≥ 3.35 return them), else looked up by code."""
    ids = [b.pk for b in businesses if b.pk is not None]
    if len(ids) == len(businesses):
        return ids
    codes = [b.reference_code for b in businesses]
    found = []
    for start in range(0, len(codes), 2000):
        found += HomeBusiness.objects.filter(reference_code__in=codes[start : start + 2000]).values_list(
            "pk", flat=True
        )
    return found


def import_businesses(*, actor, upload, filename: str = "", progress: Progress | None = None) -> ImportResult:
    """Check the whole file; write every row in one transaction only if all are valid.
    An exception raised by progress (a cancel) leaves nothing written."""
    parsed, errors, count, status_column = check_file(actor=actor, upload=upload, progress=progress)
    return _write_checked(
        actor,
        parsed,
        errors,
        count,
        status_column,
        reason=f"ورود گروهی از فایل {filename}".strip()[:100],
        progress=progress,
    )


def import_rows(*, actor, header, rows: Iterable, reason: str) -> ImportResult:
    """import_businesses for rows already read (the partner API's batch, rows numbered from
    1): the same checks, all or nothing, the same history rows with `reason`."""
    parsed, errors, count, status_column = check_rows(actor=actor, header=header, rows=rows, first_row=1)
    return _write_checked(actor, parsed, errors, count, status_column, reason=reason[:100])


def _write_checked(
    actor, parsed, errors, count, status_column, *, reason: str, progress: Progress | None = None
) -> ImportResult:
    result = ImportResult(rows=count, errors=errors, status_ignored=status_column)
    result.errors_capped = len(errors) > import_files.MAX_ERRORS
    if errors:
        return result
    result.flagged = _flagged_owners(actor, parsed)
    businesses = [
        HomeBusiness(
            commitment=row["commitment"],
            reference_code=row["reference_code"],
            county=row["county"],
            sector=row["sector"],
            started_on=row["started_on"],
            jobs=row["jobs"],
            loan_amount=row["loan_amount"],
            status=HomeBusiness.Status.UNCHECKED,
            owner_code_hash=row.get("owner_code_hash"),
            owner_code_last3=row.get("owner_code_last3", ""),
        )
        for row in parsed
    ]
    if progress is not None:
        progress(0, "writing")
    try:
        with transaction.atomic():
            step = BATCH_SIZE * 5
            for start in range(0, len(businesses), step):
                if progress is not None and start:
                    progress(start, "writing")
                bulk.insert_with_history(HomeBusiness, businesses[start : start + step], user=actor, reason=reason)
            # bulk_create sends no post_save: mark cached figures stale ourselves, and
            # bring the summaries up to date in this same transaction.
            summaries.businesses_changed(_created_ids(businesses))
            figure_cache.bump_now_and_on_commit()
    except IntegrityError:
        # Someone registered one of these codes between the check and the write.
        result.flagged = []
        result.errors = [
            RowError(
                None,
                "",
                "هم‌زمان با این ورود، برخی از این کدهای پیگیری در سامانه ثبت شدند و هیچ ردیفی ذخیره نشد؛ فایل را دوباره وارد کنید تا ردیف‌های تکراری نشان داده شوند.",
            )
        ]
        return result
    result.created = len(businesses)
    return result
