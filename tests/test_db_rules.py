"""Each database rule refuses a bad row — at the database, not only in forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from commitments.models import Commitment, Milestone, ProgressEntry
from programs.models import Program
from registry.models import ContinuityCheck, HomeBusiness

from . import factories as f

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_program_target_positive_and_ends_after_start():
    owner = f.OrganizationFactory()
    refused(
        lambda: Program.objects.create(
            name="x", jobs_target=0, starts_on="2025-01-01", ends_on="2026-01-01", owner=owner
        )
    )
    refused(
        lambda: Program.objects.create(
            name="y", jobs_target=5, starts_on="2025-01-01", ends_on="2024-01-01", owner=owner
        )
    )
    assert Program.objects.count() == 0


def test_commitment_past_prepared_needs_target(program):
    org = f.OrganizationFactory()
    refused(
        lambda: Commitment.objects.create(
            program=program, organization=org, title="t", status="signed", jobs_target=None
        )
    )
    # While prepared a figure may be missing.
    Commitment.objects.create(program=program, organization=org, title="ok", status="prepared", jobs_target=None)
    assert Commitment.objects.count() == 1


def test_commitment_target_positive_and_due_after_signed(program):
    org = f.OrganizationFactory()
    refused(
        lambda: Commitment.objects.create(program=program, organization=org, title="t", status="signed", jobs_target=0)
    )
    refused(
        lambda: Commitment.objects.create(
            program=program,
            organization=org,
            title="t",
            status="signed",
            jobs_target=5,
            signed_on=datetime.date(2025, 1, 2),
            due_on=datetime.date(2025, 1, 1),
        )
    )
    refused(
        lambda: Commitment.objects.create(program=program, organization=org, title="t", status="bogus", jobs_target=5)
    )
    assert Commitment.objects.count() == 0


def test_commitment_cannot_be_its_own_parent(commitment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(parent=commitment)
    commitment.refresh_from_db()
    assert commitment.parent_id is None


def test_milestone_needs_program_or_commitment():
    org = f.OrganizationFactory()
    refused(lambda: Milestone.objects.create(title="t", responsible=org, due_on=datetime.date(2027, 6, 26)))
    assert Milestone.objects.count() == 0


def test_progress_entry_rules(commitment):
    user = f.UserFactory()
    refused(
        lambda: ProgressEntry.objects.create(
            commitment=commitment, period_end="2025-01-01", jobs_created=0, entered_by=user
        )
    )
    refused(
        lambda: ProgressEntry.objects.create(
            commitment=commitment, period_end="2025-01-01", jobs_created=3, entered_by=user, status="verified"
        )
    )
    assert ProgressEntry.objects.count() == 0


def test_business_reference_code_unique_and_jobs_positive(commitment):
    f.HomeBusinessFactory(commitment=commitment, reference_code="R-1")
    refused(lambda: f.HomeBusinessFactory(commitment=commitment, reference_code="R-1"))
    refused(lambda: f.HomeBusinessFactory(commitment=commitment, reference_code="R-2", jobs=0))
    refused(lambda: f.HomeBusinessFactory(commitment=commitment, reference_code=""))
    assert list(HomeBusiness.objects.values_list("reference_code", flat=True)) == ["R-1"]


def test_continuity_check_reason_only_when_not_active():
    business = f.HomeBusinessFactory()
    refused(
        lambda: ContinuityCheck.objects.create(business=business, checked_on="2025-09-01", status="inactive", reason="")
    )
    refused(
        lambda: ContinuityCheck.objects.create(
            business=business, checked_on="2025-09-01", status="active", reason="marketing"
        )
    )
    ContinuityCheck.objects.create(business=business, checked_on="2025-09-01", status="semi_closed", reason="financing")
    assert ContinuityCheck.objects.count() == 1
