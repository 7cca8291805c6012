"""The daily run: reminders before reporting periods close, milestones coming due or
overdue, escalation of the overdue, and the day's digests. Beat runs it every morning
(notifications.tasks.run_reminders) and `manage.py send_reminders` runs the same function.

Every notice has an event key that names its day-independent stage («۳ روز مانده»,
«روز پایان دوره», «هفتهٔ دوم پس از مهلت»), so a second run on the same day, or the next
day's run after a missed one, records nothing twice and catches up what was missed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from commitments import figures as commitment_figures
from commitments import selectors as commitment_selectors
from commitments.models import Commitment, Milestone
from core import persian

from . import events
from .models import Kind
from .services import Notice, notify_many, send_digests

MILESTONE_DAYS_BEFORE = (10, 3, 1)
ESCALATE_AFTER_DAYS = 7  # overdue this long → the officials, and again every week until done


@dataclass
class RunResult:
    notices: int = 0
    digests: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int) -> None:
        self.notices += count
        self.by_kind[kind] = self.by_kind.get(kind, 0) + count


def run(today: datetime.date | None = None, *, digests: bool = True) -> RunResult:
    today = today or persian.local_today()
    result = RunResult()
    period_reminders(today, result)
    milestone_notices(today, result)
    if digests:
        result.digests = send_digests()
    return result


def period_stage(days_left: int) -> str | None:
    """«close» on the period's last day, «before» from REPORT_DUE_DAYS_BEFORE days before it."""
    if days_left == 0:
        return "close"
    if 0 < days_left <= commitment_figures.REPORT_DUE_DAYS_BEFORE:
        return "before"
    return None


def period_reminders(today: datetime.date, result: RunResult) -> None:
    owing = commitment_figures.commitments_owing_reports(Commitment.objects.all(), today)
    due_now = {}
    for pk, period in owing.items():
        if period.end < today:
            continue  # a closed period: «نیازمند گزارش» on the pages, no more reminders
        stage = period_stage((period.end - today).days)
        if stage:
            due_now[pk] = (period, stage)
    if not due_now:
        return
    reporters = commitment_selectors.reporters_who_see(due_now)
    titles = dict(Commitment.objects.filter(pk__in=due_now).values_list("pk", "title"))
    batch = []
    for pk, (period, stage) in sorted(due_now.items()):
        end = persian.format_jalali_long(period.end)
        days = (period.end - today).days
        when = (
            f"امروز، {end}، آخرین روز" if stage == "close" else f"{persian.persian_digits(days)} روز دیگر ({end}) پایان"
        )
        batch.append(
            (
                reporters.get(pk, []),
                Notice(
                    kind=Kind.PERIOD_DUE,
                    event_key=f"period:{pk}:{period.end.isoformat()}:{stage}",
                    title=f"یادآوری گزارش دوره: «{titles[pk]}»"[:300],
                    body=f"{when} دورهٔ گزارش از {persian.format_jalali_long(period.start)} است و برای این تعهد هنوز "
                    "گزارش پیشرفتی ثبت نشده است. تعهد تا رسیدن گزارش «نیازمند گزارش» نشان داده می‌شود.",
                    url=reverse("commitments:entry_create", args=[pk]),
                ),
            )
        )
    result.add(Kind.PERIOD_DUE, len(notify_many(batch)))


def milestone_stage(days_left: int) -> tuple[str, str] | None:
    """(kind, stage) of the notice a milestone gets at `days_left` (negative: overdue)."""
    if days_left > 0:
        reached = [n for n in MILESTONE_DAYS_BEFORE if n >= days_left]
        return (Kind.MILESTONE_DUE, f"due{min(reached)}") if reached else None
    if days_left == 0:
        return (Kind.MILESTONE_DUE, "due0")
    overdue = -days_left
    if overdue < ESCALATE_AFTER_DAYS:
        return (Kind.MILESTONE_OVERDUE, "overdue")
    return (Kind.MILESTONE_ESCALATION, f"escalation{overdue // ESCALATE_AFTER_DAYS}")


def milestone_notices(today: datetime.date, result: RunResult) -> None:
    rows = (
        Milestone.objects.filter(
            done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=max(MILESTONE_DAYS_BEFORE))
        )
        .select_related("responsible", "commitment", "program")
        .order_by("due_on", "pk")
    )
    officials = list(events.officials())
    batch = []
    for milestone in rows:
        days_left = (milestone.due_on - today).days
        found = milestone_stage(days_left)
        if not found:
            continue
        kind, stage = found
        due = persian.format_jalali_long(milestone.due_on)
        whose = f"«{milestone.title}» (مسئول: {milestone.responsible})"
        if kind == Kind.MILESTONE_DUE:
            users = commitment_selectors.milestone_responsible_users(milestone) + officials
            title = f"مهلت نزدیک: {milestone.title}" if days_left else f"مهلت امروز: {milestone.title}"
            body = (
                f"{persian.persian_digits(days_left)} روز تا مهلت {whose} مانده است: {due}."
                if days_left
                else f"امروز، {due}، مهلت {whose} است."
            )
        elif kind == Kind.MILESTONE_OVERDUE:
            users = commitment_selectors.milestone_responsible_users(milestone) + officials
            title = f"مهلت گذشت: {milestone.title}"
            body = (
                f"مهلت {whose} {due} بود و {persian.persian_digits(-days_left)} روز از آن گذشته است؛ هنوز انجام نشده."
            )
        else:
            users = officials
            title = f"پیگیری: {persian.persian_digits(-days_left)} روز از مهلت «{milestone.title}» گذشته است"
            body = f"مهلت {whose} {due} بود و هنوز انجام نشده است. این پیگیری هر هفته تا انجام آن تکرار می‌شود."
        notice = Notice(
            kind=kind,
            event_key=f"milestone:{milestone.pk}:{milestone.due_on.isoformat()}:{stage}",
            title=title[:300],
            body=body,
            url=f"{reverse('reports:dashboard')}#milestone-{milestone.pk}",
        )
        batch.append((users, notice))
    for n in notify_many(batch):
        result.add(n.kind, 1)
