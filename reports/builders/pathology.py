"""The pathology report (آسیب‌شناسی): which businesses continue, which are half-closed or
inactive and why, how many are still active 6 and 12 months after starting, and the
registry listing (Excel only)."""

from __future__ import annotations

import datetime

from core import charts, glossary, persian
from registry import figures as registry
from registry import survival as registry_survival
from registry.models import ContinuityCheck, HomeBusiness

from ..models import Report
from ..selectors import ReportScope
from .common import percent_of, report_content
from .content import DATE, INT, MONEY, PERCENT, TEXT, Column, Fact, ReportContent, Section, Table

# The registry listing (Excel only): one row per business, its latest check's reason and date.
REGISTRY_COLUMNS = [
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
]


def _share_percent(share: float | None) -> float | None:
    return None if share is None else round(100.0 * share, 1)


def pathology_totals(scope: ReportScope, cohorts: list[dict]) -> dict:
    """The headline numbers; `cohorts` is cohort_survival for 6 and 12 months, which the
    report also charts (at province scale it takes seconds, so it is computed once)."""
    counts = registry.business_status_counts(scope.businesses)

    def n(status, key="count"):
        return counts.get(status, {}).get(key, 0)

    total = sum(v["count"] for v in counts.values())
    survival = registry_survival.survival_totals(cohorts, months=(6, 12))
    return {
        "total": total,
        "active": n("active"),
        "semi_closed": n("semi_closed"),
        "inactive": n("inactive"),
        "unchecked": n("unchecked"),
        "jobs_active": registry.still_active_jobs(counts),
        "jobs_total": sum(v["jobs"] for v in counts.values()),
        "survival": survival,
    }


BREAKDOWN_COLUMNS = [
    Column(glossary.label("active"), INT, 10),
    Column(glossary.label("semi_closed"), INT, 10),
    Column(glossary.label("inactive"), INT, 10),
    Column(glossary.label("unchecked"), INT, 10),
    Column("کل", INT, 10),
    Column("سهم فعال از پایش‌شده", PERCENT, 10),
    Column(glossary.label("still_active"), INT, 10),
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
                percent_of(r["active"], r["checked"]),
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
    The latest check's reason and day come from the registry's summary row of each
    business (registry.summaries), one join instead of two subqueries per business.
    """

    def __init__(self, businesses):
        self.businesses = businesses

    def __iter__(self):
        qs = self.businesses.order_by("reference_code").values_list(
            "reference_code",
            "commitment__title",
            "county__name",
            "sector__name",
            "started_on",
            "jobs",
            "loan_amount",
            "status",
            "figure__reason",
            "figure__last_checked",
        )
        statuses = dict(HomeBusiness.Status.choices)
        reasons = dict(ContinuityCheck.Reason.choices)
        for code, title, county, sector, started, jobs, loan, status, reason, checked in qs.iterator(chunk_size=5000):
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


# Beyond this many businesses the listing is left to the registry's own Excel export:
# XlsxWriter writes about 5,000 rows a second here, so a province's million rows would
# take minutes, against the report's 30 seconds. Never a partial list: all or a note.
REGISTRY_LISTING_LIMIT = 20_000


def _registry_listing(businesses) -> Table:
    listed = registry.business_count(businesses)
    if listed <= REGISTRY_LISTING_LIMIT:
        return Table("کسب‌وکارها", "فهرست کسب‌وکارها", REGISTRY_COLUMNS, _RegistryRows(businesses), in_pdf=False)
    note = (
        f"فهرست {persian.format_number(listed)} کسب‌وکار بیش از "
        f"{persian.format_number(REGISTRY_LISTING_LIMIT)} ردیف است و در این گزارش نمی‌آید؛ "
        "فهرست کامل را از «خروجی Excel» صفحهٔ فهرست کسب‌وکارها بگیرید."
    )
    return Table("کسب‌وکارها", "فهرست کسب‌وکارها", [Column("یادداشت", TEXT, 100)], [[note]], in_pdf=False)


def pathology(report: Report, scope: ReportScope, today: datetime.date) -> ReportContent:
    cohorts = registry_survival.cohort_survival(scope.businesses, months=(6, 12), today=today)
    totals = pathology_totals(scope, cohorts)
    by_county = registry.pathology_breakdown(scope.businesses, by="county")
    by_sector = registry.pathology_breakdown(scope.businesses, by="sector")
    by_commitment = registry.pathology_breakdown(scope.businesses, by="commitment")
    reasons = registry.reason_counts(scope.businesses)
    survival = totals["survival"]
    started_cohorts = [r for r in cohorts if r["started"]]
    return report_content(
        report,
        scope,
        today,
        facts=[
            Fact("total", "کسب‌وکارهای ثبت‌شده", totals["total"]),
            Fact("active", glossary.label("active"), totals["active"]),
            Fact("semi_closed", glossary.label("semi_closed"), totals["semi_closed"]),
            Fact("inactive", glossary.label("inactive"), totals["inactive"]),
            Fact("unchecked", glossary.label("unchecked"), totals["unchecked"]),
            Fact("still_active", glossary.label("still_active"), totals["jobs_active"]),
            Fact("registered_jobs", glossary.label("registered_jobs"), totals["jobs_total"]),
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
                "بقا: سهم فعال ۶ و ۱۲ ماه پس از شروع",
                intro=registry_survival.SURVIVAL_RULE,
                charts=[charts.survival_columns(started_cohorts, months=(6, 12))],
                tables=[
                    Table(
                        "بقا",
                        "بقای همهٔ کسب‌وکارها",
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
                        "بقا به تفکیک ماه شروع",
                        "بقا به تفکیک ماه شروع",
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
            Section("فهرست کسب‌وکارها", tables=[_registry_listing(scope.businesses)]),
        ],
    )
