"""The registry figures the pathology report and the cohort page read."""

import pytest
from django.db import connection

from core.persian import make_jalali_date as J
from registry import figures as rs
from registry import survival as rsv
from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db


def business(commitment, started, checks=(), **kw):
    """A business with its checks; its status is the latest check's, as the service keeps it."""
    b = f.HomeBusinessFactory(commitment=commitment, started_on=started, **kw)
    for checked_on, status, reason in checks:
        f.ContinuityCheckFactory(business=b, checked_on=checked_on, status=status, reason=reason)
    if checks:
        b.status = max(checks, key=lambda c: c[0])[1]
        b.save(update_fields=["status"])
    return b


# ---------------------------------------------------------------- pathology


def test_status_counts_keep_the_never_checked_apart(commitment, django_assert_num_queries):
    # given a business no check has reached, and one checked active
    business(commitment, J(1404, 1, 10), jobs=2)
    business(commitment, J(1404, 1, 10), [(J(1404, 4, 15), "active", "")], jobs=3)

    with django_assert_num_queries(1):
        counts = rs.business_status_counts(HomeBusiness.objects.all())

    # then the never-checked one is «پایش‌نشده», not active
    assert counts == {"unchecked": {"count": 1, "jobs": 2}, "active": {"count": 1, "jobs": 3}}


def test_pathology_breakdown_by_county_counts_statuses_and_jobs(commitment, django_assert_num_queries):
    # given two counties with businesses in each status, one never checked
    kerman, bam = f.CountyFactory(name="کرمان"), f.CountyFactory(name="بم")
    f.HomeBusinessFactory(commitment=commitment, county=kerman, status="active", jobs=3)
    f.HomeBusinessFactory(commitment=commitment, county=kerman, status="active", jobs=2)
    f.HomeBusinessFactory(commitment=commitment, county=kerman, status="inactive", jobs=4)
    f.HomeBusinessFactory(commitment=commitment, county=kerman, jobs=6)  # never checked
    f.HomeBusinessFactory(commitment=commitment, county=bam, status="semi_closed", jobs=1)

    # when
    with django_assert_num_queries(1):
        rows = rs.pathology_breakdown(HomeBusiness.objects.all(), "county")

    # then the larger county comes first; its unchecked business is not active
    assert rows == [
        {
            "label": "کرمان",
            "active": 2,
            "semi_closed": 0,
            "inactive": 1,
            "unchecked": 1,
            "checked": 3,
            "total": 4,
            "jobs_active": 5,
            "jobs_total": 15,
        },
        {
            "label": "بم",
            "active": 0,
            "semi_closed": 1,
            "inactive": 0,
            "unchecked": 0,
            "checked": 1,
            "total": 1,
            "jobs_active": 0,
            "jobs_total": 1,
        },
    ]


def test_pathology_breakdown_by_commitment_keeps_only_the_given_businesses(commitment, other_commitment):
    f.HomeBusinessFactory(commitment=commitment, status="active", jobs=2)
    f.HomeBusinessFactory(commitment=other_commitment, status="inactive", jobs=7)

    rows = rs.pathology_breakdown(HomeBusiness.objects.filter(commitment=commitment), "commitment")

    assert rows == [
        {
            "label": "تفاهم‌نامه آزمایشی",
            "active": 1,
            "semi_closed": 0,
            "inactive": 0,
            "unchecked": 0,
            "checked": 1,
            "total": 1,
            "jobs_active": 2,
            "jobs_total": 2,
        }
    ]


def test_pathology_breakdown_by_sector_and_unknown_key():
    assert rs.pathology_breakdown(HomeBusiness.objects.all(), "sector") == []
    with pytest.raises(ValueError):
        rs.pathology_breakdown(HomeBusiness.objects.all(), "province")


