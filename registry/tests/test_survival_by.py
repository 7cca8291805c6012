"""survival_by groups cohort survival by commitment in one pass: each commitment's figures
are exactly survival_overall over that commitment's businesses (owners counted once)."""

import datetime
import random

import pytest

from registry import survival as rf
from registry.models import HomeBusiness
from registry.survival import survival_by, survival_overall
from tests import factories as f

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(params=["summaries", "raw rows"])
def path(request, monkeypatch):
    """survival_by reads the summary tables (what the public pages use); the raw rows'
    path stays for conditions the summaries cannot say. Both must give the same."""
    if request.param == "raw rows":
        monkeypatch.setattr(rf, "_survival_from_summaries", lambda *args, **kwargs: None)
    return request.param


def test_survival_by_commitment_equals_survival_overall_of_each(db, program, path):
    a = f.CommitmentFactory(program=program)
    b = f.CommitmentFactory(program=program)
    plan = [
        (
            a,
            datetime.date(2025, 3, 21),
            [(datetime.date(2025, 7, 1), "active"), (datetime.date(2025, 10, 1), "inactive")],
        ),
        (a, datetime.date(2025, 4, 5), [(datetime.date(2025, 7, 20), "semi_closed")]),
        (a, datetime.date(2025, 5, 1), []),
        (b, datetime.date(2025, 3, 30), [(datetime.date(2025, 7, 3), "active"), (datetime.date(2026, 4, 1), "active")]),
        (b, datetime.date(2026, 1, 10), [(datetime.date(2026, 4, 20), "active")]),
    ]
    for commitment, started, checks in plan:
        business = f.HomeBusinessFactory(commitment=commitment, started_on=started)
        for day, status in checks:
            f.ContinuityCheckFactory(
                business=business, checked_on=day, status=status, reason="" if status == "active" else "marketing"
            )
    grouped = survival_by(HomeBusiness.objects.all(), "commitment_id", months=(3, 6, 12), today=TODAY)
    for commitment in (a, b):
        alone = survival_overall(HomeBusiness.objects.filter(commitment=commitment), months=(3, 6, 12), today=TODAY)
        assert grouped[commitment.pk] == alone
    assert grouped[a.pk][3] == {"eligible": 2, "active": 1, "share": 0.5, "unknown": 1}


def test_survival_by_from_the_summaries_equals_the_raw_rows(db, program, monkeypatch):
    """Random businesses and checks around today's 3/6/12-month days (the straddling
    months included): the summaries' answer is the raw rows' answer, commitment by commitment."""
    rng = random.Random(1405)
    commitments = [f.CommitmentFactory(program=program) for _ in range(3)]
    for _ in range(60):
        started = TODAY - datetime.timedelta(days=rng.randrange(30, 500))
        business = f.HomeBusinessFactory(commitment=rng.choice(commitments), started_on=started)
        for _ in range(rng.randrange(0, 4)):
            day = started + datetime.timedelta(days=rng.randrange(60, 480))
            if day <= TODAY:
                status = rng.choice(["active", "semi_closed", "inactive"])
                f.ContinuityCheckFactory(
                    business=business, checked_on=day, status=status, reason="" if status == "active" else "marketing"
                )
    summarised = survival_by(HomeBusiness.objects.all(), "commitment_id", months=(3, 6, 12), today=TODAY)
    monkeypatch.setattr(rf, "_survival_from_summaries", lambda *args, **kwargs: None)
    raw = survival_by(HomeBusiness.objects.all(), "commitment_id", months=(3, 6, 12), today=TODAY)
    assert summarised == raw
    assert sum(cell["eligible"] for totals in raw.values() for cell in totals.values()) > 0


def test_survival_by_refuses_an_unknown_field(db):
    with pytest.raises(ValueError):
        survival_by(HomeBusiness.objects.all(), "reference_code")
