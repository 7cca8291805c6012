"""The shared cast and the isolation every test gets (tests/fixtures.py), and the Barakat
tranche the review tests are about."""

import pytest

from tests import factories as f
from tests.fixtures import *  # noqa: F403

BARAKAT_TITLE = "اجرای ۶ هزار شغل با همکاری بنیاد برکت"


@pytest.fixture
def barakat(commitment):
    """The 6,000-job Barakat tranche inside the 30,000-job MoU (the `commitment` fixture)."""
    return f.CommitmentFactory(
        program=commitment.program,
        organization=commitment.organization,
        parent=commitment,
        title=BARAKAT_TITLE,
        status="in_execution",
        jobs_target=6_000,
    )
