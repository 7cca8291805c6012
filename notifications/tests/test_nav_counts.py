"""The navigation's two badges (entries awaiting review, unread notices) are one query."""

import pytest

from commitments.selectors import entries_awaiting_review
from notifications import selectors
from tests import factories as f

from .test_views import notice_for

pytestmark = pytest.mark.django_db


def test_an_officials_badges_are_counted_in_one_query(official, staff, commitment, django_assert_num_queries):
    # given three entries waiting, one verified, and two unread notices of the official's and one of another's
    for _ in range(3):
        f.ProgressEntryFactory(commitment=commitment, status="submitted")
    f.ProgressEntryFactory(commitment=commitment, status="verified", verified_by=official)
    notice_for(official, key="a")
    notice_for(official, key="b")
    notice_for(staff, key="c")
    official = type(official).objects.get(pk=official.pk)  # the roles not yet read
    # when the navigation asks, then both counts come in one statement, roles included
    with django_assert_num_queries(2):  # the official's groups, then the counts
        counts = selectors.nav_counts(official)
    assert counts == {"pending": 3, "unread": 2}
    assert counts["pending"] == entries_awaiting_review(official).count()
    assert counts["unread"] == selectors.unread_count(official)


def test_no_waiting_entries_and_no_notices_count_nought(official):
    assert selectors.nav_counts(official) == {"pending": 0, "unread": 0}


def test_staff_see_no_review_count(staff, commitment):
    f.ProgressEntryFactory(commitment=commitment, status="submitted")
    notice_for(staff)
    assert selectors.nav_counts(staff) == {"pending": None, "unread": 1}
