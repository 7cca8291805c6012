import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import Commitment
from tests import factories as f

pytestmark = pytest.mark.django_db


def tranche(parent, target, **kw):
    return Commitment(
        program=parent.program,
        organization=parent.organization,
        parent=parent,
        title=kw.pop("title", "بخش"),
        status="in_execution",
        jobs_target=target,
        signed_on=parent.signed_on,
        due_on=parent.due_on,
        **kw,
    )


def test_tranches_may_fill_but_not_exceed_parent(admin_user, commitment):
    services.commitment_save(actor=admin_user, commitment=tranche(commitment, 6_000, title="برکت"))
    services.commitment_save(actor=admin_user, commitment=tranche(commitment, 24_000, title="بقیه"))
    with pytest.raises(ValidationError) as exc:
        services.commitment_save(actor=admin_user, commitment=tranche(commitment, 1, title="اضافه"))
    message = exc.value.message_dict["jobs_target"][0]
    assert "۳۰٬۰۰۰" in message and "۰ شغل باقی مانده" in message
    assert commitment.tranches.count() == 2


def test_single_tranche_cannot_exceed_parent(admin_user, commitment):
    with pytest.raises(ValidationError):
        services.commitment_save(actor=admin_user, commitment=tranche(commitment, 30_001))
    assert commitment.tranches.count() == 0


def test_cancelled_tranches_free_their_share(admin_user, commitment):
    first = services.commitment_save(actor=admin_user, commitment=tranche(commitment, 30_000, title="همه"))
    services.commitment_set_status(actor=admin_user, commitment=first, status="cancelled", reason="لغو")
    services.commitment_save(actor=admin_user, commitment=tranche(commitment, 6_000, title="برکت"))
    assert commitment.tranches.exclude(status="cancelled").count() == 1


def test_parent_target_cannot_shrink_below_tranches(admin_user, commitment):
    services.commitment_save(actor=admin_user, commitment=tranche(commitment, 6_000))
    commitment.jobs_target = 5_000
    with pytest.raises(ValidationError) as exc:
        services.commitment_save(actor=admin_user, commitment=commitment)
    assert "۶٬۰۰۰" in exc.value.message_dict["jobs_target"][0]
    commitment.refresh_from_db()
    assert commitment.jobs_target == 30_000


def test_tranche_needs_parent_with_target(admin_user, program):
    prepared = f.CommitmentFactory(program=program, status="prepared", jobs_target=None)
    with pytest.raises(ValidationError):
        services.commitment_save(actor=admin_user, commitment=tranche(prepared, 10))
    assert prepared.tranches.count() == 0


def test_no_parent_cycles(admin_user, commitment):
    child = services.commitment_save(actor=admin_user, commitment=tranche(commitment, 10))
    commitment.parent = child
    with pytest.raises(ValidationError):
        services.commitment_save(actor=admin_user, commitment=commitment)
    commitment.refresh_from_db()
    assert commitment.parent_id is None


def test_save_writes_history_with_actor_and_reason(admin_user, commitment):
    commitment.venue = "استانداري كرمان"
    services.commitment_save(actor=admin_user, commitment=commitment, reason="اصلاح محل")
    latest = commitment.history.latest()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "اصلاح محل"
    assert latest.venue == "استانداری کرمان"  # letters normalised on save


def test_commitment_with_entries_cannot_be_deleted(admin_user, commitment):
    f.ProgressEntryFactory(commitment=commitment)
    with pytest.raises(ValidationError):
        services.commitment_delete(actor=admin_user, commitment=commitment)
    assert Commitment.objects.filter(pk=commitment.pk).exists()
