"""Which builder makes which report kind; what reports.services calls.

The only module that imports every kind, so the kinds and content.py never import
each other.
"""

from __future__ import annotations

import datetime

from core import persian

from ..models import Report
from ..selectors import report_scope
from .content import ReportContent
from .credits import credits
from .pathology import pathology
from .timetable import commitment_timetable

BUILDERS = {
    Report.Kind.COMMITMENT_TIMETABLE: commitment_timetable,
    Report.Kind.PATHOLOGY: pathology,
    Report.Kind.CREDITS: credits,
}


def build_content(report: Report, today: datetime.date | None = None) -> ReportContent:
    today = today or persian.local_today()
    return BUILDERS[report.kind](report, report_scope(report), today)
