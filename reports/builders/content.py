"""The figures of each report kind, gathered once from the shared selectors."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Subquery
from django.utils.safestring import SafeString

from commitments.models import Commitment
from core import charts, persian
from registry import figures as registry
from registry.models import ContinuityCheck, HomeBusiness
from registry.selectors import latest_check_subquery

from .. import figures
from ..models import Report
from ..selectors import ReportScope, report_scope

TEXT, INT, MONEY, PERCENT, DATE = "text", "int", "money", "percent", "date"


@dataclass
class Column:
    label: str
    kind: str = TEXT  # text | int | money (rials) | percent (0–100) | date (Gregorian date, shown Jalali)
    width: int = 14  # Excel column width in characters


@dataclass
class Table:
    sheet: str  # Excel sheet name: ≤ 31 characters, unique in the report
    title: str
    columns: list[Column]
    rows: Iterable[list]  # a list, or re-iterable rows streamed from the database
    in_pdf: bool = True  # the registry listing is too long for paper; Excel only
    note: str = ""


@dataclass
class Fact:
    key: str
    label: str
    value: object
    kind: str = INT


@dataclass
class Section:
    title: str
    charts: list[SafeString] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    intro: str = ""


@dataclass
class ReportContent:
    kind: str
    title: str
    scope_label: str
    today: datetime.date
    due_on: datetime.date | None
    is_draft: bool
    facts: list[Fact]
    sections: list[Section]

    def fact(self, key: str) -> Fact:
        return next(f for f in self.facts if f.key == key)

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]


def _percent(part, whole) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def _share_percent(share: float | None) -> float | None:
    return None if share is None else round(100.0 * share, 1)


# ---------------------------------------------------------------- commitment timetable


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
        "percent": _percent(min(realised, target), target),
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
    return ReportContent(
        kind=report.kind,
        title=Report.Kind(report.kind).label,
        scope_label=scope.label,
        today=today,
        due_on=report.due_on,
        is_draft=report.is_draft,
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


# ---------------------------------------------------------------- pathology


def pathology_totals(scope: ReportScope, cohorts: list[dict]) -> dict:
    """The headline numbers; `cohorts` is cohort_survival for 6 and 12 months, which the
    report also charts (at province scale it takes seconds, so it is computed once)."""
    counts = registry.business_status_counts(scope.businesses)

    def n(status, key="count"):
        return counts.get(status, {}).get(key, 0)

    total = sum(v["count"] for v in counts.values())
    survival = registry.survival_totals(cohorts, months=(6, 12))
    return {
        "total": total,
        "active": n("active"),
        "semi_closed": n("semi_closed"),
        "inactive": n("inactive"),
        "unchecked": n("unchecked"),
        "jobs_active": n("active", "jobs"),
        "jobs_total": sum(v["jobs"] for v in counts.values()),
        "survival": survival,
    }


BREAKDOWN_COLUMNS = [
    Column("فعال", INT, 10),
    Column("نیمه‌تعطیل", INT, 10),
    Column("غیرفعال", INT, 10),
    Column("پایش‌نشده", INT, 10),
    Column("کل", INT, 10),
    Column("سهم فعال از پایش‌شده", PERCENT, 10),
    Column("شغل فعال", INT, 10),
    Column("کل شغل", INT, 10),
]


def _breakdown_table(sheet: str, title: str, first: str, rows: list[dict]) -> Table:
    return Table(
        sheet,
        title,
        [Column(first, TEXT, 36), *BREAKDOWN_COLUMNS],
        [
            [
                r["label"],
                r["active"],
                r["semi_closed"],
                r["inactive"],
                r["unchecked"],
                r["total"],
                _percent(r["active"], r["checked"]),
                r["jobs_active"],
                r["jobs_total"],
            ]
            for r in rows
        ],
    )


class _RegistryRows:
    """The registry listing, streamed from the database each time it is read.

    At province scale it is a million rows: held as a list it alone took most of a
    gigabyte, so the Excel writer reads it row by row instead (it is not in the PDF).
    """

    def __init__(self, businesses):
        self.businesses = businesses

    def __iter__(self):
        # The reason of each business's latest check, in the same query as the businesses.
        latest = latest_check_subquery()
        qs = (
            self.businesses.order_by("reference_code")
            .annotate(
                last_reason=Subquery(latest.values("reason")[:1]),
                last_checked=Subquery(latest.values("checked_on")[:1]),
            )
            .values_list(
                "reference_code",
                "commitment__title",
                "county__name",
                "sector__name",
                "started_on",
                "jobs",
                "loan_amount",
                "status",
                "last_reason",
                "last_checked",
            )
        )
        statuses = dict(HomeBusiness.Status.choices)
        reasons = dict(ContinuityCheck.Reason.choices)
        for code, title, county, sector, started, jobs, loan, status, reason, checked in qs.iterator(chunk_size=2000):
            yield [
                code,
                title,
                county,
                sector,
                started,
                jobs,
                loan,
                statuses.get(status, status),
                reasons.get(reason or "", ""),
                checked,
            ]


def pathology(report: Report, scope: ReportScope, today: datetime.date) -> ReportContent:
    cohorts = registry.cohort_survival(scope.businesses, months=(6, 12), today=today)
    totals = pathology_totals(scope, cohorts)
    by_county = registry.pathology_breakdown(scope.businesses, by="county")
    by_sector = registry.pathology_breakdown(scope.businesses, by="sector")
    by_commitment = registry.pathology_breakdown(scope.businesses, by="commitment")
    reasons = registry.reason_counts(scope.businesses)
    survival = totals["survival"]
    started_cohorts = [r for r in cohorts if r["started"]]
    return ReportContent(
        kind=report.kind,
        title=Report.Kind(report.kind).label,
        scope_label=scope.label,
        today=today,
        due_on=report.due_on,
        is_draft=report.is_draft,
        facts=[
            Fact("total", "کسب‌وکارهای ثبت‌شده", totals["total"]),
            Fact("active", "فعال", totals["active"]),
            Fact("semi_closed", "نیمه‌تعطیل", totals["semi_closed"]),
            Fact("inactive", "غیرفعال", totals["inactive"]),
            Fact("unchecked", "پایش‌نشده", totals["unchecked"]),
            Fact("jobs_active", "شغل در کسب‌وکارهای فعال", totals["jobs_active"]),
            Fact("survival_6", "سهم فعال ۶ ماه پس از شروع", _share_percent(survival[6]["share"]), PERCENT),
            Fact("survival_12", "سهم فعال ۱۲ ماه پس از شروع", _share_percent(survival[12]["share"]), PERCENT),
        ],
        sections=[
            Section(
                "وضعیت کسب‌وکارها به تفکیک شهرستان",
                charts=[
                    charts.horizontal_bars(
                        [{"label": r["label"], "value": r["active"]} for r in by_county], unit="فعال"
                    )
                ],
                tables=[_breakdown_table("شهرستان", "به تفکیک شهرستان", "شهرستان", by_county)],
            ),
            Section(
                "به تفکیک رسته و تعهد",
                tables=[
                    _breakdown_table("رسته", "به تفکیک رسته", "رسته", by_sector),
                    _breakdown_table("تعهد", "به تفکیک تعهد", "تعهد", by_commitment),
                ],
            ),
            Section(
                "دلایل تعطیلی و نیمه‌تعطیلی",
                intro="دلیل آخرین پایش هر کسب‌وکار نیمه‌تعطیل یا غیرفعال.",
                charts=[
                    charts.horizontal_bars(
                        [{"label": r["label"], "value": r["total"]} for r in reasons], unit="کسب‌وکار"
                    )
                ],
                tables=[
                    Table(
                        "دلایل",
                        "دلایل",
                        [Column("دلیل", TEXT, 24), Column("نیمه‌تعطیل", INT), Column("غیرفعال", INT), Column("کل", INT)],
                        [[r["label"], r["semi_closed"], r["inactive"], r["total"]] for r in reasons],
                    )
                ],
            ),
            Section(
                "ماندگاری: سهم فعال ۶ و ۱۲ ماه پس از شروع",
                intro=registry.SURVIVAL_RULE,
                charts=[charts.survival_columns(started_cohorts, months=(6, 12))],
                tables=[
                    Table(
                        "ماندگاری",
                        "ماندگاری کل",
                        [
                            Column("پس از", TEXT, 12),
                            Column("پایش‌شده", INT),
                            Column("فعال", INT),
                            Column("سهم فعال", PERCENT),
                            Column("پایش‌نشده", INT),
                        ],
                        [
                            [
                                f"{persian.persian_digits(n)} ماه",
                                survival[n]["eligible"],
                                survival[n]["active"],
                                _share_percent(survival[n]["share"]),
                                survival[n]["unknown"],
                            ]
                            for n in (6, 12)
                        ],
                    ),
                    Table(
                        "ماندگاری ماهانه",
                        "ماندگاری به تفکیک ماه شروع",
                        [
                            Column("ماه شروع", TEXT, 16),
                            Column("شروع‌شده", INT),
                            Column("پایش‌شده ۶ ماه", INT),
                            Column("سهم فعال ۶ ماه", PERCENT),
                            Column("پایش‌شده ۱۲ ماه", INT),
                            Column("سهم فعال ۱۲ ماه", PERCENT),
                        ],
                        [
                            [
                                r["label"],
                                r["started"],
                                r["survival"][6]["eligible"],
                                _share_percent(r["survival"][6]["share"]),
                                r["survival"][12]["eligible"],
                                _share_percent(r["survival"][12]["share"]),
                            ]
                            for r in started_cohorts
                        ],
                    ),
                ],
            ),
            Section(
                "فهرست کسب‌وکارها",
                tables=[
                    Table(
                        "کسب‌وکارها",
                        "فهرست کسب‌وکارها",
                        [
                            Column("کد پیگیری", TEXT, 18),
                            Column("تعهد", TEXT, 40),
                            Column("شهرستان", TEXT, 14),
                            Column("رسته", TEXT, 18),
                            Column("تاریخ شروع", DATE, 12),
                            Column("شغل", INT, 8),
                            Column("تسهیلات (ریال)", MONEY, 16),
                            Column("وضعیت", TEXT, 12),
                            Column("دلیل آخرین پایش", TEXT, 16),
                            Column("آخرین پایش", DATE, 12),
                        ],
                        _RegistryRows(scope.businesses),
                        in_pdf=False,
                    )
                ],
            ),
        ],
    )


# ---------------------------------------------------------------- credits


def credits_totals(numbers: dict) -> dict:
    items = numbers["figures"]
    roots = [f for f in items if f.depth == 0]
    committed = sum(f.commitment.credit_amount for f in roots)
    paid = sum(f.credit_paid for f in roots)
    return {"figures": items, "committed": committed, "paid": paid, "percent": _percent(paid, committed)}


def credits(report: Report, scope: ReportScope, today: datetime.date) -> ReportContent:
    numbers = figures.dashboard_figures(scope.commitments, today)
    totals = credits_totals(numbers)
    by_county, by_org = numbers["by_county"], numbers["by_org"]
    return ReportContent(
        kind=report.kind,
        title=Report.Kind(report.kind).label,
        scope_label=scope.label,
        today=today,
        due_on=report.due_on,
        is_draft=report.is_draft,
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
                        [
                            Column("تعهد", TEXT, 48),
                            Column("متعهد", TEXT, 22),
                            Column("اعتبار تعهدشده (ریال)", MONEY, 20),
                            Column("پرداخت‌شده (ریال)", MONEY, 20),
                            Column("سهم پرداخت", PERCENT, 10),
                            Column("شغل محقق", INT),
                        ],
                        [
                            [
                                ("— " * f.depth) + f.commitment.title,
                                f.commitment.organization.name,
                                f.commitment.credit_amount,
                                f.credit_paid,
                                _percent(f.credit_paid, f.commitment.credit_amount),
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
                        [Column("شهرستان", TEXT, 18), Column("پرداخت‌شده (ریال)", MONEY, 20), Column("شغل محقق", INT)],
                        [[r["label"], r["credit"], r["jobs"]] for r in by_county],
                    ),
                    Table(
                        "متعهد",
                        "به تفکیک متعهد",
                        [Column("متعهد", TEXT, 30), Column("پرداخت‌شده (ریال)", MONEY, 20), Column("شغل محقق", INT)],
                        [[r["label"], r["credit"], r["jobs"]] for r in by_org],
                    ),
                ],
            ),
        ],
    )


BUILDERS = {
    Report.Kind.COMMITMENT_TIMETABLE: commitment_timetable,
    Report.Kind.PATHOLOGY: pathology,
    Report.Kind.CREDITS: credits,
}


def build_content(report: Report, today: datetime.date | None = None) -> ReportContent:
    today = today or persian.local_today()
    return BUILDERS[report.kind](report, report_scope(report), today)