def test_reason_counts_reads_the_latest_check_of_non_active_businesses(commitment, django_assert_num_queries):
    # given: one business closed for financing after an earlier marketing problem,
    # one half-closed for marketing, one that recovered (active now: not counted),
    # and one never checked (no reason to give: not counted either)
    business(
        commitment,
        J(1403, 1, 1),
        [(J(1403, 6, 1), "semi_closed", "marketing"), (J(1403, 9, 1), "inactive", "financing")],
    )
    business(commitment, J(1403, 1, 1), [(J(1403, 7, 1), "semi_closed", "marketing")])
    business(commitment, J(1403, 1, 1), [(J(1403, 2, 1), "inactive", "training"), (J(1403, 5, 1), "active", "")])
    business(commitment, J(1403, 1, 1))

    with django_assert_num_queries(1):
        rows = rs.reason_counts(HomeBusiness.objects.all())

    assert rows == [
        {"reason": "marketing", "label": "بازاریابی و فروش", "semi_closed": 1, "inactive": 0, "total": 1},
        {"reason": "financing", "label": "تأمین مالی", "semi_closed": 0, "inactive": 1, "total": 1},
        {"reason": "raw_materials", "label": "مواد اولیه", "semi_closed": 0, "inactive": 0, "total": 0},
        {"reason": "training", "label": "آموزش", "semi_closed": 0, "inactive": 0, "total": 0},
        {"reason": "other", "label": "سایر", "semi_closed": 0, "inactive": 0, "total": 0},
    ]


def test_reason_counts_names_non_active_businesses_without_a_check_unknown(commitment):
    f.HomeBusinessFactory(commitment=commitment, status="inactive")

    rows = rs.reason_counts(HomeBusiness.objects.all())

    assert rows[-1] == {"reason": "", "label": "نامشخص", "semi_closed": 0, "inactive": 1, "total": 1}


# ---------------------------------------------------------------- Jalali months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (J(1404, 1, 10), 3, J(1404, 4, 10)),
        (J(1404, 6, 31), 1, J(1404, 7, 30)),  # Mehr has 30 days
        (J(1403, 12, 30), 12, J(1404, 12, 29)),  # 1404 is not a leap year
        (J(1404, 10, 15), 6, J(1405, 4, 15)),  # over the new year
    ],
)
def test_add_jalali_months(start, months, expected):
    assert rsv.add_jalali_months(start, months) == expected


def test_latest_start_reaching_today():
    assert rsv._latest_start_reaching(1, J(1404, 7, 30)) == J(1404, 6, 31)
    assert rsv._latest_start_reaching(1, J(1404, 7, 29)) == J(1404, 6, 29)
    assert rsv._latest_start_reaching(3, J(1404, 10, 4)) == J(1404, 7, 4)


# ---------------------------------------------------------------- cohorts

TODAY = J(1404, 10, 15)


@pytest.fixture(params=["summaries", "portable", "postgresql"])
def survival_path(request, monkeypatch):
    """Each cohort test runs on every code path: the summaries (registry.summaries, what
    the pages read), and the two that read the businesses and checks (for conditions
    the summaries cannot say); the PostgreSQL one needs PostgreSQL
    (DATABASE_URL=postgres://…), and there the portable one is chosen by hand."""
    if request.param != "summaries":
        monkeypatch.setattr(rsv, "_survival_from_summaries", lambda *args: None)
    if request.param == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("the raw-SQL path runs only on PostgreSQL: run with DATABASE_URL=postgres://…")
    if request.param == "portable" and connection.vendor == "postgresql":
        monkeypatch.setattr(rsv, "_survival_groups_postgresql", rsv._survival_groups_portable)
    return request.param


def ts(active, eligible, unknown):
    return {
        "eligible": eligible,
        "active": active,
        "share": active / eligible if eligible else None,
        "unknown": unknown,
    }


