"""A commitment's figures beside an entry: the review context, the «بیش از هدف» flag, and
the ladder without the baseline. The Barakat case: a 30,000-job MoU (the `commitment`
fixture) with a 6,000-job tranche (`barakat`)."""

import pytest
from django.contrib.auth import get_user_model

from commitments import figures
from commitments.models import Commitment
from tests import factories as f

from .conftest import BARAKAT_TITLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    # One author for every entry: the factory would hash a new password per entry.
    return get_user_model().objects.create(username="clerk")


def entry(commitment, jobs, status="submitted", *, author, baseline=False):
    verifier = author if status != "submitted" else None
    return f.ProgressEntryFactory(
        commitment=commitment,
        jobs_created=jobs,
        status=status,
        entered_by=author,
        verified_by=verifier,
        is_baseline=baseline,
    )


def numbers(level):
    return (level.target, level.verified, level.awaiting, level.remaining, level.left_after_awaiting)


def test_review_context_of_a_tranche_and_its_parent(commitment, barakat, clerk):
    # given verified, submitted, returned and baseline entries on the MoU and its tranche
    entry(barakat, 1_000, "verified", author=clerk)
    entry(barakat, 500, author=clerk)
    entry(commitment, 2_000, "verified", author=clerk)
    entry(commitment, 300, author=clerk)
    entry(commitment, 4_000, "rejected", author=clerk)  # returned: counts nowhere
    entry(commitment, 14_000, "verified", author=clerk, baseline=True)  # «شغل پایه»: never a commitment's
    # when the context is read for both
    contexts = figures.review_context([barakat, commitment])
    # then the tranche has its own figures and its parent's, rolled up over the tranche
    tranche = contexts[barakat.pk]
    assert numbers(tranche.own) == (6_000, 1_000, 500, 5_000, 4_500)
    assert numbers(tranche.parent) == (30_000, 3_000, 800, 27_000, 26_200)
    assert (tranche.own.commitment.title, tranche.parent.commitment.pk) == (BARAKAT_TITLE, commitment.pk)
    assert tranche.own.percent == pytest.approx(100 * 1_000 / 6_000)
    parent = contexts[commitment.pk]
    assert numbers(parent.own) == (30_000, 3_000, 800, 27_000, 26_200)
    assert parent.parent is None


def test_remaining_never_goes_below_zero(commitment, barakat, clerk):
    entry(barakat, 6_500, "verified", author=clerk)
    entry(barakat, 200, author=clerk)
    own = figures.review_context([barakat])[barakat.pk].own
    assert numbers(own) == (6_000, 6_500, 200, 0, 0)
    assert own.percent == 100.0


def test_a_7000_entry_on_the_6000_barakat_tranche_is_flagged_on_the_tranche(commitment, barakat, clerk):
    # given the 7,000-job entry awaiting review on the empty 6,000-job tranche
    seven = entry(barakat, 7_000, author=clerk)
    context = figures.review_context([barakat])[barakat.pk]
    # when it is checked
    (flag,) = figures.over_target(context, seven)
    # then the tranche is 1,000 past its target; the 30,000 parent is not
    assert (flag.figures.commitment.pk, flag.total, flag.over) == (barakat.pk, 7_000, 1_000)
    assert flag.message == (
        "بیش از هدف: با این گزارش ۷٬۰۰۰ شغل از هدف ۶٬۰۰۰ شغل «اجرای ۶ هزار شغل با همکاری بنیاد برکت» — ۱٬۰۰۰ شغل بیشتر"
    )


def test_entries_past_30000_across_parent_and_tranche_are_flagged_on_the_parent(commitment, barakat, clerk):
    # given 20,000 verified on the MoU, 5,000 verified and 800 awaiting on the tranche
    entry(commitment, 20_000, "verified", author=clerk)
    entry(barakat, 5_000, "verified", author=clerk)
    on_tranche = entry(barakat, 800, author=clerk)
    # and 4,500 awaiting on the MoU itself: 30,300 of 30,000
    on_parent = entry(commitment, 4_500, author=clerk)
    contexts = figures.review_context([barakat, commitment])
    # then the tranche's entry (5,800 of 6,000 on the tranche) is flagged on the parent only
    (flag,) = figures.over_target(contexts[barakat.pk], on_tranche)
    assert (flag.figures.commitment.pk, flag.total, flag.over) == (commitment.pk, 30_300, 300)
    assert flag.message == "بیش از هدف: با این گزارش ۳۰٬۳۰۰ شغل از هدف ۳۰٬۰۰۰ شغل «تفاهم‌نامه آزمایشی» — ۳۰۰ شغل بیشتر"
    # and so is the entry on the MoU
    (flag,) = figures.over_target(contexts[commitment.pk], on_parent)
    assert (flag.figures.commitment.pk, flag.total, flag.over) == (commitment.pk, 30_300, 300)


