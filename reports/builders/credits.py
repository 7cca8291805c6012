"""The credits report: credit committed and paid per commitment, county and organisation."""

from __future__ import annotations

import datetime

from core import charts, glossary

from .. import figures
from ..models import Report
from ..selectors import ReportScope
from .common import percent_of, report_content
from .content import INT, MONEY, PERCENT, TEXT, Column, Fact, ReportContent, Section, Table

# Each commitment's credit beside its jobs.
COMMITMENT_CREDIT_COLUMNS = [
    Column("تعهد", TEXT, 48),
    Column("متعهد", TEXT, 22),
    Column("اعتبار تعهدشده (ریال)", MONEY, 20),
    Column("پرداخت‌شده (ریال)", MONEY, 20),
    Column("سهم پرداخت", PERCENT, 10),
    # The jobs beside the credit in the glossary's words: a commitment's
    # «تحقق‌یافته»; by county and organisation the dashboard's «شغل تازه».
    Column(glossary.label("realised"), INT),
]


def credits_totals(numbers: dict) -> dict:
    items = numbers["figures"]
    roots = [f for f in items if f.depth == 0]
    committed = sum(f.commitment.credit_amount for f in roots)
    paid = sum(f.credit_paid for f in roots)
    return {"figures": items, "committed": committed, "paid": paid, "percent": percent_of(paid, committed)}


def credits(report: Report, scope: ReportScope, today: datetime.date) -> ReportContent:
    numbers = figures.dashboard_figures(scope.commitments, today)
    totals = credits_totals(numbers)
    by_county, by_org = numbers["by_county"], numbers["by_org"]
    return report_content(
        report,
        scope,
        today,
        facts=[
            Fact("committed", "اعتبار تعهدشده (ریال)", totals["committed"], MONEY),
            Fact("paid", "اعتبار پرداخت‌شده (ریال)", totals["paid"], MONEY),
            Fact("percent", "سهم پرداخت‌شده", totals["percent"], PERCENT),
        ],
        sections=[
            Section(
                "اعتبار هر تعهد",
                tables=[
                    Table(
                        "تعهدها",
                        "اعتبار تعهدشده و پرداخت‌شده هر تعهد",
                        COMMITMENT_CREDIT_COLUMNS,
                        [
                            [
                                ("— " * f.depth) + f.commitment.title,
                                f.commitment.organization.name,
                                f.commitment.credit_amount,
                                f.credit_paid,
                                percent_of(f.credit_paid, f.commitment.credit_amount),
                                f.realised,
                            ]
                            for f in totals["figures"]
                        ],
                    )
                ],
            ),
            Section(
                "اعتبار پرداخت‌شده به تفکیک شهرستان",
                charts=[
                    charts.horizontal_bars(
                        [{"label": r["label"], "value": r["credit"]} for r in by_county], unit="ریال"
                    )
                ],
                tables=[
                    Table(
                        "شهرستان",
                        "به تفکیک شهرستان",
                        [
                            Column("شهرستان", TEXT, 18),
                            Column("پرداخت‌شده (ریال)", MONEY, 20),
                            Column(glossary.label("new_jobs"), INT),
                        ],
                        [[r["label"], r["credit"], r["jobs"]] for r in by_county],
                    ),
                    Table(
                        "متعهد",
                        "به تفکیک متعهد",
                        [
                            Column("متعهد", TEXT, 30),
                            Column("پرداخت‌شده (ریال)", MONEY, 20),
                            Column(glossary.label("new_jobs"), INT),
                        ],
                        [[r["label"], r["credit"], r["jobs"]] for r in by_org],
                    ),
                ],
            ),
        ],
    )
