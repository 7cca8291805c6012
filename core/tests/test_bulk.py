"""core.bulk writes the same rows as Django's bulk_create and simple_history's
bulk_create_with_history (COPY on PostgreSQL, bulk_create elsewhere): every column,
awkward text included, the ids given back, the «+» history rows, and a clash refused
with nothing written."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from simple_history.utils import bulk_create_with_history

from core import bulk
from registry.models import BusinessFigure, HomeBusiness
from tests import factories as f

# Each character COPY's text format escapes, Persian with a ZWNJ, and a lone backslash N.
AWKWARD = "کسب‌وکار\tیک\nدو\r\\N\\"


def _businesses(commitment, county, sector, prefix: str) -> list[HomeBusiness]:
    return [
        HomeBusiness(
            commitment=commitment,
            reference_code=f"{prefix}-{i}",
            county=county,
            sector=sector,
            started_on=datetime.date(2025, 3, 21) + datetime.timedelta(days=i),
            jobs=1 + i,
            loan_amount=12_500_000_000 * (i + 1),
            owner_code_hash=None if i % 2 else "a" * 64,
            owner_code_last3="" if i % 2 else "۱۲۳",
            submission_token=uuid.uuid4() if i == 1 else None,
        )
        for i in range(3)
    ]


def _columns(obj, drop=("id", "reference_code", "submission_token", "created_at")) -> dict:
    values = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    return {k: v for k, v in values.items() if k not in drop}


@pytest.mark.django_db
def test_insert_writes_what_bulk_create_writes_and_gives_the_ids(commitment):
    county, sector = f.CountyFactory(), f.SectorFactory()
    copied = _businesses(commitment, county, sector, "COPY")
    created = _businesses(commitment, county, sector, "ORM")
    copied[2].reference_code = AWKWARD

    bulk.insert(HomeBusiness, copied, with_ids=True)
    HomeBusiness.objects.bulk_create(created)

    assert all(b.pk for b in copied) and len({b.pk for b in copied}) == 3
    for mine, theirs in zip(copied, created, strict=True):
        stored = HomeBusiness.objects.get(pk=mine.pk)
        assert _columns(stored) == _columns(HomeBusiness.objects.get(pk=theirs.pk))
        assert stored.created_at is not None
    assert HomeBusiness.objects.get(pk=copied[2].pk).reference_code == AWKWARD
    assert HomeBusiness.objects.get(pk=copied[1].pk).submission_token == copied[1].submission_token


@pytest.mark.django_db
def test_history_rows_are_simple_historys_own(commitment, staff):
    county, sector = f.CountyFactory(), f.SectorFactory()
    copied = _businesses(commitment, county, sector, "COPY")
    created = _businesses(commitment, county, sector, "ORM")

    bulk.insert_with_history(HomeBusiness, copied, user=staff, reason=AWKWARD)
    bulk_create_with_history(created, HomeBusiness, default_user=staff, default_change_reason=AWKWARD)

    drop = ("id", "history_id", "history_date", "reference_code", "submission_token", "created_at")
    for mine, theirs in zip(copied, created, strict=True):
        (row,) = HomeBusiness.history.filter(id=mine.pk)
        (other,) = HomeBusiness.history.filter(id=theirs.pk)
        assert _columns(row, drop) == _columns(other, drop)
        assert (row.history_type, row.history_user, row.history_change_reason) == ("+", staff, AWKWARD)
        assert row.reference_code == mine.reference_code


@pytest.mark.django_db
def test_insert_values_writes_the_figure_rows(commitment):
    business = f.HomeBusinessFactory(commitment=commitment)
    BusinessFigure.objects.filter(business=business).delete()
    names = ("business_id", "commitment_id", "county_id", "sector_id", "owner_code_hash", "started_on", "cohort")
    names += ("jobs", "counted", "status", "reason", "last_checked", "due_from", "status_3", "status_6", "status_12")
    row = (business.pk, commitment.pk, business.county_id, business.sector_id, None, business.started_on)
    row += (16_845, 2, False, "active", "", None, business.started_on, "", "active", "")

    bulk.insert_values(BusinessFigure, names, [row])

    stored = BusinessFigure.objects.values_list(*names).get(business=business)
    assert stored == row
    with pytest.raises(ValueError):
        bulk.insert_values(BusinessFigure, ("business", "commitment"), [row[:2]])


@pytest.mark.django_db(transaction=True)
def test_a_clash_is_an_integrity_error_and_writes_nothing(commitment):
    county, sector = f.CountyFactory(), f.SectorFactory()
    f.HomeBusinessFactory(commitment=commitment, reference_code="TAKEN-1")
    before = (HomeBusiness.objects.count(), HomeBusiness.history.count())
    rows = _businesses(commitment, county, sector, "NEW")
    rows[2].reference_code = "TAKEN-1"

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_with_history(HomeBusiness, rows, user=None, reason="")

    assert (HomeBusiness.objects.count(), HomeBusiness.history.count()) == before