@pytest.fixture
def cohorts(commitment, other_commitment):
    """Hand-made cases of the rule, by Jalali start month (today = 1404/10/15).

    Farvardin (start 1404/01/10; 3-month day 04/10, 6-month 07/10, 9-month 10/10,
    12-month 1405/01/10, still ahead):"""
    start = J(1404, 1, 10)
    business(commitment, start, reference_code="NEVER")  # never checked: unknown at 3 and 6
    business(commitment, start, [(J(1404, 4, 15), "active", "")], reference_code="ON-TIME")  # active at 3
    business(commitment, start, [(J(1404, 4, 20), "inactive", "financing")], reference_code="CLOSED")  # inactive at 3
    business(commitment, start, [(J(1404, 6, 5), "active", "")], reference_code="LATE")  # month 6: still active at 3
    business(commitment, start, [(J(1404, 7, 20), "active", "")], reference_code="MONTH-7")  # unknown at 3, active at 6
    business(commitment, start, [(J(1404, 3, 1), "active", "")], reference_code="EARLY")  # before 04/10 only: unknown
    # exactly on the 6-month day: outside the 3-month window (it ends before that day), first day of the 6-month one
    business(commitment, start, [(J(1404, 7, 10), "semi_closed", "marketing")], reference_code="EDGE")
    # two checks in the window: the first one tells the 3-month status, not the latest
    business(
        commitment,
        start,
        [(J(1404, 4, 10), "active", ""), (J(1404, 5, 1), "inactive", "financing")],
        reference_code="FIRST-WINS",
    )
    # Shahrivar: 31 Shahrivar + 3 months = 30 Azar (Azar has 30 days); 6 months (29 Esfand) ahead
    business(commitment, J(1404, 6, 31), [(J(1404, 9, 30), "active", "")], reference_code="CLAMPED")
    business(commitment, J(1404, 6, 31), [(J(1404, 9, 29), "active", "")], reference_code="A-DAY-EARLY")
    # Mehr: the 3-month day of 07/15 is today (counted, unchecked); of 07/16 tomorrow (not counted)
    business(commitment, J(1404, 7, 15), reference_code="DUE-TODAY")
    business(commitment, J(1404, 7, 16), reference_code="DUE-TOMORROW")
    # another commitment's business, outside the queryset under test
    business(other_commitment, start, [(J(1404, 4, 15), "inactive", "other")])
    return HomeBusiness.objects.filter(commitment=commitment)


