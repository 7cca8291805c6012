"""The commitment timetable (جدول زمان‌بندی تعهد اشتغال): the programme's target, each
commitment and tranche with its forecast, the deadlines, and the jobs of the last twelve months."""

from __future__ import annotations

import datetime

from commitments.models import Commitment
from core import charts, persian

from .. import figures
from ..models import Report
from ..selectors import ReportScope
from .common import percent_of, report_content
from .content import DATE, INT, PERCENT, TEXT, Column, Fact, ReportContent, Section, Table


def timetable_totals(numbers: dict) -> dict:
    """The headline numbers, from the dashboard's own figures for this scope."""
    items = numbers["figures"]
    roots = [f for f in items if f.depth == 0 and f.commitment.status != Commitment.Status.CANCELLED]
    target = sum(f.target or 0 for f in roots)
    realised = numbers["realised"]
    return {
        "figures": items,
        "roots": roots,
        "target": target,
        "realised": realised,
        "remaining": max(target - realised, 0),
        "percent": percent_of(min(realised, target), target),
    }


def _milestone_state(m, today: datetime.date) -> str:
    if m.done_on:
        return "انجام شده"
    days = (m.due_on - today).days
    if days < 0:
        return f"گذشته ({persian.persian_digits(-days)} روز)"
    if days == 0:
        return "امروز"
    return f"{persian.persian_digits(days)} روز مانده"


def commitment_timetable(report: Report, scope: ReportScope, today: datetime.date) -> ReportContent:
    numbers = figures.dashboard_figures(scope.commitments, today)
    totals = timetable_totals(numbers)
    commitment_rows = []
    for f in totals["figures"]:
        c = f.commitment
        fc = f.forecast(today)
        commitment_rows.append(
            [
                ("— " * f.depth) + c.title,
                c.organization.name,
                c.get_status_display(),
                f.target,
                f.allocated if f.tranche_ids else None,
                f.realised,
                f.remaining,
                None if f.percent is None else round(f.percent, 1),
                c.signed_on,
                c.due_on,
                fc["projected"],
                fc["label"],
                fc["finish_on"],
            ]
        )
    milestones = scope.milestones.select_related("responsible", "commitment", "program").order_by("due_on", "id")
    milestone_rows = [
        [
            m.title,
            str(m.commitment or m.program or ""),
            m.responsible.name,
            m.get_report_kind_display() if m.report_kind else "",
            m.due_on,
            m.done_on,
            _milestone_state(m, today),
        ]
        for m in milestones
    ]
    months, programs = numbers["months"], numbers["programs"]
    chart_rows = [{"label": f.commitment.title, "target": f.target, "realised": f.realised} for f in totals["roots"]]
    return report_content(
        report,
        scope,
        today,
        facts=[
            Fact("commitments", "تعداد تعهدها و بخش‌ها", len(totals["figures"])),
            Fact("target", "هدف اشتغال تعهدها", totals["target"]),
            Fact("realised", "شغل محقق‌شده (تأییدشده)", totals["realised"]),
            Fact("remaining", "باقی‌مانده تا هدف", totals["remaining"]),
            Fact("percent", "درصد تحقق", totals["percent"], PERCENT),
            Fact("active_jobs", "شغل در کسب‌وکارهای فعال", numbers["active"]),
        ],
        sections=[
            Section(
                "هدف برنامه",
                intro="هدف برنامه شغل‌های تازه است؛ رقم پایه (شغل‌های ایجادشده پیش از سامانه) جدا آمده و از باقی‌مانده کم نمی‌شود.",
                tables=[
                    Table(
                        "برنامه",
                        "هدف برنامه",
                        [
                            Column("برنامه", TEXT, 40),
                            Column("هدف شغل تازه", INT),
                            Column("رقم پایه", INT),
                            Column("شغل تازه", INT),
                            Column("کل محقق", INT),
                            Column("باقی‌مانده", INT),
                            Column("درصد تحقق", PERCENT, 10),
                        ],
                        [
                            [
                                p["program"].name,
                                p["target"],
                                p["baseline"],
                                p["new"],
                                p["realised"],
                                p["remaining"],
                                None if p["percent"] is None else round(p["percent"], 1),
                            ]
                            for p in programs
                        ],
                    )
                ],
            ),
            Section(
                "تعهدها، بخش‌ها و پیش‌بینی با آهنگ فعلی",
                charts=[
                    charts.labelled_progress(totals["percent"], "از هدف اشتغال تعهدها محقق شده است"),
                    charts.target_vs_realised(chart_rows),
                ],
                tables=[
                    Table(
                        "تعهدها",
                        "تعهدها و بخش‌ها",
                        [
                            Column("تعهد", TEXT, 48),
                            Column("متعهد", TEXT, 22),
                            Column("وضعیت", TEXT, 12),
                            Column("هدف", INT),
                            Column("تخصیص به بخش‌ها", INT),
                            Column("محقق", INT),
                            Column("باقی‌مانده", INT),
                            Column("درصد تحقق", PERCENT, 10),
                            Column("تاریخ امضا", DATE, 12),
                            Column("مهلت تحقق", DATE, 12),
                            Column("پیش‌بینی تا مهلت", INT),
                            Column("ارزیابی", TEXT, 14),
                            Column("پایان با آهنگ فعلی", DATE, 12),
                        ],
                        commitment_rows,
                    )
                ],
            ),
            Section(
                "مهلت‌ها و نقاط عطف",
                tables=[
                    Table(
                        "مهلت‌ها",
                        "مهلت‌ها و نقاط عطف",
                        [
                            Column("عنوان", TEXT, 44),
                            Column("مربوط به", TEXT, 36),
                            Column("دستگاه مسئول", TEXT, 30),
                            Column("گزارش", TEXT, 22),
                            Column("مهلت", DATE, 12),
                            Column("تاریخ انجام", DATE, 12),
                            Column("وضعیت", TEXT, 16),
                        ],
                        milestone_rows,
                    )
                ],
            ),
            Section(
                "شغل محقق‌شده در دوازده ماه اخیر",
                charts=[charts.monthly_columns(months)],
                tables=[
                    Table(
                        "ماهانه",
                        "شغل محقق‌شده در هر ماه",
                        [Column("ماه", TEXT, 16), Column("شغل", INT)],
                        [[m["label"], m["jobs"]] for m in months],
                    )
                ],
            ),
        ],
    )
