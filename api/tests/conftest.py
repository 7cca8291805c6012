"""The API's cast: the province as seed_kerman makes it (Resalat's 30,000-job MoU with the
Barakat tranche inside it, the 15,000-job pledge, Gohar Zamin's prepared MoU), a token for
each of Resalat, Barakat and Gohar Zamin, and an official who reviews on the site."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from api.services import api_token_create
from commitments.models import Commitment, ProgressEntry
from programs.models import County, Organization, Sector
from registry.models import ContinuityCheck, HomeBusiness
from tests import factories as f
from tests.fixtures import *  # noqa: F403


@dataclass
class Province:
    resalat_mou: Commitment
    barakat_tranche: Commitment
    resalat_pledge: Commitment
    gohar_mou: Commitment
    tokens: dict  # organisation key → raw token
    county: County
    sector: Sector
    official: object


def _seed(official_factory) -> Province:
    call_command("seed_kerman", stdout=io.StringIO())
    orgs = {key: Organization.objects.get(name=name) for key, name in ORGS.items()}
    by_title = {c.title: c for c in Commitment.objects.all()}
    tokens = {key: api_token_create(actor=None, organization=org).raw for key, org in orgs.items()}
    return Province(
        resalat_mou=by_title["تفاهم‌نامه ۳۰ هزار شغل خانگی بانک رسالت در استان کرمان"],
        barakat_tranche=by_title["اجرای ۶ هزار شغل با همکاری بنیاد برکت"],
        resalat_pledge=by_title["تعهد ۱۵ هزار شغل خانگی بانک رسالت در ستاد فرماندهی اقتصاد مقاومتی"],
        gohar_mou=by_title["تفاهم‌نامه اشتغال خانگی با گهرزمین"],
        tokens=tokens,
        county=County.objects.get(name="کرمان"),
        sector=Sector.objects.get(name="صنایع دستی"),
        official=official_factory("official_api"),
    )


ORGS = {"resalat": "بانک رسالت", "barakat": "بنیاد برکت", "gohar": "گهرزمین"}


@pytest.fixture
def province(db) -> Province:
    return _seed(f.make_official)


@pytest.fixture
def live_province(transactional_db) -> Province:
    return _seed(f.make_official)


def row_counts() -> dict:
    """Every table the API writes to, for "nothing changed" checks."""
    from api.models import IdempotentRequest

    return {
        "entries": ProgressEntry.objects.count(),
        "entry_history": ProgressEntry.history.count(),
        "businesses": HomeBusiness.objects.count(),
        "business_history": HomeBusiness.history.count(),
        "checks": ContinuityCheck.objects.count(),
        "idempotency": IdempotentRequest.objects.count(),
    }