def test_cohort_survival_follows_the_written_rule(cohorts, survival_path, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = rsv.cohort_survival(cohorts, today=TODAY)

    assert [(r["label"], r["started"]) for r in rows] == [
        ("فروردین ۱۴۰۴", 8),
        ("اردیبهشت ۱۴۰۴", 0),
        ("خرداد ۱۴۰۴", 0),
        ("تیر ۱۴۰۴", 0),
        ("مرداد ۱۴۰۴", 0),
        ("شهریور ۱۴۰۴", 2),
        ("مهر ۱۴۰۴", 2),
    ]
    farvardin, shahrivar, mehr = rows[0], rows[5], rows[6]
    assert (farvardin["year"], farvardin["month"]) == (1404, 1)
    assert farvardin["survival"] == {
        3: ts(active=3, eligible=4, unknown=4),  # ON-TIME, LATE, FIRST-WINS active; CLOSED inactive
        6: ts(active=1, eligible=2, unknown=6),  # MONTH-7 active; EDGE semi-closed
        12: ts(active=0, eligible=0, unknown=0),  # 1405/01/10 is ahead
    }
    assert shahrivar["survival"] == {
        3: ts(active=1, eligible=1, unknown=1),
        6: ts(active=0, eligible=0, unknown=0),
        12: ts(active=0, eligible=0, unknown=0),
    }
    assert mehr["survival"][3] == ts(active=0, eligible=0, unknown=1)
    assert rows[1]["survival"][3] == ts(active=0, eligible=0, unknown=0)


def test_cohort_survival_a_day_later_counts_the_later_horizon(cohorts, survival_path):
    rows = rsv.cohort_survival(cohorts, months=(3,), today=J(1404, 10, 16))

    assert rows[6]["survival"][3] == ts(active=0, eligible=0, unknown=2)


def test_survival_overall_sums_the_cohorts(cohorts, survival_path):
    totals = rsv.survival_overall(cohorts, months=(3, 6, 12), today=TODAY)

    assert totals == {
        3: {"eligible": 5, "active": 4, "share": 0.8, "unknown": 6},
        6: {"eligible": 2, "active": 1, "share": 0.5, "unknown": 6},
        12: {"eligible": 0, "active": 0, "share": None, "unknown": 0},
    }


def test_the_rule_is_one_persian_text_with_its_window():
    assert rsv.WINDOW_MONTHS == 3
    assert "نخستین پایش" in rsv.SURVIVAL_RULE and "«پایش‌نشده»" in rsv.SURVIVAL_RULE
    assert "فعال ÷ پایش‌شده" in rsv.SURVIVAL_RULE


def test_cohort_survival_of_nothing():
    assert rsv.cohort_survival(HomeBusiness.objects.none()) == []
    assert rsv.survival_overall(HomeBusiness.objects.none()) == {
        6: {"eligible": 0, "active": 0, "share": None, "unknown": 0},
        12: {"eligible": 0, "active": 0, "share": None, "unknown": 0},
    }


# ---------------------------------------------------------------- one owner, counted once

OWNER = "0012345679"


@pytest.fixture
def one_owner_twice(commitment, other_commitment):
    """The same person under two banks' commitments: first under `commitment` (active),
    later under `other_commitment` (closed for financing); plus a business without a code."""
    first = business(
        commitment,
        J(1403, 1, 10),
        [(J(1403, 4, 5), "active", ""), (J(1403, 6, 15), "active", "")],
        owner_national_code=OWNER,
        jobs=2,
    )
    later = business(
        other_commitment,
        J(1403, 3, 1),
        [(J(1403, 5, 20), "inactive", "financing")],
        owner_national_code="۰۰۱۲۳۴۵۶۷۹",
        jobs=3,
    )
    plain = business(other_commitment, J(1403, 3, 1), [(J(1403, 6, 20), "active", "")], jobs=1)
    return first, later, plain


def test_status_counts_count_an_owner_once(one_owner_twice):
    counts = rs.business_status_counts(HomeBusiness.objects.all())

    # the later, inactive business of the same owner is «تکراری» and left out
    assert counts == {"active": {"count": 2, "jobs": 3}}


def test_pathology_breakdown_counts_an_owner_once(one_owner_twice, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = rs.pathology_breakdown(HomeBusiness.objects.all(), "commitment")

    assert [(r["label"], r["active"], r["inactive"], r["total"], r["jobs_total"]) for r in rows] == [
        ("تعهد دیگر", 1, 0, 1, 1),
        ("تفاهم‌نامه آزمایشی", 1, 0, 1, 2),
    ]


def test_reason_counts_leave_out_the_duplicate(one_owner_twice):
    rows = rs.reason_counts(HomeBusiness.objects.all())

    assert sum(r["total"] for r in rows) == 0


def test_cohort_survival_counts_an_owner_once(one_owner_twice, survival_path, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows = rsv.cohort_survival(HomeBusiness.objects.all(), months=(3,), today=J(1404, 1, 1))

    assert [(r["label"], r["started"], r["survival"][3]) for r in rows] == [
        ("فروردین ۱۴۰۳", 1, {"eligible": 1, "active": 1, "share": 1.0, "unknown": 0}),
        ("اردیبهشت ۱۴۰۳", 0, {"eligible": 0, "active": 0, "share": None, "unknown": 0}),
        # the inactive duplicate started in Khordad too: only the business without a code counts
        ("خرداد ۱۴۰۳", 1, {"eligible": 1, "active": 1, "share": 1.0, "unknown": 0}),
    ]


def test_the_other_commitment_alone_leaves_out_an_owner_counted_elsewhere(one_owner_twice, other_commitment):
    theirs = HomeBusiness.objects.filter(commitment=other_commitment)

    assert rs.business_status_counts(theirs) == {"active": {"count": 1, "jobs": 1}}
    assert [r["started"] for r in rsv.cohort_survival(theirs, months=(3,), today=J(1404, 1, 1))] == [1]
