"""Django admin cannot overwrite or destroy what the rest of the site protects.

Two admins editing one progress entry: the second save is refused in Persian and the
first one's change stands. A verified entry, and a commitment with entries, cannot be
deleted from their pages, from the commitment's inline, or by «delete selected»;
cancelling is the way. Each forbidden request asserts its answer and that the database
did not change.
"""

import datetime

import pytest
from django.urls import reverse

from commitments.admin import COMMITMENT_NOT_DELETABLE, STALE_ENTRY, VERIFIED_ENTRY_NOT_DELETABLE
from commitments.models import Commitment, ProgressEntry
from core import persian
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin_client(django_user_model):
    from django.test import Client

    other = django_user_model.objects.create_superuser("admin2", "admin2@example.com", "pass-for-tests-1405")
    c = Client()
    c.force_login(other)
    return c


@pytest.fixture
def submitted(commitment, staff):
    return f.ProgressEntryFactory(
        commitment=commitment, entered_by=staff, jobs_created=10, period_end=datetime.date(2026, 1, 10)
    )


@pytest.fixture
def verified(commitment, staff, official):
    return f.ProgressEntryFactory(
        commitment=commitment,
        entered_by=staff,
        jobs_created=25,
        period_end=datetime.date(2025, 12, 1),
        status="verified",
        verified_by=official,
    )


def entry_post(entry, *, jobs: str, seen_version) -> dict:
    return {
        "commitment": entry.commitment_id,
        "period_end": "۱۴۰۴/۱۰/۲۰",
        "jobs_created": jobs,
        "county": "",
        "sector": "",
        "credit_paid": "0",
        "note": "",
        "status": entry.status,
        "review_note": "",
        "seen_version": "" if seen_version is None else str(seen_version),
        "_save": "ذخیره",
    }


def snapshot():
    return list(ProgressEntry.objects.order_by("pk").values_list("pk", "jobs_created", "status", "version"))


# ---------------------------------------------------------------- two admins, one entry


def test_entry_change_page_carries_the_version_it_shows(admin_client, submitted):
    html = admin_client.get(reverse("admin:commitments_progressentry_change", args=[submitted.pk])).content.decode()
    assert 'name="seen_version"' in html and 'value="1"' in html.split('name="seen_version"')[1][:40]


def test_second_admin_save_of_the_same_entry_is_refused_in_persian(admin_client, second_admin_client, submitted):
    url = reverse("admin:commitments_progressentry_change", args=[submitted.pk])
    # given both admins opened version 1; the first saves 20 jobs
    first = second_admin_client.post(url, entry_post(submitted, jobs="۲۰", seen_version=1))
    assert first.status_code == 302, first.content.decode()[:3000]
    assert snapshot() == [(submitted.pk, 20, "submitted", 2)]
    history_rows = submitted.history.count()

    # when the second saves 30 jobs from the page they opened at version 1
    second = admin_client.post(url, entry_post(submitted, jobs="۳۰", seen_version=1))

    # then it is refused in Persian and the first admin's 20 stands
    assert second.status_code == 200
    assert STALE_ENTRY in second.content.decode()
    assert snapshot() == [(submitted.pk, 20, "submitted", 2)]
    assert submitted.history.count() == history_rows


def test_a_save_without_the_version_is_refused_too(admin_client, submitted):
    response = admin_client.post(
        reverse("admin:commitments_progressentry_change", args=[submitted.pk]),
        entry_post(submitted, jobs="۴۰", seen_version=None),
    )
    assert response.status_code == 200
    assert STALE_ENTRY in response.content.decode()
    assert snapshot() == [(submitted.pk, 10, "submitted", 1)]


def commitment_form(commitment, entry, **entry_fields) -> dict:
    data = {
        "program": commitment.program_id,
        "organization": commitment.organization_id,
        "title": commitment.title,
        "instrument": commitment.instrument,
        "venue": "",
        "status": commitment.status,
        "jobs_target": str(commitment.jobs_target),
        "credit_amount": "0",
        "signed_on": "1403/03/15",
        "due_on": "1405/12/29",
        "reporting_period_months": str(commitment.reporting_period_months),
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "progress_entries-TOTAL_FORMS": "1",
        "progress_entries-INITIAL_FORMS": "1",
        "progress_entries-0-id": str(entry.pk),
        "progress_entries-0-commitment": str(commitment.pk),
        "progress_entries-0-period_end": persian.format_jalali(entry.period_end),
        "progress_entries-0-jobs_created": str(entry.jobs_created),
        "progress_entries-0-county": "",
        "progress_entries-0-sector": "",
        "progress_entries-0-credit_paid": "0",
        "progress_entries-0-status": entry.status,
        "progress_entries-0-note": "",
        "progress_entries-0-seen_version": str(entry.version),
        "_save": "ذخیره",
    }
    data.update({f"progress_entries-0-{k}": v for k, v in entry_fields.items()})
    return data


