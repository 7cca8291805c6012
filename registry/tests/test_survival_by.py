"""survival_by groups cohort survival by commitment in one pass: each commitment's figures
are exactly survival_overall over that commitment's businesses (owners counted once)."""

import datetime

import pytest

from registry.figures import survival_by, survival_overall
from registry.models import HomeBusiness
from tests import factories as f

TODAY = datetime.date(2026, 6, 1)


def test_survival_by_commitment_equals_survival_overall_of_each(db, program):
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


def test_survival_by_refuses_an_unknown_field(db):
    with pytest.raises(ValueError):
        survival_by(HomeBusiness.objects.all(), "reference_code")
