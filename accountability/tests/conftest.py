"""The shared cast (tests/fixtures.py) and a small public programme: the Resalat 30,000 MoU
with its Barakat tranche, a prepared MoU with no figure, and one that officials keep off
the public pages."""

import datetime

import pytest

from commitments import services
from tests import factories as f
from tests.fixtures import *  # noqa: F403

RESALAT_TITLE = "تفاهم‌نامه ۳۰ هزار شغل خانگی بانک رسالت در استان کرمان"
HIDDEN_TITLE = "تعهد داخلی که عمومی نیست"


@pytest.fixture
def resalat(db, program):
    bank = f.OrganizationFactory(name="بانک رسالت")
    return f.CommitmentFactory(
        program=program,
        organization=bank,
        title=RESALAT_TITLE,
        jobs_target=30_000,
        status="in_execution",
        signed_on=datetime.date(2025, 3, 21),
        due_on=datetime.date(2028, 3, 19),
    )


@pytest.fixture
def prepared(db, program):
    return f.CommitmentFactory(
        program=program, title="تفاهم‌نامه مس شهید باهنر", status="prepared", jobs_target=None, signed_on=None
    )


@pytest.fixture
def hidden(db, program, official):
    c = f.CommitmentFactory(program=program, title=HIDDEN_TITLE, jobs_target=777)
    services.commitment_set_public(actor=official, commitment=c, is_public=False)
    return c


@pytest.fixture
def reporter(db, resalat):
    user = f.make_staff("reporter_public")
    resalat.reporters.add(user)
    return user


@pytest.fixture
def private_cache(settings):
    """A cache of this test's own, for tests that count what the cache saves: parallel
    test workers share one Redis database, and another worker's cache.clear() between a
    warm-up and the measured request would make the count wrong, not the page."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "public-tests"}
    }
    from django.core.cache import cache

    cache.clear()
    yield
