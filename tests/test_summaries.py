"""The summary tables equal their recomputation after any mix of writes, through every
path that writes: the services as the pages call them, the admin through its pages, the
import, the partner API's batch, verification and reopening, deletions. And the figures read from the summaries
equal the same figures computed from the businesses and checks."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Subquery
from django.urls import reverse

from commitments import services as commitment_services
from commitments import summaries as commitment_summaries
from commitments.models import ProgressEntry, VerifiedJobsSummary
from core import persian
from registry import figures as rs
from registry import imports
from registry import services as registry_services
from registry import summaries as registry_summaries
from registry import survival as registry_survival
from registry.models import BusinessFigure, BusinessStatusSummary, ContinuityCheck, HomeBusiness
from registry.selectors import (
    businesses_visible_to,
    businesses_without_recent_check,
    latest_check_subquery,
    worklist_businesses,
    worklist_count,
)
from reports import figures as report_figures
from tests import factories as f

pytestmark = pytest.mark.django_db

CODES = ["", "", "0012345679", "2987654324"]  # most owners give none; two owners recur
REASONS = [r for r, _ in ContinuityCheck.Reason.choices]
TODAY = datetime.date(2026, 1, 20)


def jalali_text(day: datetime.date) -> str:
    return persian.format_jalali(day, digits="ascii")


def assert_summaries_equal_recomputation():
    assert commitment_summaries.differences() == []
    assert registry_summaries.differences() == []


class World:
    """The cast and a random hand that picks the next write."""

    def __init__(self, rng, *, staff, official, admin_client, commitments, counties, sectors):
        self.rng = rng
        self.staff, self.official, self.admin = staff, official, admin_client
        self.commitments, self.counties, self.sectors = commitments, counties, sectors
        self.n = 0

    def day(self, after=datetime.date(2023, 3, 21)) -> datetime.date:
        return after + datetime.timedelta(days=self.rng.randrange(max((TODAY - after).days, 1)))

    def business(self):
        ids = list(HomeBusiness.objects.values_list("pk", flat=True))
        return HomeBusiness.objects.get(pk=self.rng.choice(ids)) if ids else None

    # ------------------------------------------------ the site's services

    def create_business(self):
        self.n += 1
        registry_services.business_create(
            actor=self.staff,
            commitment=self.rng.choice(self.commitments),
            reference_code=f"RND-{self.n}",
            county=self.rng.choice(self.counties),
            sector=self.rng.choice(self.sectors),
            started_on=self.day(),
            jobs=self.rng.randint(1, 4),
            owner_national_code=self.rng.choice(CODES),
        )

    def check_business(self):
        business = self.business()
        if business is None:
            return
        status = self.rng.choice(ContinuityCheck.Status.values)
        registry_services.continuity_check_create(
            actor=self.staff,
            business=business,
            checked_on=min(self.day(after=business.started_on), persian.local_today()),
            status=status,
            reason="" if status == "active" else self.rng.choice(REASONS),
        )

    def enter_and_review(self):
        entry = commitment_services.progress_entry_create(
            actor=self.staff,
            commitment=self.rng.choice(self.commitments),
            period_end=self.day(),
            jobs_created=self.rng.randint(1, 30),
            county=self.rng.choice([None, *self.counties]),
            sector=self.rng.choice([None, *self.sectors]),
            credit_paid=self.rng.randrange(0, 10) * 1_000_000,
        )
        verdict = self.rng.choice(["verify", "verify", "reject", "leave"])
        if verdict == "verify":
            entry = commitment_services.progress_entry_verify(actor=self.official, entry=entry)
        elif verdict == "reject":
            commitment_services.progress_entry_reject(actor=self.official, entry=entry, reason="نادرست")

    def reopen(self):
        verified = list(ProgressEntry.objects.filter(status="verified", is_baseline=False))
        if verified:
            entry = self.rng.choice(verified)
            commitment_services.progress_entry_reopen(
                actor=self.official, entry=entry, reason="بازبینی دوباره", version=entry.version
            )

    def import_file(self):
        rows = ["کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع,تعداد شغل,مبلغ تسهیلات (ریال)"]
        for _ in range(self.rng.randint(1, 4)):
            self.n += 1
            rows.append(
                ",".join(
                    [
                        f"IMP-{self.n}",
                        self.rng.choice(self.commitments).title,
                        self.rng.choice(self.counties).name,
                        self.rng.choice(self.sectors).name,
                        jalali_text(self.day()),
                        str(self.rng.randint(1, 3)),
                        "0",
                    ]
                )
            )
        result = imports.import_businesses(actor=self.staff, upload=io.BytesIO("\n".join(rows).encode()))
        assert result.created == len(rows) - 1, [e.message for e in result.errors]

    def api_batch(self):
        # The partner API's batch (POST /api/v1/businesses/) with the committing
        # organisation's token, over HTTP as a bank's system sends it.
        from django.test import Client

        from api.services import api_token_create

        commitment = self.rng.choice(self.commitments)
        token = api_token_create(actor=None, organization=commitment.organization).raw
        items = []
        for _ in range(self.rng.randint(1, 3)):
            self.n += 1
            items.append(
                {
                    "reference_code": f"API-{self.n}",
                    "commitment": commitment.pk,
                    "county": self.rng.choice(self.counties).pk,
                    "sector": self.rng.choice(self.sectors).pk,
                    "started_on": jalali_text(self.day()),
                    "jobs": self.rng.randint(1, 3),
                }
            )
        answer = Client().post(
            "/api/v1/businesses/",
            {"businesses": items},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert answer.status_code == 201, answer.content.decode()[:500]

    # ------------------------------------------------ the admin's pages

    def admin_change_business(self):
        business = self.business()
        if business is None:
            return
        data = {
            "commitment": self.rng.choice(self.commitments).pk,
            "reference_code": business.reference_code,
            "county": self.rng.choice(self.counties).pk,
            "sector": self.rng.choice(self.sectors).pk,
            "started_on": jalali_text(self.day()),
            "jobs": str(self.rng.randint(1, 5)),
            "loan_amount": "0",
            "status": self.rng.choice(HomeBusiness.Status.values),
            "owner_national_code": self.rng.choice(CODES),
            "checks-TOTAL_FORMS": "0",
            "checks-INITIAL_FORMS": "0",
            "checks-MIN_NUM_FORMS": "0",
            "checks-MAX_NUM_FORMS": "1000",
        }
        response = self.admin.post(reverse("admin:registry_homebusiness_change", args=[business.pk]), data)
        assert response.status_code == 302, response.content.decode()[:1000]

    def admin_add_check(self):
        business = self.business()
        if business is None:
            return
        status = self.rng.choice(ContinuityCheck.Status.values)
        response = self.admin.post(
            reverse("admin:registry_continuitycheck_add"),
            {
                "business": business.pk,
                "checked_on": jalali_text(self.day(after=business.started_on)),
                "status": status,
                "reason": "" if status == "active" else self.rng.choice(REASONS),
                "note": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:1000]

    def admin_delete_check(self):
        ids = list(ContinuityCheck.objects.values_list("pk", flat=True))
        if ids:
            url = reverse("admin:registry_continuitycheck_delete", args=[self.rng.choice(ids)])
            assert self.admin.post(url, {"post": "yes"}).status_code == 302

    def admin_delete_business(self):
        business = self.business()
        if business is not None:
            url = reverse("admin:registry_homebusiness_delete", args=[business.pk])
            assert self.admin.post(url, {"post": "yes"}).status_code == 302

    def admin_change_entry(self):
        entries = list(ProgressEntry.objects.filter(is_baseline=False))
        if not entries:
            return
        entry = self.rng.choice(entries)
        response = self.admin.post(
            reverse("admin:commitments_progressentry_change", args=[entry.pk]),
            {
                "commitment": self.rng.choice(self.commitments).pk,
                "period_end": jalali_text(self.day()),
                "jobs_created": str(self.rng.randint(1, 40)),
                "county": self.rng.choice(self.counties).pk,
                "sector": "",
                "credit_paid": "0",
                "note": "",
                "status": self.rng.choice(["submitted", "verified", "rejected"]),
                "review_note": "",
                "seen_version": str(entry.version),
                "_save": "ذخیره",
            },
        )
        assert response.status_code == 302, response.content.decode()[:1000]

    def admin_delete_entry(self):
        entries = list(ProgressEntry.objects.exclude(status="verified").values_list("pk", flat=True))
        if entries:
            url = reverse("admin:commitments_progressentry_delete", args=[self.rng.choice(entries)])
            assert self.admin.post(url, {"post": "yes"}).status_code == 302


WRITES = [
    (World.create_business, 5),
    (World.check_business, 5),
    (World.enter_and_review, 4),
    (World.reopen, 1),
    (World.import_file, 1),
    (World.api_batch, 2),
    (World.admin_change_business, 2),
    (World.admin_add_check, 2),
    (World.admin_delete_check, 1),
    (World.admin_delete_business, 1),
    (World.admin_change_entry, 2),
    (World.admin_delete_entry, 1),
]


@pytest.fixture
def world(official, staff, admin_client, commitment, other_commitment):
    other_commitment.reporters.add(staff)
    counties = [f.CountyFactory(name=name) for name in ("کرمان", "رفسنجان", "بم")]
    sectors = [f.SectorFactory(name=name) for name in ("صنایع دستی", "پوشاک")]

    def make(seed):
        return World(
            random.Random(seed),
            staff=staff,
            official=official,
            admin_client=admin_client,
            commitments=[commitment, other_commitment],
            counties=counties,
            sectors=sectors,
        )

    return make


def raw_figures(businesses, today):
    """The registry's figures computed from the businesses and checks, not the summaries."""
    return {
        "counts": rs.business_status_counts(businesses),
        "by_county": rs.pathology_breakdown(businesses, by="county"),
        "by_sector": rs.pathology_breakdown(businesses, by="sector"),
        "by_commitment": rs.pathology_breakdown(businesses, by="commitment"),
        "reasons": rs.reason_counts(businesses),
        "survival": registry_survival.cohort_survival(businesses, today=today),
        "listed": rs.business_count(businesses),
        "list_counts": rs.business_list_counts(businesses),  # the list's both counts in one query
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_through_every_path_keep_the_summaries_equal_to_the_rows(world, seed, monkeypatch):
    w = world(seed)
    # given a few businesses and entries to start from
    for _ in range(4):
        w.create_business()
        w.enter_and_review()
    assert_summaries_equal_recomputation()

    # when sixty writes are picked at random among every path
    writes, weights = zip(*WRITES, strict=True)
    for step in range(60):
        write = w.rng.choices(writes, weights)[0]
        write(w)
        # then after each one the summaries equal their recomputation
        assert commitment_summaries.differences() == [], (step, write.__name__)
        assert registry_summaries.differences() == [], (step, write.__name__)

    # and every figure read from the summaries equals the one computed from the rows,
    # over the whole registry and over one commitment or one county
    scopes = [
        HomeBusiness.objects.all(),
        businesses_visible_to(w.official),  # every commitment: the province-wide tables
        businesses_visible_to(w.staff).filter(county=w.counties[0]),
        HomeBusiness.objects.filter(commitment=w.commitments[0]),
        HomeBusiness.objects.filter(county=w.counties[1]),
        HomeBusiness.objects.filter(commitment__in=w.commitments[1:], sector=w.sectors[0]),
    ]
    for today in (persian.local_today(), TODAY, datetime.date(2024, 9, 1)):
        from_summaries = [raw_figures(qs, today) for qs in scopes]
        with monkeypatch.context() as m:
            m.setattr(rs, "summary_rows", lambda *args, **kwargs: None)
            from_rows = [raw_figures(qs, today) for qs in scopes]
        assert from_summaries == from_rows
    assert HomeBusiness.objects.exists() and BusinessStatusSummary.objects.exists()
    # and the worklist, read from each business's summary row, is its definition over the checks
    ids = sorted(c.pk for c in w.commitments)
    listed = set()
    for since in (persian.local_today(), TODAY, datetime.date(2024, 9, 1), datetime.date(2025, 6, 1)):
        for mine in (ids, ids[:1]):
            want = worklist_by_the_checks(mine, since)
            assert list(worklist_businesses(mine, since=since).values_list("pk", flat=True)) == want
            assert worklist_count(mine, since=since) == len(want)
            listed.add(len(want))
    assert max(listed) > 0  # not an empty comparison


def worklist_by_the_checks(commitment_ids, since) -> list[int]:
    """The worklist's definition over the rows (registry.views.worklist before the summary)."""
    mine = HomeBusiness.objects.filter(commitment_id__in=commitment_ids, started_on__lte=since)
    last = latest_check_subquery().values("checked_on")[:1]
    return list(
        businesses_without_recent_check(mine, since=since)
        .annotate(last=Subquery(last, output_field=HomeBusiness._meta.get_field("started_on")))
        .order_by(F("last").asc(nulls_first=True), "started_on", "id")
        .values_list("pk", flat=True)
    )


def test_dashboard_figures_from_the_summary_equal_the_entries(world, commitment, other_commitment):
    w = world(7)
    for _ in range(12):
        w.enter_and_review()
    # every commitment (the province-wide table) and a part of them (the per-commitment rows)
    everything = report_figures.dashboard_figures(commitment.__class__.objects.all(), TODAY)
    numbers = report_figures.dashboard_figures(
        commitment.__class__.objects.filter(pk__in=[commitment.pk, other_commitment.pk]), TODAY
    )
    assert {k: everything[k] for k in ("new_jobs", "by_county", "by_sector", "months", "by_org")} == {
        k: numbers[k] for k in ("new_jobs", "by_county", "by_sector", "months", "by_org")
    }
    verified = ProgressEntry.objects.filter(status="verified", is_baseline=False)
    assert numbers["new_jobs"] == sum(e.jobs_created for e in verified)
    by_county = {}
    for e in verified:
        name = e.county.name if e.county else "نامشخص"
        by_county[name] = by_county.get(name, 0) + e.jobs_created
    assert {r["label"]: r["jobs"] for r in numbers["by_county"]} == by_county
    months = {(m["year"], m["month"]): m["jobs"] for m in numbers["months"]}
    for (year, month), jobs in months.items():
        first, last = persian.jalali_month_range(year, month)
        assert jobs == sum(e.jobs_created for e in verified if first <= e.period_end <= last)


def test_check_summaries_reports_a_difference_in_persian_and_repair_mends_it(world, capsys):
    w = world(11)
    for _ in range(6):
        w.create_business()
        w.check_business()
        w.enter_and_review()
    call_command("check_summaries")
    assert "یکی است" in capsys.readouterr().out

    # given writes that bypass the ORM's saves (a queryset update, as raw SQL would)
    HomeBusiness.objects.filter(pk=HomeBusiness.objects.first().pk).update(jobs=99)
    BusinessFigure.objects.filter(pk=HomeBusiness.objects.last().pk).update(due_from=datetime.date(1999, 1, 1))
    VerifiedJobsSummary.objects.update(jobs=0)

    # then the check names each difference in Persian and fails
    with pytest.raises(CommandError) as failed:
        call_command("check_summaries")
    out = capsys.readouterr().out
    assert "اختلاف" in str(failed.value)
    assert "شغل تأییدشده" in out and "کسب‌وکار" in out and "در جدول خلاصه" in out

    # when --repair runs, the summaries equal the rows again
    call_command("check_summaries", repair=True)
    assert "اصلاح شد" in capsys.readouterr().out
    assert_summaries_equal_recomputation()
    last = HomeBusiness.objects.last()
    assert BusinessFigure.objects.get(pk=last.pk).due_from == registry_summaries.due_from(
        last.started_on, last.checks.order_by("-checked_on").values_list("checked_on", flat=True).first()
    )
    call_command("check_summaries")


def test_a_condition_the_summaries_cannot_say_is_counted_from_the_rows(world):
    w = world(5)
    for _ in range(8):
        w.create_business()
        w.check_business()
    some = HomeBusiness.objects.filter(reference_code__icontains="RND-1")
    later = HomeBusiness.objects.filter(started_on__gte=datetime.date(2024, 6, 1))

    # a code search or a start-date range: no summary table says it, the rows do
    assert rs.summary_rows(some, BusinessStatusSummary) is None
    assert rs.summary_rows(later, BusinessStatusSummary) is None
    for qs in (some, later):
        expected = {}
        for b in rs.counted(qs):
            cell = expected.setdefault(b.status, {"count": 0, "jobs": 0})
            cell["count"] += 1
            cell["jobs"] += b.jobs
        assert rs.business_status_counts(qs) == expected
        assert rs.business_count(qs) == qs.count()
