"""The cast with addresses: Alice and Omid are officials, Sara reports on the commitment,
Reza reports on another one and must never hear of Sara's, Nima is staff with nothing."""

import datetime

import pytest

from tests import factories as f
from tests.fixtures import *  # noqa: F403


def _with_email(user):
    user.email = f"{user.username}@example.com"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def cast(db, commitment, other_commitment):
    alice = _with_email(f.make_official("alice"))
    omid = _with_email(f.make_official("omid"))
    sara = _with_email(f.make_staff("sara"))
    reza = _with_email(f.make_staff("reza"))
    nima = _with_email(f.make_staff("nima"))
    commitment.reporters.add(sara)
    other_commitment.reporters.add(reza)
    return {"alice": alice, "omid": omid, "sara": sara, "reza": reza, "nima": nima}


@pytest.fixture
def today():
    # 25 Azar 1405: Azar has 30 days, so its period closes on 30 Azar (2026-12-21).
    return datetime.date(2026, 12, 16)
