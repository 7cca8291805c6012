"""The public status in words follows the rule the glossary states (commitments.figures.public_status)."""

import datetime

import pytest

from commitments.figures import CommitmentFigures, promised_at, public_status
from commitments.models import Commitment

SIGNED = datetime.date(2025, 1, 1)
DUE = datetime.date(2025, 12, 31)  # 364 days later
MID = datetime.date(2025, 7, 2)  # 182 days in: half the path


def _fig(status="in_execution", target=1_000, realised=0, signed=SIGNED, due=DUE):
    c = Commitment(status=status, jobs_target=target, signed_on=signed, due_on=due)
    return CommitmentFigures(
        commitment=c, target=target, allocated=0, realised=realised, realised_own=realised, credit_paid=0
    )


def test_promised_path_is_a_straight_line():
    c = Commitment(jobs_target=1_000, signed_on=SIGNED, due_on=DUE)
    assert promised_at(c, SIGNED) == 0
    assert promised_at(c, MID) == 500
    assert promised_at(c, DUE) == 1_000
    assert promised_at(c, DUE + datetime.timedelta(days=9)) == 1_000


@pytest.mark.parametrize(
    ("kw", "today", "expected"),
    [
        ({"status": "cancelled", "realised": 999}, MID, "cancelled"),
        ({"status": "prepared", "target": None}, MID, "prepared"),
        ({"realised": 1_000}, MID, "achieved"),
        ({"realised": 500}, MID, "on_track"),
        ({"realised": 499}, MID, "behind"),
        ({"realised": 999}, DUE + datetime.timedelta(days=1), "behind"),
        ({"realised": 0, "due": None}, MID, "on_track"),
    ],
)
def test_public_status(kw, today, expected):
    assert public_status(_fig(**kw), today) == expected


def test_trajectory_cumulates_verified_jobs_against_the_promised_path(db, official):
    from commitments import services
    from commitments.figures import commitment_figures, commitment_trajectory
    from tests import factories as f

    c = f.CommitmentFactory(jobs_target=1_000, signed_on=datetime.date(2025, 3, 21), due_on=datetime.date(2026, 3, 20))
    reporter = f.make_staff("traj_reporter")
    c.reporters.add(reporter)
    for day, jobs, verify in [
        (datetime.date(2025, 4, 10), 30, True),
        (datetime.date(2025, 5, 10), 20, True),  # 1404/02/20
        (datetime.date(2025, 5, 31), 99, False),
    ]:
        e = services.progress_entry_create(actor=reporter, commitment=c, period_end=day, jobs_created=jobs)
        if verify:
            services.progress_entry_verify(actor=official, entry=e)
    fig = commitment_figures(type(c).objects.filter(pk=c.pk))[0]
    rows = commitment_trajectory(fig, today=datetime.date(2025, 6, 10))
    # Farvardin, Ordibehesht, Khordad 1404; the submitted 99 counts nowhere.
    assert [r["label"] for r in rows] == ["فروردین ۱۴۰۴", "اردیبهشت ۱۴۰۴", "خرداد ۱۴۰۴"]
    assert [r["realised"] for r in rows] == [30, 50, 50]
    assert rows[-1]["promised"] == promised_at(c, datetime.date(2025, 6, 21))
