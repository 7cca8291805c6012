"""The daily run: reporting periods, milestones, escalation; twice on one day sends once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from commitments.figures import commitments_owing_reports
from commitments.models import Commitment
from notifications import reminders
from notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db

AZAR_30 = datetime.date(2026, 12, 21)  # 30 Azar 1405, the last day of Azar


def got(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "event_key"))


def run(day, capture):
    with capture(execute=True):
        return reminders.run(day)


def test_reporters_are_reminded_before_the_period_closes_and_on_its_day(
    cast, commitment, other_commitment, django_capture_on_commit_callbacks
):
    # Reza's commitment already has its Azar entry; Sara's has none
    f.ProgressEntryFactory(commitment=other_commitment, period_end=datetime.date(2026, 12, 10), entered_by=cast["reza"])
    # 6 days before the end: nothing yet
    run(AZAR_30 - datetime.timedelta(days=6), django_capture_on_commit_callbacks)
    assert got("period_due") == []
    # 5 days before, and again on the day: Sara, and no one else
    run(AZAR_30 - datetime.timedelta(days=5), django_capture_on_commit_callbacks)
    run(AZAR_30 - datetime.timedelta(days=4), django_capture_on_commit_callbacks)
    run(AZAR_30, django_capture_on_commit_callbacks)
    key = f"period:{commitment.pk}:2026-12-21"
    assert got("period_due") == [("sara", f"{key}:before"), ("sara", f"{key}:close")]
    assert sorted(m.to[0] for m in mail.outbox) == ["sara@example.com"] * 2
    [before, close] = sorted(mail.outbox, key=lambda m: "امروز" in m.body)
    assert "۵ روز دیگر (۳۰ آذر ۱۴۰۵)" in before.body
    assert "امروز، ۳۰ آذر ۱۴۰۵، آخرین روز" in close.body
    assert f"http://127.0.0.1:8000/commitments/{commitment.pk}/progress/new/" in close.body


def test_the_daily_run_twice_on_one_day_sends_each_reminder_once(cast, commitment, django_capture_on_commit_callbacks):
    f.MilestoneFactory(commitment=commitment, due_on=AZAR_30 + datetime.timedelta(days=3))
    first = run(AZAR_30, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    second = run(AZAR_30, django_capture_on_commit_callbacks)
    # Sara's and Reza's periods (neither has an Azar entry); the milestone to Sara, Alice and Omid
    assert first.notices == 5
    assert second.notices == 0
    assert len(mail.outbox) == sent == 5


def test_send_reminders_takes_a_jalali_date_in_persian_or_latin_digits(cast, commitment, capsys):
    call_command("send_reminders", "--date", "۱۴۰۵/۰۹/۳۰")
    call_command("send_reminders", "--date", "1405/09/30")
    out = capsys.readouterr().out
    # Sara and Reza, each of their own commitment's Azar period, once
    assert "یادآوری‌های ۱۴۰۵/۰۹/۳۰: ۲ اعلان تازه؛ ۲ رایانامهٔ در انتظار فرستاده شد" in out
    assert "یادآوری‌های ۱۴۰۵/۰۹/۳۰: ۰ اعلان تازه؛ ۰ رایانامهٔ در انتظار فرستاده شد" in out
    assert sorted(m.to[0] for m in mail.outbox) == ["reza@example.com", "sara@example.com"]


def test_send_reminders_refuses_a_bad_date_in_persian(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="اسفند"):
        call_command("send_reminders", "--date", "1405/12/30")
    assert Notification.objects.count() == 0


def test_milestones_due_overdue_and_escalated_weekly(
    cast, commitment, other_commitment, django_capture_on_commit_callbacks
):
    milestone = f.MilestoneFactory(commitment=commitment, due_on=AZAR_30)
    f.MilestoneFactory(commitment=commitment, due_on=AZAR_30 - datetime.timedelta(days=30), done_on=AZAR_30)
    key = f"milestone:{milestone.pk}:2026-12-21"
    for days in (-11, -10, -4, -3, -2, -1, 0, 1, 2, 6, 7, 8, 13, 14, 21):
        run(AZAR_30 + datetime.timedelta(days=days), django_capture_on_commit_callbacks)
    # due in 10, 3, 1 days and on the day: Sara (its reporter) and the officials, never Reza or Nima
    assert got("milestone_due") == sorted(
        (who, f"{key}:due{n}") for who in ("alice", "omid", "sara") for n in (10, 3, 1, 0)
    )
    # overdue: the same people, once
    assert got("milestone_overdue") == [(who, f"{key}:overdue") for who in ("alice", "omid", "sara")]
    # 7 days overdue and every week after: the officials only
    assert got("milestone_escalation") == sorted(
        (who, f"{key}:escalation{w}") for who in ("alice", "omid") for w in (1, 2, 3)
    )
    addressed = {a for m in mail.outbox if milestone.title in m.body for a in m.to}
    assert addressed == {"alice@example.com", "omid@example.com", "sara@example.com"}
    # once done, nothing more
    milestone.done_on = AZAR_30 + datetime.timedelta(days=22)
    milestone.save()
    about_it = Notification.objects.filter(event_key__startswith=key)
    before = about_it.count()
    run(AZAR_30 + datetime.timedelta(days=28), django_capture_on_commit_callbacks)
    assert about_it.count() == before


def test_a_programme_milestone_reaches_the_responsible_organisations_reporters(
    cast, commitment, other_commitment, django_capture_on_commit_callbacks
):
    # The programme-level deliverable is the other commitment's organisation's task: Reza's
    milestone = f.MilestoneFactory(
        commitment=None, program=commitment.program, responsible=other_commitment.organization, due_on=AZAR_30
    )
    run(AZAR_30, django_capture_on_commit_callbacks)
    assert [w for w, _ in got("milestone_due")] == ["alice", "omid", "reza"]
    assert Notification.objects.get(recipient=cast["reza"], kind="milestone_due").url == f"/#milestone-{milestone.pk}"


def test_needs_report_until_an_entry_arrives(cast, commitment):
    qs = Commitment.objects.filter(pk=commitment.pk)
    # 15 days before the end of Azar, the Aban entry in: owes nothing
    f.ProgressEntryFactory(commitment=commitment, period_end=datetime.date(2026, 11, 15), entered_by=cast["sara"])
    assert commitments_owing_reports(qs, datetime.date(2026, 12, 6)) == {}
    # 5 days before: owes Azar
    owing = commitments_owing_reports(qs, datetime.date(2026, 12, 16))
    assert (owing[commitment.pk].start, owing[commitment.pk].end) == (datetime.date(2026, 11, 22), AZAR_30)
    # after Azar closed with no entry, it still owes Azar
    assert commitments_owing_reports(qs, datetime.date(2027, 1, 2))[commitment.pk].end == AZAR_30
    # a returned entry does not count; a sent one does
    entry = f.ProgressEntryFactory(
        commitment=commitment, period_end=datetime.date(2026, 12, 20), entered_by=cast["sara"], status="rejected"
    )
    assert commitment.pk in commitments_owing_reports(qs, datetime.date(2027, 1, 2))
    entry.status = "submitted"
    entry.save()
    assert commitments_owing_reports(qs, datetime.date(2027, 1, 2)) == {}


def test_a_quarterly_commitment_owes_once_a_quarter(cast, commitment):
    commitment.reporting_period_months = 3
    commitment.save()
    f.ProgressEntryFactory(commitment=commitment, period_end=datetime.date(2026, 9, 1), entered_by=cast["sara"])
    qs = Commitment.objects.filter(pk=commitment.pk)
    # Autumn (Mehr–Azar): the end of Aban is not the end of the period
    assert commitments_owing_reports(qs, datetime.date(2026, 11, 18)) == {}
    assert commitments_owing_reports(qs, datetime.date(2026, 12, 17))[commitment.pk].start == datetime.date(2026, 9, 23)


def test_reporters_who_see_agrees_with_commitments_visible_to(cast, commitment, other_commitment):
    from commitments.selectors import commitments_visible_to, reporters_who_see

    commitment.reporters.add(cast["alice"], f.UserFactory(username="no_role"))
    found = reporters_who_see([commitment.pk, other_commitment.pk])
    for pk, users in found.items():
        for user in users:
            assert commitments_visible_to(user).filter(pk=pk).exists()
    assert {pk: sorted(u.username for u in users) for pk, users in found.items()} == {
        commitment.pk: ["alice", "sara"],
        other_commitment.pk: ["reza"],
    }


def test_beat_runs_the_daily_run_and_the_sweep_from_the_admins_schedule(db):
    from django_celery_beat.models import PeriodicTask

    from kerman_jobs.celery import app

    tasks = dict(PeriodicTask.objects.filter(task__startswith="notifications.").values_list("task", "enabled"))
    assert tasks == {"notifications.tasks.run_reminders": True, "notifications.tasks.send_pending_deliveries": True}
    daily = PeriodicTask.objects.get(task="notifications.tasks.run_reminders")
    assert (daily.crontab.hour, daily.crontab.minute, str(daily.crontab.timezone)) == ("7", "0", "Asia/Tehran")
    assert set(tasks) <= set(app.tasks)  # names beat will send are tasks the worker knows


def test_the_beat_task_is_the_command_s_function(cast, commitment, django_capture_on_commit_callbacks):
    from notifications.tasks import run_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminders.apply(kwargs={"today": AZAR_30.isoformat()}).get() == 2
        assert run_reminders.apply(kwargs={"today": AZAR_30.isoformat()}).get() == 0
