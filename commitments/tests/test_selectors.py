"""selectors.py: the one scope rule for milestones (issue 13, finding 1)."""

import pytest

from commitments.selectors import milestones_visible_to
from reports import services as report_services
from reports.models import Report
from reports.selectors import report_scope
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestones(commitment, other_commitment, program):
    """One milestone on each commitment of the programme, one on the programme itself,
    and one on a commitment of another programme."""
    return {
        "own": f.MilestoneFactory(commitment=commitment, title="مهلت تعهد خودم"),
        "other": f.MilestoneFactory(commitment=other_commitment, title="مهلت تعهد دیگر"),
        "program": f.MilestoneFactory(commitment=None, program=program, title="مهلت برنامه"),
        "other_program": f.MilestoneFactory(commitment=None, program=f.ProgramFactory(), title="مهلت برنامهٔ دیگر"),
        # attached to the other commitment and, redundantly, to the programme
        "other_with_program": f.MilestoneFactory(commitment=other_commitment, program=program, title="مهلت دوگانه"),
    }


def test_staff_see_their_commitments_and_programme_milestones_never_another_commitments(staff, milestones):
    titles = sorted(milestones_visible_to(staff).values_list("title", flat=True))
    assert titles == sorted(["مهلت تعهد خودم", "مهلت برنامه"])


def test_officials_see_every_milestone_and_staff_without_assignment_none(official, other_staff, milestones):
    assert milestones_visible_to(official).count() == 5
    assert milestones_visible_to(other_staff).count() == 0


def test_a_restricted_report_covers_the_same_milestones(staff, milestones, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_request(actor=staff, kind="commitment_timetable")
    report = Report.objects.get(pk=report.pk)
    assert report.is_restricted
    titles = sorted(report_scope(report).milestones.values_list("title", flat=True))
    assert titles == sorted(["مهلت تعهد خودم", "مهلت برنامه"])


def test_the_dashboard_of_staff_leaves_out_another_commitments_milestone(client, staff, milestones):
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert "مهلت تعهد خودم" in html and "مهلت برنامه" in html
    assert "مهلت تعهد دیگر" not in html and "مهلت دوگانه" not in html
