"""The commitment timetable (جدول زمان‌بندی تعهد اشتغال): the programme's target, each
commitment and tranche with its forecast, the deadlines, and the jobs of the last twelve months."""

from __future__ import annotations

import datetime

from commitments.figures import public_status
from commitments.models import Commitment
from core import charts, glossary, persian
from programs import tiles

from .. import figures
from ..models import Report
from ..selectors import ReportScope
from .common import report_content
from .content import DATE, INT, PERCENT, TEXT, Column, Fact, ReportContent, Section, Table

# The deadlines table: each milestone, whom it binds and whether it is done.
MILESTONE_COLUMNS = [
    Column("عنوان", TEXT, 44),
    Column("مربوط به", TEXT, 36),
    Column("دستگاه مسئول", TEXT, 30),
    Column("گزارش", TEXT, 22),
    Column("مهلت", DATE, 12),
    Column("تاریخ انجام", DATE, 12),
    Column("وضعیت", TEXT, 16),
]


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
    ladder, total = numbers["figures"], numbers["programme_total"]
    commitment_rows = []
    for f in ladder:
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
                fc["finish_label"],
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
    roots = [f for f in ladder if f.depth == 0 and f.commitment.status != Commitment.Status.CANCELLED]
    chart_rows = [{"label": f.commitment.title, "target": f.target, "realised": f.realised} for f in roots]
    # The programme's target (the working group's 12,000) is the province's: a report
    # restricted to one reporter's commitments does not set a part against it.
    whole = not report.is_restricted
    facts = [
        Fact("new_jobs", glossary.label("new_jobs"), total["new_jobs"]),
        *(
            [
                Fact("new_jobs_target", glossary.label("new_jobs_target"), total["new_jobs_target"]),
                Fact("programme_percent", glossary.label("programme_percent"), total["programme_percent"], PERCENT),
                Fact("programme_remaining", glossary.label("programme_remaining"), total["programme_remaining"]),
            ]
            if whole
            else []
        ),
        Fact("pledged", glossary.label("pledged"), total["pledged"]),
        Fact("baseline_jobs", glossary.label("baseline_jobs"), total["baseline_jobs"]),
        Fact("still_active", glossary.label("still_active"), numbers["still_active"]),
        # Beside «هنوز فعال», what no check has reached yet: without it the jobs not
        # still active would read as closed.
        Fact("unchecked", glossary.label("unchecked"), numbers["unchecked"]),
        Fact("commitments", "تعداد تعهدها و بخش‌ها", len(ladder)),
    ]
    by_county = {r["label"]: r["jobs"] for r in numbers["by_county"]}
    content = report_content(
        report,
        scope,
        today,
        facts=facts,
        sections=[
            Section(
                "برنامه",
                intro=(
                    f"{glossary.label('programme_percent')} = {glossary.label('new_jobs')} ÷ "
                    f"{glossary.label('new_jobs_target')}. {glossary.definition('baseline_jobs')}"
                ),
                charts=[charts.labelled_progress(total["programme_percent"], glossary.label("programme_percent"))]
                if whole
                else [],
                tables=[
                    Table(
                        "برنامه",
                        "برنامه",
                        [
                            Column("برنامه", TEXT, 40),
                            Column(glossary.label("new_jobs_target"), INT),
                            Column(glossary.label("new_jobs"), INT),
                            Column(glossary.label("programme_percent"), PERCENT, 12),
                            Column(glossary.label("programme_remaining"), INT),
                            Column(glossary.label("pledged"), INT),
                            Column(glossary.label("baseline_jobs"), INT),
                        ],
                        [
                            [
                                p["program"].name,
                                p["new_jobs_target"] if whole else None,
                                p["new_jobs"],
                                p["programme_percent"] if whole else None,
                                p["programme_remaining"] if whole else None,
                                p["pledged"],
                                p["baseline_jobs"],
                            ]
                            for p in programs
                        ],
                    )
                ],
            ),
            Section(
                "تعهدها، بخش‌ها و پیش‌بینی با آهنگ فعلی",
                charts=[charts.target_vs_realised(chart_rows)],
                tables=[
                    Table(
                        "تعهدها",
                        "تعهدها و بخش‌ها",
                        [
                            Column("تعهد", TEXT, 48),
                            Column("متعهد", TEXT, 22),
                            Column("وضعیت", TEXT, 12),
                            Column(glossary.label("target"), INT),
                            Column(glossary.label("allocated"), INT),
                            Column(glossary.label("realised"), INT),
                            Column(glossary.label("remaining"), INT),
                            Column(glossary.label("commitment_percent"), PERCENT, 12),
                            Column("تاریخ امضا", DATE, 12),
                            Column("مهلت تحقق", DATE, 12),
                            Column("پیش‌بینی تا مهلت", INT),
                            Column("ارزیابی", TEXT, 14),
                            Column("پایان با آهنگ فعلی", TEXT, 24),
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
                        MILESTONE_COLUMNS,
                        milestone_rows,
                    )
                ],
            ),
            Section(
                f"{glossary.label('new_jobs')} به تفکیک شهرستان",
                charts=[charts.county_tiles(tiles.county_tiles(by_county), caption=glossary.label("new_jobs"))],
            ),
            Section(
                f"{glossary.label('new_jobs')} در دوازده ماه اخیر",
                charts=[charts.monthly_columns(months)],
                tables=[
                    Table(
                        "ماهانه",
                        f"{glossary.label('new_jobs')} در هر ماه",
                        [Column("ماه", TEXT, 16), Column("شغل", INT)],
                        [[m["label"], m["jobs"]] for m in months],
                    )
                ],
            ),
        ],
    )
    # What a final report freezes (services.snapshot_take): the figures printed above.
    content.snapshot = {
        "commitments": {
            str(f.commitment.pk): {
                "target": f.target,
                "realised": f.realised,
                "status": public_status(f, today),
            }
            for f in ladder
        },
        "by_county": by_county,
    }
    return content
