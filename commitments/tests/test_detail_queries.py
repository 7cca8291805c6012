"""The commitment page makes the same few statements for a young commitment and one with
tranches, many milestones, entries and a long history (the issue's ≤ 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db


def grow(commitment, staff, n):
    county, sector = f.CountyFactory(), f.SectorFactory()
    for _ in range(n):
        f.CommitmentFactory(program=commitment.program, parent=commitment, jobs_target=10)
        f.MilestoneFactory(commitment=commitment)
        entry = f.ProgressEntryFactory(
            commitment=commitment, jobs_created=2, entered_by=staff, county=county, sector=sector
        )
        entry.note = "اصلاح"
        entry.save()  # a second history row of the entry


def statements(client, commitment) -> list[str]:
    client.get(f"/commitments/{commitment.pk}/")  # the session's deadline written, roles read
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/commitments/{commitment.pk}/")
    assert response.status_code == 200
    return [q["sql"][:100] for q in queries.captured_queries]


@pytest.mark.parametrize("role", ["official", "staff"])
def test_the_commitment_page_does_not_grow_with_its_history(client, official, staff, commitment, role):
    client.force_login(official if role == "official" else staff)
    grow(commitment, staff, 1)
    few = statements(client, commitment)
    grow(commitment, staff, 12)
    many = statements(client, commitment)
    assert len(many) == len(few), many
    assert len(many) <= (12 if role == "official" else 11), many
