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