def test_inline_edit_of_an_entry_changed_meanwhile_is_refused(admin_client, commitment, submitted):
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    # given another admin saved the entry after this page was opened at version 1
    ProgressEntry.objects.filter(pk=submitted.pk).update(jobs_created=15, version=2)
    # when the inline posts 99 jobs on version 1
    response = admin_client.post(url, commitment_form(commitment, submitted, jobs_created="99", seen_version="1"))
    # then refused in Persian, nothing overwritten
    assert response.status_code == 200
    assert STALE_ENTRY in response.content.decode()
    assert snapshot() == [(submitted.pk, 15, "submitted", 2)]


def test_inline_edit_on_the_current_version_saves_and_bumps_the_version(admin_client, commitment, submitted):
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = admin_client.post(url, commitment_form(commitment, submitted, jobs_created="11"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert snapshot() == [(submitted.pk, 11, "submitted", 2)]


# ---------------------------------------------------------------- no deleting what counts


def test_verified_entry_cannot_be_deleted_from_its_page(admin_client, verified):
    url = reverse("admin:commitments_progressentry_delete", args=[verified.pk])
    before = snapshot()
    change = admin_client.get(reverse("admin:commitments_progressentry_change", args=[verified.pk]))
    assert url not in change.content.decode()  # no «حذف» link
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert snapshot() == before


def test_submitted_entry_can_still_be_deleted_from_its_page(admin_client, submitted):
    response = admin_client.post(
        reverse("admin:commitments_progressentry_delete", args=[submitted.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert snapshot() == []


def test_delete_selected_refuses_a_selection_with_a_verified_entry(admin_client, submitted, verified):
    before = snapshot()
    response = admin_client.post(
        reverse("admin:commitments_progressentry_changelist"),
        {"action": "delete_selected", "_selected_action": [submitted.pk, verified.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert VERIFIED_ENTRY_NOT_DELETABLE in response.content.decode()
    assert snapshot() == before


def test_inline_cannot_delete_an_entry(admin_client, commitment, verified):
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    assert "progress_entries-0-DELETE" not in admin_client.get(url).content.decode()
    before = snapshot()
    response = admin_client.post(url, commitment_form(commitment, verified, DELETE="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert snapshot() == before


def test_commitment_with_entries_cannot_be_deleted_from_its_page(admin_client, commitment, submitted):
    url = reverse("admin:commitments_commitment_delete", args=[commitment.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Commitment.objects.filter(pk=commitment.pk, status="signed").exists()
    assert snapshot() == [(submitted.pk, 10, "submitted", 1)]


def test_delete_selected_refuses_a_commitment_with_entries(admin_client, commitment, other_commitment, submitted):
    response = admin_client.post(
        reverse("admin:commitments_commitment_changelist"),
        {"action": "delete_selected", "_selected_action": [commitment.pk, other_commitment.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert COMMITMENT_NOT_DELETABLE in response.content.decode()
    assert set(Commitment.objects.values_list("pk", flat=True)) == {commitment.pk, other_commitment.pk}
    assert snapshot() == [(submitted.pk, 10, "submitted", 1)]


def test_commitment_without_entries_can_still_be_deleted(admin_client, other_commitment):
    response = admin_client.post(
        reverse("admin:commitments_commitment_delete", args=[other_commitment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Commitment.objects.filter(pk=other_commitment.pk).exists()


def test_cancel_is_the_way(admin_client, commitment, submitted):
    response = admin_client.post(
        reverse("admin:commitments_commitment_changelist"),
        {"action": "cancel_selected", "_selected_action": [commitment.pk]},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "cancelled"
    latest = commitment.history.latest()
    assert (latest.history_user.username, latest.history_change_reason) == ("admin", "لغو در پنل مدیریت")
    assert snapshot() == [(submitted.pk, 10, "submitted", 1)]
