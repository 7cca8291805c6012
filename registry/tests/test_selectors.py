"""One owner, counted once: the rule every registry figure passes through, and the «تکراری» flags."""

import pytest

from core.persian import make_jalali_date as J
from core.roles import is_official
from registry import selectors
from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db

CODE = "0012345679"
OTHER_CODE = "2987654324"


@pytest.fixture
def owners(commitment, other_commitment):
    """One owner under both commitments (earliest under `commitment`), a second owner twice
    on one day under `other_commitment`, and two businesses without a code."""
    first = f.HomeBusinessFactory(
        commitment=commitment, reference_code="A-1", started_on=J(1403, 2, 1), owner_national_code=CODE
    )
    second = f.HomeBusinessFactory(
        commitment=other_commitment, reference_code="B-1", started_on=J(1403, 5, 1), owner_national_code="۰۰۱-۲۳۴۵۶۷-۹"
    )
    same_day_a = f.HomeBusinessFactory(
        commitment=other_commitment, reference_code="B-2", started_on=J(1403, 6, 1), owner_national_code=OTHER_CODE
    )
    same_day_b = f.HomeBusinessFactory(
        commitment=commitment, reference_code="A-2", started_on=J(1403, 6, 1), owner_national_code=OTHER_CODE
    )
    no_code = [
        f.HomeBusinessFactory(commitment=commitment, reference_code=f"A-N{i}", started_on=J(1403, 1, 1)) for i in (1, 2)
    ]
    return {"first": first, "second": second, "day_a": same_day_a, "day_b": same_day_b, "no_code": no_code}


def codes(qs):
    return sorted(qs.values_list("reference_code", flat=True))


def test_counted_keeps_the_earliest_of_each_owner_and_every_business_without_a_code(owners):
    # when
    kept = selectors.counted(HomeBusiness.objects.all())

    # then: the later start is left out; on the same day the smaller id counts
    assert codes(kept) == ["A-1", "A-N1", "A-N2", "B-2"]


def test_counted_decides_over_the_whole_registry_not_the_queryset(owners, other_commitment):
    # given only the other commitment's businesses
    theirs = HomeBusiness.objects.filter(commitment=other_commitment)

    # then B-1's owner is already counted under the first commitment: B-1 is left out
    assert codes(selectors.counted(theirs)) == ["B-2"]


def test_figures_over_parts_add_up_to_the_whole(owners, commitment, other_commitment):
    whole = selectors.counted(HomeBusiness.objects.all()).count()
    parts = sum(
        selectors.counted(HomeBusiness.objects.filter(commitment=c)).count() for c in (commitment, other_commitment)
    )
    assert whole == parts == 4


def test_owner_flags_mark_both_businesses_of_an_owner_in_the_same_query(owners, django_assert_num_queries):
    with django_assert_num_queries(1):
        flags = {
            b.reference_code: (b.is_duplicate, b.is_counted)
            for b in selectors.with_owner_flags(HomeBusiness.objects.all())
        }

    assert flags == {
        "A-1": (True, True),
        "B-1": (True, False),
        "B-2": (True, True),
        "A-2": (True, False),
        "A-N1": (False, True),
        "A-N2": (False, True),
    }


def test_duplicate_of_names_other_commitments_only_to_those_who_may_see_them(owners, official, staff):
    # the official sees every commitment
    assert selectors.business_duplicate_of(official, owners["first"]) == {
        "titles": ["تعهد دیگر"],
        "hidden": False,
        "same_commitment": False,
        "counted": True,
    }
    # staff report on `commitment` only: the other one is not named
    assert selectors.business_duplicate_of(staff, owners["first"]) == {
        "titles": [],
        "hidden": True,
        "same_commitment": False,
        "counted": True,
    }
    assert selectors.business_duplicate_of(official, owners["day_b"])["counted"] is False
    assert selectors.business_duplicate_of(official, owners["no_code"][0]) is None


def test_duplicate_of_an_owner_twice_in_one_commitment(commitment):
    a = f.HomeBusinessFactory(commitment=commitment, started_on=J(1403, 1, 1), owner_national_code=CODE)
    b = f.HomeBusinessFactory(commitment=commitment, started_on=J(1403, 2, 1), owner_national_code=CODE)

    assert selectors.business_duplicate_of(f.make_official(), b) == {
        "titles": [],
        "hidden": False,
        "same_commitment": True,
        "counted": False,
    }
    assert selectors.counted(HomeBusiness.objects.all()).get() == a


def test_a_single_business_with_a_code_is_no_duplicate(commitment, official):
    alone = f.HomeBusinessFactory(commitment=commitment, owner_national_code=CODE)

    assert selectors.business_duplicate_of(official, alone) is None
    assert list(selectors.counted(HomeBusiness.objects.all())) == [alone]


def test_duplicate_owners_groups_earliest_first(owners, official, django_assert_num_queries):
    is_official(official)  # the role is read once a request, before the page's figures
    with django_assert_num_queries(1):
        groups = list(selectors.duplicate_owners(official))

    assert [(g["businesses"], g["first_started"]) for g in groups] == [(2, J(1403, 2, 1)), (2, J(1403, 6, 1))]
    businesses = selectors.businesses_of_owners(official, [g["owner_code_hash"] for g in groups])
    assert [b.reference_code for b in businesses] == ["A-1", "B-1", "B-2", "A-2"]
