"""Every page × every role: official, staff assigned, staff not assigned, anonymous.

A forbidden request asserts its status AND that nothing changed; "not yours" answers
exactly like "not found".
"""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from commitments.models import ProgressEntry

from . import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def entry(staff, commitment):
    e = f.ProgressEntryFactory(commitment=commitment, entered_by=staff, jobs_created=40)
    e.evidence.save("proof.png", ContentFile(PNG), save=True)
    return e


@pytest.fixture
def as_role(request, client, official, staff, other_staff):
    """A client logged in as the role named by the test's parameter."""

    def login(role):
        user = {"official": official, "staff": staff, "other_staff": other_staff, "anonymous": None}[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


def snapshot():
    rows = list(ProgressEntry.objects.order_by("pk").values("pk", "status", "jobs_created", "version", "note"))
    return rows, ProgressEntry.history.count()


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


ROLES = ["official", "staff", "other_staff", "anonymous"]


@pytest.mark.parametrize(
    ("role", "expected"), [("official", 200), ("staff", 200), ("other_staff", 200), ("anonymous", 302)]
)
def test_dashboard(as_role, entry, role, expected):
    response = as_role(role).get(reverse("reports:dashboard"))
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=/")


@pytest.mark.parametrize(
    ("role", "expected"), [("official", 200), ("staff", 200), ("other_staff", 404), ("anonymous", 302)]
)
def test_commitment_page(as_role, entry, commitment, role, expected):
    response = as_role(role).get(reverse("commitments:detail", args=[commitment.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("official", 200), ("staff", 200), ("other_staff", 404), ("anonymous", 302)]
)
def test_entry_page(as_role, entry, role, expected):
    response = as_role(role).get(reverse("commitments:entry", args=[entry.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("official", 200), ("staff", 200), ("other_staff", 404), ("anonymous", 302)]
)
def test_evidence_download(as_role, entry, role, expected):
    response = as_role(role).get(reverse("commitments:entry_evidence", args=[entry.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("role", "expected"), [("official", 403), ("staff", 200), ("other_staff", 404), ("anonymous", 302)]
)
def test_entry_create_page(as_role, commitment, role, expected):
    response = as_role(role).get(reverse("commitments:entry_create", args=[commitment.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("official", 403), ("other_staff", 404), ("anonymous", 302)])
def test_entry_create_refused_writes_nothing(as_role, commitment, entry, role, expected):
    before = snapshot()
    response = as_role(role).post(
        reverse("commitments:entry_create", args=[commitment.pk]),
        {"period_end": "1404/01/10", "jobs_created": "۵", "credit_paid": "0"},
    )
    assert response.status_code == expected
    assert snapshot() == before


@pytest.mark.parametrize(("role", "expected"), [("official", 403), ("other_staff", 404), ("anonymous", 302)])
def test_entry_edit_refused_writes_nothing(as_role, entry, role, expected):
    before = snapshot()
    response = as_role(role).post(
        reverse("commitments:entry", args=[entry.pk]),
        {"period_end": "1404/01/10", "jobs_created": "999", "version": entry.version},
    )
    assert response.status_code == expected
    assert snapshot() == before


def test_entry_edit_by_another_assigned_staff_is_refused(client, entry, commitment):
    # given a second reporter on the same commitment who did not write the entry
    colleague = f.make_staff("colleague")
    commitment.reporters.add(colleague)
    client.force_login(colleague)
    before = snapshot()
    # when they try to change it
    response = client.post(
        reverse("commitments:entry", args=[entry.pk]),
        {"period_end": "1404/01/10", "jobs_created": "999", "version": entry.version},
    )
    # then it is refused and nothing changed
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role", "expected"), [("official", 200), ("staff", 403), ("other_staff", 403), ("anonymous", 302)]
)
def test_review_queue(as_role, entry, role, expected):
    response = as_role(role).get(reverse("commitments:review_queue"))
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("staff", 403), ("other_staff", 403), ("anonymous", 302)])
@pytest.mark.parametrize("action", ["entry_verify", "entry_return"])
def test_review_actions_refused_write_nothing(as_role, entry, role, expected, action):
    before = snapshot()
    response = as_role(role).post(
        reverse(f"commitments:{action}", args=[entry.pk]), {"version": entry.version, "reason": "ناقص", "confirm": "1"}
    )
    assert response.status_code == expected
    assert snapshot() == before


def test_official_verifies_and_returns(as_role, entry, staff, commitment):
    client = as_role("official")
    second = f.ProgressEntryFactory(commitment=commitment, entered_by=staff, jobs_created=7)
    assert (
        client.post(reverse("commitments:entry_verify", args=[entry.pk]), {"version": 1, "confirm": "1"}).status_code
        == 302
    )
    assert (
        client.post(
            reverse("commitments:entry_return", args=[second.pk]),
            {"version": 1, "reason": "مستند ندارد", "confirm": "1"},
        ).status_code
        == 302
    )
    entry.refresh_from_db()
    second.refresh_from_db()
    assert (entry.status, second.status, second.review_note) == ("verified", "rejected", "مستند ندارد")


@pytest.mark.parametrize(
    "name", ["commitments:detail", "commitments:entry_create", "commitments:entry", "commitments:entry_evidence"]
)
def test_not_yours_reads_exactly_like_not_found(client, other_staff, entry, commitment, name):
    # given staff who are not assigned to the commitment
    client.force_login(other_staff)
    pk = entry.pk if name.startswith("commitments:entry") and name != "commitments:entry_create" else commitment.pk
    # when they open an existing object of someone else's and one that does not exist
    theirs = client.get(reverse(name, args=[pk]))
    missing = client.get(reverse(name, args=[999_999]))
    # then both answers are the same 404 page
    assert theirs.status_code == missing.status_code == 404
    assert without_tokens(theirs.content.decode()) == without_tokens(missing.content.decode())
    assert "پیدا نشد" in theirs.content.decode()


def test_dashboard_shows_staff_only_their_commitments(client, staff, commitment, other_commitment):
    f.ProgressEntryFactory(
        commitment=other_commitment,
        entered_by=staff,
        status="verified",
        verified_by=f.make_official("o2"),
        jobs_created=500,
        period_end=datetime.date(2025, 1, 1),
    )
    client.force_login(staff)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert commitment.title in html
    assert other_commitment.title not in html
    assert 'data-testid="new-jobs">۰<' in html