def test_a_tranche_entry_past_both_targets_is_flagged_twice(commitment, barakat, clerk):
    entry(commitment, 29_000, "verified", author=clerk)
    big = entry(barakat, 7_000, author=clerk)
    flags = figures.over_target(figures.review_context([barakat])[barakat.pk], big)
    assert [(x.figures.commitment.pk, x.total, x.over) for x in flags] == [
        (barakat.pk, 7_000, 1_000),
        (commitment.pk, 36_000, 6_000),
    ]


def test_an_entry_reaching_the_target_exactly_is_not_flagged(commitment, barakat, clerk):
    six = entry(barakat, 6_000, author=clerk)
    assert figures.over_target(figures.review_context([barakat])[barakat.pk], six) == []


def test_the_flag_stays_after_verification_while_the_commitment_is_past_its_target(commitment, barakat, clerk):
    seven = entry(barakat, 7_000, "verified", author=clerk)
    (flag,) = figures.over_target(figures.review_context([barakat])[barakat.pk], seven)
    assert (flag.total, flag.over) == (7_000, 1_000)


def test_a_figure_being_typed_is_checked_before_it_is_saved(commitment, barakat, clerk):
    entry(barakat, 1_000, "verified", author=clerk)
    context = figures.review_context([barakat])[barakat.pk]
    assert figures.over_target(context, jobs=5_000) == []
    (flag,) = figures.over_target(context, jobs=5_001)
    assert (flag.total, flag.over) == (6_001, 1)
    # and the form's script fills in the same sentence
    assert context.own.hint_template == (
        "بیش از هدف: با این گزارش {total} شغل از هدف ۶٬۰۰۰ شغل «اجرای ۶ هزار شغل با همکاری بنیاد برکت» — {over} شغل بیشتر"
    )


def test_baseline_and_returned_entries_count_nowhere_and_are_never_flagged(commitment, barakat, clerk):
    # given the 14,000 baseline and a returned 9,000 on the 6,000 tranche
    baseline = entry(barakat, 14_000, "verified", author=clerk, baseline=True)
    returned = entry(barakat, 9_000, "rejected", author=clerk)
    context = figures.review_context([barakat])[barakat.pk]
    # then neither is realised, awaiting, or past the target
    assert numbers(context.own) == (6_000, 0, 0, 6_000, 6_000)
    assert numbers(context.parent) == (30_000, 0, 0, 30_000, 30_000)
    assert figures.over_target(context, baseline) == []
    assert figures.over_target(context, returned) == []


def test_the_ladder_keeps_the_baseline_apart(program, commitment, barakat, clerk):
    # given a completed 14,000 pledge holding only the baseline, and 1,500 new on the tranche
    pledge = f.CommitmentFactory(program=program, title="رقم پایه", status="completed", jobs_target=14_000)
    entry(pledge, 14_000, "verified", author=clerk, baseline=True)
    entry(barakat, 1_500, "verified", author=clerk)
    entry(commitment, 2_000, "verified", author=clerk, baseline=True)
    ladder = {x.commitment.pk: x for x in figures.commitment_figures(Commitment.objects.all())}
    # then realised, percent and remaining have no baseline in them; it is kept apart
    assert (ladder[pledge.pk].realised, ladder[pledge.pk].percent, ladder[pledge.pk].baseline) == (0, 0.0, 14_000)
    parent = ladder[commitment.pk]
    assert (parent.realised, parent.realised_own, parent.remaining, parent.baseline) == (1_500, 0, 28_500, 2_000)
    assert parent.percent == pytest.approx(5.0)
    assert (ladder[barakat.pk].realised, ladder[barakat.pk].baseline) == (1_500, 0)


def test_review_context_takes_one_query_for_one_or_ten_commitments(
    program, commitment, barakat, clerk, django_assert_num_queries
):
    many = [
        f.CommitmentFactory(program=program, parent=commitment if i % 2 else None, jobs_target=100) for i in range(8)
    ]
    for c in [barakat, *many]:
        entry(c, 10, author=clerk)
        entry(c, 5, "verified", author=clerk)
    one = Commitment.objects.get(pk=barakat.pk)
    ten = list(Commitment.objects.filter(pk__in=[commitment.pk, barakat.pk, *(c.pk for c in many)]))
    assert len(ten) == 10
    with django_assert_num_queries(1):
        figures.review_context([one])
    with django_assert_num_queries(1):
        contexts = figures.review_context(ten)
    assert numbers(contexts[commitment.pk].own) == (30_000, 25, 50, 29_975, 29_925)


def test_needs_report_is_on_the_dashboard_and_the_staff_worklist(client, staff, commitment, official):
    # No entry at all: the commitment owes its last period's report, whoever looks
    client.force_login(staff)
    page = client.get("/").content.decode()
    assert page.count('data-testid="needs-report"') == 2  # in the reporter's list and in the table
    worklist = client.get("/businesses/worklist/").content.decode()
    assert 'data-testid="owing-reports"' in worklist and commitment.title in worklist
    client.force_login(official)
    assert client.get("/").content.decode().count('data-testid="needs-report"') == 1
