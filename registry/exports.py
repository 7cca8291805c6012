"""Export of home businesses (.xlsx and .csv): the import's columns, read back unchanged.

An exported file imports back unchanged (into a database that does not hold those
reference codes yet); after the import's columns comes the status, «وضعیت», for the
reader («پایش‌نشده» before any check), which the import recognises and does not read.
The owner's national code is an import column that is never exported: the registry
keeps only its hash, and even that is not written out.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator

from django.db.models import Count, QuerySet

from commitments.models import Commitment
from core import persian, xlsx_stream

from .imports import BATCH_SIZE, COLUMNS, PROGRESS_EVERY, STATUS_COLUMN, guard_formula
from .models import HomeBusiness

# Every import column but the owner's national code.
EXPORT_COLUMNS = tuple(c for c in COLUMNS if c.key != "owner_national_code")


def _commitment_cells(businesses: QuerySet[HomeBusiness]) -> dict[int, str]:
    """What the «تعهد» column holds: the title, or the id where two commitments share a title."""
    ids = businesses.order_by().values_list("commitment_id", flat=True).distinct()
    shared = set(
        Commitment.objects.values("title").annotate(n=Count("id")).filter(n__gt=1).values_list("title", flat=True)
    )
    return {
        pk: (str(pk) if title in shared else title)
        for pk, title in Commitment.objects.filter(pk__in=ids).values_list("id", "title")
    }


def export_rows(businesses: QuerySet[HomeBusiness], progress: Callable[[int], None] | None = None) -> Iterator[tuple]:
    """Header, then one tuple per business in the import's column order and its status
    in Persian; streamed from the database in chunks, with names joined in (no query per row).
    progress(rows_done) every PROGRESS_EVERY rows; it may raise to stop (a cancel)."""
    commitment_cell = _commitment_cells(businesses)
    statuses = dict(HomeBusiness.Status.choices)
    # A few thousand distinct start dates among a million businesses: each converted once.
    jalali: dict = {}
    yield (*(c.label for c in EXPORT_COLUMNS), STATUS_COLUMN.label)
    rows = businesses.order_by("id").values_list(
        "reference_code", "commitment_id", "county__name", "sector__name", "started_on", "jobs", "loan_amount", "status"
    )
    for done, (code, commitment_id, county, sector, started_on, jobs, loan, status) in enumerate(
        rows.iterator(chunk_size=BATCH_SIZE), start=1
    ):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        yield (
            code,
            commitment_cell[commitment_id],
            county,
            sector,
            jalali.get(started_on) or jalali.setdefault(started_on, persian.format_jalali(started_on)),
            jobs,
            loan,
            statuses[status],
        )


class _Echo:
    def write(self, value):
        return value


def export_csv_chunks(
    businesses: QuerySet[HomeBusiness], progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """UTF-8 CSV lines, starting with a BOM so Excel shows Persian correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in export_rows(businesses, progress):
        yield writer.writerow([guard_formula(v) if isinstance(v, str) else v for v in row])


def export_xlsx(businesses: QuerySet[HomeBusiness], target, progress: Callable[[int], None] | None = None) -> None:
    """A right-to-left sheet; numbers as numbers, the Jalali date as text, every name as
    text (never a formula). Written row by row (core.xlsx_stream): a million businesses in
    flat memory, several times faster than XlsxWriter's cell-by-cell constant_memory mode."""
    rows = export_rows(businesses, progress)
    header = next(rows)
    xlsx_stream.write_sheet(
        target,
        sheet_name="کسب‌وکارها",
        header=header,
        rows=rows,
        widths=(18, 40, 16, 22, 14, 10, 22, 12),
        money_columns={6},
    )
