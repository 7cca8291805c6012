"""Helpers every report kind uses."""

from __future__ import annotations

import datetime

from core import glossary

from ..models import Report
from ..selectors import ReportScope
from .content import TEXT, Column, Fact, ReportContent, Section, Table


def percent_of(part, whole) -> float | None:
    """100 × part ÷ whole to one decimal; None when there is no whole to measure against."""
    return None if not whole else round(100.0 * part / whole, 1)


def report_content(
    report: Report, scope: ReportScope, today: datetime.date, *, facts: list[Fact], sections: list[Section]
) -> ReportContent:
    """A kind's figures with the title, scope and dates every report carries."""
    return ReportContent(
        kind=report.kind,
        title=Report.Kind(report.kind).label,
        scope_label=scope.label,
        today=today,
        due_on=report.due_on,
        is_draft=report.is_draft,
        facts=facts,
        sections=[*sections, glossary_appendix()],
    )


def glossary_appendix() -> Section:
    """The definitions every report prints last, in the glossary page's words."""
    return Section(
        "پیوست: تعریف شاخص‌ها",
        intro="هر رقم این گزارش همان نام و معنای صفحهٔ «تعریف شاخص‌ها» در سامانه را دارد.",
        tables=[
            Table(
                "تعریف شاخص‌ها",
                "تعریف شاخص‌ها",
                [Column("شاخص", TEXT, 24), Column("تعریف", TEXT, 100)],
                [[f.label, f.definition] for f in glossary.entries()],
            )
        ],
    )
