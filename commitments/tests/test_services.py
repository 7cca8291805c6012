import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from commitments import figures, services
from commitments.models import Commitment, ProgressEntry
from core.writes import ConcurrentEditError
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


# ---------------------------------------------------------------- review: verify twice, reopen


@pytest.fixture
def verified_entry(staff, official, commitment):
    entry = services.progress_entry_create(
        actor=staff, commitment=commitment, period_end=datetime.date(2025, 4, 1), jobs_created=7_000
    )
    return services.progress_entry_verify(actor=official, entry=entry, version=entry.version)


def row(entry):
    return ProgressEntry.objects.filter(pk=entry.pk).values_list(
        "status", "verified_by", "verified_at", "version", "jobs_created"
    )[0]


def test_the_same_verify_twice_verifies_once(staff, official, commitment):
    entry = services.progress_entry_create(
        actor=staff, commitment=commitment, period_end=datetime.date(2025, 4, 1), jobs_created=40
    )
    services.progress_entry_verify(actor=official, entry=entry, version=1)
    with pytest.raises(ConcurrentEditError):
        services.progress_entry_verify(actor=official, entry=entry, version=1)
    entry.refresh_from_db()
    assert (entry.status, entry.version) == ("verified", 2)
    assert [h.history_change_reason for h in entry.history.order_by("history_id")] == [
        "ثبت گزارش پیشرفت",
        "تأیید گزارش",
    ]


def test_reopen_takes_a_verified_entry_back_to_submitted_with_the_reason_in_history(official, verified_entry):
    # when the official reopens it with a reason (Arabic letters, as typed on some keyboards)
    services.progress_entry_reopen(
        actor=official, entry=verified_entry, reason="  رقم با نامهٔ بانك نمي‌خواند ", version=2
    )
    # then it is submitted again, unverified, one version on, and the history says who and why
    assert row(verified_entry) == ("submitted", None, None, 3, 7_000)
    latest = verified_entry.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.status) == (
        official,
        "بازگشایی: رقم با نامهٔ بانک نمی‌خواند",
        "submitted",
    )
    # and it is out of every figure at once
    (fig,) = figures.commitment_figures(Commitment.objects.filter(pk=verified_entry.commitment_id))
    assert fig.realised == 0


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "دلیل بازگشایی را بنویسید"),
        ("   ", "دلیل بازگشایی را بنویسید"),
        ("ا" * 91, "دلیل بازگشایی حداکثر ۹۰ نویسه است و این متن ۹۱ نویسه دارد"),
    ],
)
def test_reopen_needs_a_short_written_reason(official, verified_entry, reason, message):
    before, history = row(verified_entry), verified_entry.history.count()
    with pytest.raises(ValidationError) as exc:
        services.progress_entry_reopen(actor=official, entry=verified_entry, reason=reason, version=2)
    assert message in exc.value.message_dict["reason"][0]
    assert (row(verified_entry), verified_entry.history.count()) == (before, history)


def test_a_90_character_reason_is_kept_whole_in_the_history(official, verified_entry):
    reason = "ب" * 90
    services.progress_entry_reopen(actor=official, entry=verified_entry, reason=reason, version=2)
    assert verified_entry.history.first().history_change_reason == f"بازگشایی: {reason}"


def test_staff_cannot_reopen(staff, verified_entry):
    before, history = row(verified_entry), verified_entry.history.count()
    with pytest.raises(PermissionDenied):
        services.progress_entry_reopen(actor=staff, entry=verified_entry, reason="اشتباه", version=2)
    assert (row(verified_entry), verified_entry.history.count()) == (before, history)


def test_reopen_refuses_a_stale_version_and_a_second_reopen(official, verified_entry):
    with pytest.raises(ConcurrentEditError):
        services.progress_entry_reopen(actor=official, entry=verified_entry, reason="اشتباه", version=1)
    assert row(verified_entry)[0] == "verified"
    services.progress_entry_reopen(actor=official, entry=verified_entry, reason="اشتباه", version=2)
    with pytest.raises(ConcurrentEditError):  # the same request again
        services.progress_entry_reopen(actor=official, entry=verified_entry, reason="اشتباه", version=2)
    with pytest.raises(ValidationError) as exc:
        services.progress_entry_reopen(actor=official, entry=verified_entry, reason="اشتباه", version=3)
    assert exc.value.messages == ["فقط گزارش «تأیید شده» بازگشایی می‌شود؛ این گزارش «ارسال شده» است."]
    assert row(verified_entry)[::3] == ("submitted", 3)


def test_the_baseline_is_not_reopened(admin_user, official, commitment):
    baseline = services.progress_entry_create_baseline(
        actor=admin_user,
        commitment=f.CommitmentFactory(instrument="baseline", status="completed", jobs_target=None),
        period_end=datetime.date(2024, 6, 20),
        jobs_created=14_000,
        note="",
    )
    before = row(baseline)
    with pytest.raises(ValidationError) as exc:
        services.progress_entry_reopen(actor=official, entry=baseline, reason="آزمون", version=baseline.version)
    assert exc.value.messages == ["رقم پایه (شغل پایه) در سایت بازگشایی نمی‌شود؛ اصلاح آن با مدیر سامانه است."]
    assert row(baseline) == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks; run with DATABASE_URL=postgres://…"
)
@pytest.mark.django_db(transaction=True)
def test_two_verifies_at_the_same_moment_verify_once(staff, official, commitment):
    """Two threads send the same verify at once: the row lock makes the second wait, then
    see the new version, so the entry is verified once and one history row says so."""
    entry = services.progress_entry_create(
        actor=staff, commitment=commitment, period_end=datetime.date(2025, 4, 1), jobs_created=40
    )
    start = threading.Barrier(2)
    outcomes = []

    def verify():
        start.wait()
        try:
            services.progress_entry_verify(actor=official, entry=entry, version=1)
            outcomes.append("verified")
        except ValidationError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=verify) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ConcurrentEditError", "verified"]
    assert row(entry)[::3] == ("verified", 2)
    assert entry.history.filter(history_change_reason="تأیید گزارش").count() == 1
