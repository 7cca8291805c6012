"""The person and their roles are read in one query on every request (core.auth.RoleBackend)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import roles
from core.auth import RoleBackend

pytestmark = pytest.mark.django_db


def test_a_request_reads_the_person_and_the_roles_in_one_query(client, official):
    client.force_login(official)
    assert client.session["_auth_user_backend"] == "core.auth.RoleBackend"
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/reports/").content.decode()
    reads = [q["sql"] for q in queries.captured_queries if '"auth_group"' in q["sql"]]
    assert len(reads) == 1 and '"auth_user"' in reads[0], reads
    assert 'data-testid="review-count"' in html or "صف بررسی" in html  # an official's navigation


def test_the_roles_read_with_the_person_are_those_of_the_groups(official, staff, django_assert_num_queries):
    backend = RoleBackend()
    with django_assert_num_queries(1):
        o = backend.get_user(official.pk)
    with django_assert_num_queries(0):
        assert roles.is_official(o) and not roles.is_chamber_staff(o)
    s = backend.get_user(staff.pk)
    with django_assert_num_queries(0):
        assert roles.is_chamber_staff(s) and not roles.is_official(s)
    # a group taken away is seen at the next read
    staff.groups.remove(Group.objects.get(name=roles.CHAMBER_STAFF_GROUP))
    assert not roles.is_chamber_staff(backend.get_user(staff.pk))


def test_an_inactive_or_missing_person_is_nobody(official):
    official.is_active = False
    official.save()
    assert RoleBackend().get_user(official.pk) is None
    assert RoleBackend().get_user(987654) is None
