"""Writing a report's two files so that nobody ever sees half of one.

Both files are written into a private staging folder inside MEDIA_ROOT
(`.building/<report id>-<random>/`, never served) and only when both are complete are
they moved into `reports/…` with os.replace, which is atomic on the same file system.
A worker killed mid-build leaves its staging folder behind; the next attempt at the
same report removes it. Needs a file-system storage (FileSystemStorage).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from core import persian

from ..models import Report
from .content import ReportContent
from .excel import write_xlsx
from .pdf import render_pdf

STAGING = ".building"


def _staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING


def discard_staging(report_id: int) -> None:
    root = _staging_root()
    if root.is_dir():
        for stale in root.glob(f"{report_id}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def file_names(report: Report, content: ReportContent) -> tuple[str, str]:
    """reports/2026/06/pathology-1405-04-05-final-12.pdf (ASCII: safe in every file system)."""
    stamp = persian.format_jalali(content.today, "%Y-%m-%d", digits="ascii")
    stage = "draft" if report.is_draft else "final"
    base = f"reports/{content.today:%Y/%m}/{report.kind}-{stamp}-{stage}-{report.id}"
    return f"{base}.pdf", f"{base}.xlsx"


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_report_files(report: Report, content: ReportContent) -> tuple[str, str]:
    """Render both files and move them into place together; returns their storage names."""
    discard_staging(report.id)
    staging = _staging_root() / f"{report.id}-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        pdf_tmp, xlsx_tmp = staging / "report.pdf", staging / "report.xlsx"
        _fsync_write(pdf_tmp, render_pdf(content))
        if settings.REPORT_BUILD_PAUSE_SECONDS:
            # Tests only: a window in which a worker can be killed between the two files.
            time.sleep(settings.REPORT_BUILD_PAUSE_SECONDS)
        write_xlsx(content, str(xlsx_tmp))
        with open(xlsx_tmp, "rb") as fh:
            os.fsync(fh.fileno())
        pdf_name, xlsx_name = file_names(report, content)
        for tmp, name in ((pdf_tmp, pdf_name), (xlsx_tmp, xlsx_name)):
            target = Path(default_storage.path(name))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        return pdf_name, xlsx_name
    finally:
        shutil.rmtree(staging, ignore_errors=True)
