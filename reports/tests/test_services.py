"""The daily deadline run: drafts 10 and 3 days before, the final pack on the day, once each, e-mailed in Persian."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from core import persian
from reports import services
from reports.models import DeadlineRule, Report
from reports.tasks import run_deadline_schedules
from tests import factories as f

pytestmark = pytest.mark.django_db

TIR_5_1405 = datetime.date(2026, 6, 26)


@pytest.fixture
def rule(db):
    return DeadlineRule.objects.create(
        title="تحویل گزارش آسیب‌شناسی", jalali_month=4, jalali_day=5, report_kind="pathology"
    )


@pytest.fixture
def mailed_official(official):
    official.email = "official@kerman.example"
    official.save()
    return official


def run(today, capture):
    with capture(execute=True):
        return services.deadline_run(today)


def test_daily_task_is_registered_in_django_celery_beat(db):
    task = PeriodicTask.objects.get(task="reports.tasks.run_deadline_schedules")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("6", "30", "Asia/Tehran")


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(40, None), (11, None), (10, "draft10"), (5, "draft10"), (3, "draft3"), (1, "draft3"), (0, "final"), (-1, None)],
)
def test_stage_for(days_left, stage):
    assert services.stage_for(days_left, [10, 3]) == stage


def test_draft_ten_days_before_then_nothing_twice(rule, mailed_official, django_capture_on_commit_callbacks):
    today = TIR_5_1405 - datetime.timedelta(days=10)

    created = run(today, django_capture_on_commit_callbacks)

    report = Report.objects.get()
    assert created == [report]
    assert (report.kind, report.due_on, report.is_draft, report.schedule_key) == (
        "pathology",
        TIR_5_1405,
        True,
        "pathology:2026-06-26:draft10",
    )
    assert report.status == "ready" and report.requested_by is None and not report.is_restricted
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["official@kerman.example"]
    assert message.subject == "پیش‌نویس «آسیب‌شناسی مشاغل خانگی» برای مهلت ۵ تیر ۱۴۰۵"
    assert "۱۰ روز تا مهلت «تحویل گزارش آسیب‌شناسی» (۵ تیر ۱۴۰۵) مانده است." in message.body
    assert f"http://127.0.0.1:8000/reports/#report-{report.pk}" in message.body

    # The same day again (beat restarted, or an admin ran it by hand): nothing new.
    assert run(today, django_capture_on_commit_callbacks) == []
    assert Report.objects.count() == 1 and len(mail.outbox) == 1


def test_three_days_before_and_the_day_itself(rule, mailed_official, django_capture_on_commit_callbacks):
    for days in (10, 9, 4, 3, 2, 0):
        run(TIR_5_1405 - datetime.timedelta(days=days), django_capture_on_commit_callbacks)
    # Past the deadline day nothing more: it closed at the end of 5 Tir, Tehran time.
    run(TIR_5_1405 + datetime.timedelta(days=1), django_capture_on_commit_callbacks)

    keys = sorted(Report.objects.values_list("schedule_key", "is_draft"))
    assert keys == [
        ("pathology:2026-06-26:draft10", True),
        ("pathology:2026-06-26:draft3", True),
        ("pathology:2026-06-26:final", False),
    ]
    assert [m.subject for m in mail.outbox][-1] == "نسخهٔ نهایی «آسیب‌شناسی مشاغل خانگی» — مهلت امروز، ۵ تیر ۱۴۰۵"


def test_rule_recurs_every_jalali_year(rule, django_capture_on_commit_callbacks):
    run(datetime.date(2027, 6, 26), django_capture_on_commit_callbacks)  # 5 Tir 1406
    assert Report.objects.get().schedule_key == "pathology:2027-06-26:final"


def test_a_missed_day_is_caught_up_once(rule, django_capture_on_commit_callbacks):
    run(TIR_5_1405 - datetime.timedelta(days=6), django_capture_on_commit_callbacks)
    run(TIR_5_1405 - datetime.timedelta(days=5), django_capture_on_commit_callbacks)
    assert list(Report.objects.values_list("schedule_key", flat=True)) == ["pathology:2026-06-26:draft10"]


def test_milestone_with_a_report_and_a_rule_on_the_same_day_build_one_report(
    rule, commitment, django_capture_on_commit_callbacks
):
    f.MilestoneFactory(commitment=commitment, due_on=TIR_5_1405, report_kind="pathology")
    f.MilestoneFactory(commitment=commitment, due_on=TIR_5_1405, report_kind="commitment_timetable")
    f.MilestoneFactory(commitment=commitment, due_on=TIR_5_1405, report_kind="credits", done_on=TIR_5_1405)

    run(TIR_5_1405 - datetime.timedelta(days=3), django_capture_on_commit_callbacks)

    assert sorted(Report.objects.values_list("schedule_key", flat=True)) == [
        "commitment_timetable:2026-06-26:draft3",
        "pathology:2026-06-26:draft3",
    ]


def test_rule_recipients_get_mail_only_if_they_may_see_the_report(
    rule, mailed_official, django_capture_on_commit_callbacks
):
    staff = f.make_staff("staff_with_mail")
    staff.email = "staff@kerman.example"
    staff.save()
    other_official = f.make_official("second_official")
    other_official.email = "OFFICIAL@kerman.example"  # the same mailbox: one message
    other_official.save()
    rule.recipients.add(staff, other_official)

    run(TIR_5_1405, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["official@kerman.example"]]


def test_the_celery_task_takes_an_iso_day(rule, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ids = run_deadline_schedules.apply(kwargs={"today": "2026-06-26"}).get()
    assert ids == [Report.objects.get(schedule_key="pathology:2026-06-26:final").pk]


def test_rule_validation_speaks_persian(db):
    rule = DeadlineRule(title="x", jalali_month=7, jalali_day=31, report_kind="credits", draft_days_before="۱۰، سه")
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    errors = exc.value.message_dict
    assert errors["jalali_day"] == ["مهر ۳۰ روز دارد؛ روز ۳۱ وجود ندارد."]
    assert errors["draft_days_before"] == ["«سه» عدد نیست؛ روزها را با ویرگول جدا کنید، مثل «۱۰، ۳»."]

    rule = DeadlineRule(title="x", jalali_month=12, jalali_day=30, report_kind="credits", draft_days_before="۱۴، ۷ ,1")
    rule.full_clean()
    assert rule.draft_days() == [14, 7, 1]
    # 30 Esfand in a common year falls on its last day, 29 Esfand.
    assert persian.next_jalali_occurrence(12, 30, datetime.date(2026, 3, 1)) == datetime.date(2026, 3, 20)


def test_default_draft_days_come_from_settings(settings, rule):
    settings.REPORT_DRAFT_DAYS_BEFORE = [7, 1]
    assert rule.draft_days() == [7, 1]


def test_seeded_5_tir_builds_the_final_pack_once(db, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    call_command("seed_kerman")
    call_command("seed_kerman")  # idempotent: still one rule per kind
    assert sorted(DeadlineRule.objects.values_list("jalali_month", "jalali_day", "report_kind")) == [
        (4, 5, "commitment_timetable"),
        (4, 5, "pathology"),
    ]
    tir_5 = persian.next_jalali_occurrence(4, 5)

    run(tir_5, django_capture_on_commit_callbacks)  # the seeded milestones fall on the same day: no duplicates

    finals = Report.objects.order_by("kind")
    assert [(r.kind, r.is_draft, r.due_on, r.status) for r in finals] == [
        ("commitment_timetable", False, tir_5, "ready"),
        ("pathology", False, tir_5, "ready"),
    ]
