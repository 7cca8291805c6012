"""The worklist reads each business's summary row (BusinessFigure.last_checked and
due_from); these tests hold it to the definition over the businesses and their checks."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import F, Subquery
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import persian
from registry import summaries as registry_summaries
from registry import survival
from registry.models import BusinessFigure, BusinessStatusSummary, HomeBusiness
from registry.selectors import (
    WorklistRows,
    businesses_without_recent_check,
    latest_check_subquery,
    worklist_businesses,
    worklist_count,
)
from registry.views import PAGE_SIZE, WORKLIST_MONTHS
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


def by_the_checks(commitment_ids, since) -> list[str]:
    """The worklist as defined over the rows: started on or before `since`, no check on
    or after it; never checked first, then by the latest check, the start and the id."""
    mine = HomeBusiness.objects.filter(commitment_id__in=commitment_ids, started_on__lte=since)
    last = latest_check_subquery().values("checked_on")[:1]
    return list(
        businesses_without_recent_check(mine, since=since)
        .annotate(last=Subquery(last, output_field=HomeBusiness._meta.get_field("started_on")))
        .order_by(F("last").asc(nulls_first=True), "started_on", "id")
        .values_list("reference_code", flat=True)
    )


@pytest.fixture
def registry(commitment, other_commitment):
    """Businesses whose starts and checks fall on both sides of every `since` tried,
    with ties on the start and on the latest check (the id decides), in two commitments."""
    starts = [D(2024, 1, 1), D(2024, 6, 1), D(2024, 6, 1), D(2025, 1, 15), D(2025, 3, 1), D(2025, 9, 1)]
    check_days = [None, [D(2024, 3, 1)], [D(2024, 9, 1), D(2025, 2, 1)], [D(2025, 2, 1)], [D(2025, 2, 28)]]
    n = 0
    for c in (commitment, other_commitment):
        for start in starts:
            for days in check_days:
                n += 1
                business = f.HomeBusinessFactory(commitment=c, reference_code=f"W-{n:03d}", started_on=start)
                for day in days or []:
                    if day >= start:
                        f.ContinuityCheckFactory(business=business, checked_on=day)
    return n


SINCES = [D(2023, 12, 31), D(2024, 1, 1), D(2024, 6, 1), D(2025, 2, 1), D(2025, 2, 2), D(2025, 3, 1), D(2026, 1, 1)]


@pytest.mark.parametrize("since", SINCES)
def test_the_worklist_is_its_definition_over_the_checks(registry, commitment, other_commitment, since):
    for ids in ([commitment.pk], [commitment.pk, other_commitment.pk], []):
        want = by_the_checks(ids, since)
        assert list(worklist_businesses(ids, since=since).values_list("reference_code", flat=True)) == want
        # the count, whichever side it counts (the not-due ones, or the due when they are fewer)
        assert worklist_count(ids, since=since) == len(want)
        # and the pages the view reads (ids from the summary's index first), wherever they start
        rows = WorklistRows(ids, since=since)
        for start, stop in ((0, 5), (3, 9), (7, 100)):
            assert [b.reference_code for b in rows[start:stop]] == want[start:stop]
    assert by_the_checks([commitment.pk], D(2025, 2, 2))  # not an empty comparison


def test_a_check_or_a_moved_start_moves_a_business_in_and_out_of_the_worklist(registry, commitment, staff):
    since = D(2025, 2, 2)
    business = HomeBusiness.objects.get(reference_code="W-001")  # started 2024-01-01, never checked
    assert business.reference_code in by_the_checks([commitment.pk], since)
    f.ContinuityCheckFactory(business=business, checked_on=since)
    assert business.reference_code not in worklist_businesses([commitment.pk], since=since).values_list(
        "reference_code", flat=True
    )
    business.checks.all().delete()
    business.started_on = D(2025, 2, 3)
    business.save()
    assert BusinessFigure.objects.get(pk=business.pk).due_from == D(2025, 2, 3)
    assert list(worklist_businesses([commitment.pk], since=since).values_list("reference_code", flat=True)) == (
        by_the_checks([commitment.pk], since)
    )


def test_the_worklist_page_shows_the_definition_page_by_page(client, staff, commitment, other_commitment):
    today = persian.local_today()
    since = survival.add_jalali_months(today, -WORKLIST_MONTHS)
    for i in range(PAGE_SIZE + 7):
        business = f.HomeBusinessFactory(
            commitment=commitment, reference_code=f"P-{i:03d}", started_on=since - datetime.timedelta(days=i % 9)
        )
        if i % 3:
            f.ContinuityCheckFactory(business=business, checked_on=since - datetime.timedelta(days=1 + i % 4))
    f.HomeBusinessFactory(commitment=other_commitment, reference_code="THEIRS", started_on=since)
    client.force_login(staff)
    want = by_the_checks([commitment.pk], since)
    assert len(want) == PAGE_SIZE + 7

    pages = [client.get(reverse("registry:worklist"), {"page": n}) for n in (1, 2)]

    assert [b.reference_code for p in pages for b in p.context["page"].object_list] == want
    assert pages[0].context["page"].paginator.count == len(want)
    assert "۵۷ کسب‌وکار منتظر پایش" in pages[0].content.decode()


def test_the_worklist_reads_the_summary_not_the_checks(client, staff, commitment):
    f.HomeBusinessFactory(commitment=commitment, started_on=D(2020, 1, 1))
    client.force_login(staff)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("registry:worklist")).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "registry_businessfigure" in sql and "registry_continuitycheck" not in sql
    assert len(queries) <= 12


class Editor:
    """What the migrations' fill() uses of a schema editor (SQLite's cannot open inside a
    test's transaction)."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def state_at(name: str):
    return MigrationLoader(connection).project_state(("registry", name)).apps


def test_the_migration_fills_due_from_as_the_summaries_compute_it(registry):
    migration = importlib.import_module("registry.migrations.0009_businessfigure_due_from_worklist")
    want = dict(BusinessFigure.objects.values_list("pk", "due_from"))
    assert len(set(want.values())) > 3
    BusinessFigure.objects.update(due_from=D(2000, 1, 1))

    migration.fill(state_at("0009_businessfigure_due_from_worklist"), Editor())

    assert dict(BusinessFigure.objects.values_list("pk", "due_from")) == want


def test_a_database_with_businesses_from_before_0007_gets_its_summaries_at_0009(registry):
    # given businesses whose summary rows were never written (migrating from before 0007)
    first = importlib.import_module("registry.migrations.0007_business_summaries")
    then = importlib.import_module("registry.migrations.0009_businessfigure_due_from_worklist")
    want = sorted(BusinessFigure.objects.values_list(*[f.attname for f in BusinessFigure._meta.concrete_fields]))
    sums = sorted(BusinessStatusSummary.objects.values_list("commitment_id", "status", "counted", "businesses"))
    BusinessFigure.objects.all().delete()
    BusinessStatusSummary.objects.all().delete()

    # when 0007 runs, it cannot write rows its table has no due_from for, and leaves them
    first.fill(state_at("0007_business_summaries"), Editor())
    assert not BusinessFigure.objects.exists()

    # then 0009 writes them all, as check_summaries --repair would
    then.fill(state_at("0009_businessfigure_due_from_worklist"), Editor())
    assert (
        sorted(BusinessFigure.objects.values_list(*[f.attname for f in BusinessFigure._meta.concrete_fields])) == want
    )
    assert sorted(BusinessStatusSummary.objects.values_list("commitment_id", "status", "counted", "businesses")) == sums
    assert registry_summaries.differences() == []
