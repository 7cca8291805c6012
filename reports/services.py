"""Every write to reports: asking for one, building it, and the daily deadline run.

A build is claimed with one conditional UPDATE (pending → running, or a "running" one
whose worker died long ago), so two deliveries of the same task never build twice, and
finished with another conditional UPDATE that names the claim (its started_at), so a
worker that lost its claim cannot overwrite the one that holds it. These transitions
are plain UPDATEs and leave no django-simple-history row; the request does.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from commitments import services as commitment_services
from commitments.models import Milestone
from core import figure_cache, glossary, persian
from core.roles import OFFICIALS_GROUP, is_official
from core.writes import stamp

from . import signals
from .models import DeadlineRule, FigureSnapshot, Report
from .selectors import can_request_reports, covered_commitment_ids

logger = logging.getLogger(__name__)


BUILD_TASK = "reports.tasks.build_report_task"


def enqueue_build(report_id: int) -> bool:
    """Hand the build to the broker; False (logged) when it is unreachable.

    The report then stays «در صف» with no enqueued_at, and report_resend_unqueued (a
    periodic task, and every later request) sends it once Redis is back: nothing is
    lost and nothing half-built is written.
    """
    # Looked up by name in Celery's registry rather than imported: reports.tasks imports
    # this module, and the tasks are the only place that may know both.
    try:
        current_app.tasks[BUILD_TASK].apply_async(args=[report_id], queue=settings.REPORT_QUEUE)
    except Exception:
        logger.exception("report %s: could not reach the broker; stays pending until it is resent", report_id)
        return False
    Report.objects.filter(pk=report_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
    return True


def report_resend_unqueued(*, min_age_seconds: float | None = None) -> list[int]:
    """Send again every pending report the broker never took, or took long ago.

    Never sent: enqueue_build failed (Redis down). Sent long ago and still pending: the
    message was lost (a Redis restarted without persistence). A duplicate message is
    harmless, since the claim builds a report once. Returns the ids it sent.
    """
    age = settings.REPORT_RESEND_AFTER_SECONDS if min_age_seconds is None else min_age_seconds
    before = timezone.now() - datetime.timedelta(seconds=age)
    stale_sent = timezone.now() - datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    ids = list(
        Report.objects.filter(status=Report.Status.PENDING, created_at__lte=before)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale_sent))
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    sent = []
    for report_id in ids:
        # Cleared first, so a failed send leaves it «never sent» for the next sweep.
        Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(enqueued_at=None)
        if not enqueue_build(report_id):
            break  # the broker is still down; the next sweep tries again
        sent.append(report_id)
    return sent


def report_was_enqueued(report_id: int) -> bool:
    return Report.objects.filter(pk=report_id, enqueued_at__isnull=False).exists()


def report_create(
    *,
    actor,
    kind: str,
    due_on: datetime.date | None = None,
    is_draft: bool = False,
    schedule_key: str | None = None,
    reason: str = "درخواست گزارش",
) -> Report:
    """A pending report; nothing is enqueued (report_request and the schedule do that)."""
    if kind not in Report.Kind.values:
        raise ValidationError(
            {"kind": "نوع گزارش شناخته نیست؛ یکی از برنامه زمان‌بندی، آسیب‌شناسی یا اعتبارات را انتخاب کنید."}
        )
    report = Report(
        kind=kind,
        due_on=due_on,
        is_draft=is_draft,
        requested_by=actor,
        # Only officials' and scheduled reports cover the whole province.
        is_restricted=actor is not None and not is_official(actor),
        schedule_key=schedule_key,
    )
    report.full_clean()
    stamp(report, actor, reason)
    report.save()
    return report


def report_request(*, actor, kind: str, due_on: datetime.date | None = None, is_draft: bool = False) -> Report:
    """A person asks for a report now; it is built by a worker once this transaction commits."""
    if not can_request_reports(actor):
        raise PermissionDenied("فقط مقام‌های استانی و کارشناسان اتاق بازرگانی می‌توانند گزارش درخواست کنند.")
    with transaction.atomic():
        report = report_create(actor=actor, kind=kind, due_on=due_on, is_draft=is_draft)
        report_id = report.id
        # robust: a broker that is down must not turn a saved request into an error page;
        # the report stays «در صف» and the failure is logged.
        transaction.on_commit(lambda: _send_with_waiting(report_id), robust=True)
    return report


def _send_with_waiting(report_id: int) -> None:
    # A request that reaches the broker also sends whatever an earlier outage left waiting.
    if enqueue_build(report_id):
        report_resend_unqueued()


# ---------------------------------------------------------------- building


def report_claim(report_id: int) -> datetime.datetime | None:
    """Take the report for building; returns the claim (its started_at) or None if not ours to build.

    Claimable: pending, or running with a started_at older than REPORT_STALE_SECONDS
    (its worker was killed and the broker redelivered the task). Ready and failed
    reports are never built again, so a task that runs twice builds once.
    """
    now = timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    claimable = Q(status=Report.Status.PENDING) | Q(status=Report.Status.RUNNING, started_at__lt=stale_before)
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=Report.Status.RUNNING, started_at=now, attempts=F("attempts") + 1, error=""
    )
    return now if claimed else None


def report_seconds_until_stale(report_id: int) -> float | None:
    """For a report another build holds: how long until that claim counts as dead; else None.

    A prefork worker whose child was killed requeues its task at once; the claim is then
    still fresh, so the task must come back later rather than be dropped, or the report
    would stay «در حال ساخت» for ever.
    """
    started = (
        Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).values_list("started_at", flat=True).first()
    )
    if started is None:
        return None
    stale_at = started + datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    return max((stale_at - timezone.now()).total_seconds(), 0.0) + 1.0


def report_release(report_id: int, claim: datetime.datetime) -> bool:
    """Back to pending before a retry, so the retried task can claim it again."""
    return bool(
        Report.objects.filter(pk=report_id, status=Report.Status.RUNNING, started_at=claim).update(
            status=Report.Status.PENDING
        )
    )


def report_fail(report_id: int, claim: datetime.datetime | None, message: str) -> bool:
    qs = Report.objects.filter(pk=report_id, status=Report.Status.RUNNING)
    if claim is not None:
        qs = qs.filter(started_at=claim)
    return bool(qs.update(status=Report.Status.FAILED, error=message, finished_at=timezone.now()))


def report_build(report_id: int, *, today: datetime.date | None = None) -> Report | None:
    """Claim, build both files, and mark ready in one UPDATE. None when there was nothing to do.

    Raises on errors, with the claim released or failed by the caller (the task) that
    knows whether another attempt will follow; see tasks.build_report_task.
    """
    from .builders.files import write_report_files
    from .builders.kinds import build_content

    claim = report_claim(report_id)
    if claim is None:
        logger.info("report %s: not claimable (already built, being built, or missing)", report_id)
        return None
    try:
        report = Report.objects.select_related("requested_by").get(pk=report_id)
        # Recorded before building: a reporter removed meanwhile is then missing from the
        # scope at download time and the files are refused, never the other way round.
        covered = covered_commitment_ids(report)
        content = build_content(report, today=today)
        pdf_name, xlsx_name = write_report_files(report, content)
    except BaseException as exc:
        exc.report_claim = claim  # the task decides: release for a retry, or fail
        raise
    done = Report.objects.filter(pk=report_id, status=Report.Status.RUNNING, started_at=claim).update(
        status=Report.Status.READY,
        pdf=pdf_name,
        xlsx=xlsx_name,
        finished_at=timezone.now(),
        error="",
        covered_commitment_ids=covered,
    )
    if not done:
        logger.warning("report %s: claim lost while building; the other build's result stands", report_id)
        return None
    report = Report.objects.select_related("requested_by").get(pk=report_id)
    if is_final_deadline_report(report):
        snapshot_take(report=report, content=content)
    try:
        signals.report_ready.send(sender=Report, report=report)
    except Exception:
        # The report is ready either way; a notice that could not be recorded is logged.
        logger.exception("report %s: could not announce that it is ready", report_id)
    return report


# ---------------------------------------------------------------- frozen figures


def is_final_deadline_report(report: Report) -> bool:
    """The pack handed over on a deadline's day (the 5 Tir pack): final, with a deadline,
    over the whole province. Its figures are frozen (snapshot_take)."""
    return not report.is_draft and report.due_on is not None and not report.is_restricted


SNAPSHOT_IMMUTABLE = "ارقام ارائه‌شده ثابت می‌مانند و ویرایش نمی‌شوند؛ گزارش نهایی تازه جای آن‌ها را می‌گیرد."


@transaction.atomic
def snapshot_take(*, report: Report, content) -> FigureSnapshot:
    """Freeze the figures a final deadline report printed: its facts that the glossary
    names, and what its kind recorded in content.snapshot (per commitment, per county).
    The kind's previous current snapshot is superseded by this one; nothing else about a
    snapshot ever changes. Building the same report twice freezes it once."""
    existing = FigureSnapshot.objects.filter(report=report).first()
    if existing is not None:
        return existing
    from commitments.models import Commitment

    facts = {f.key: f.value for f in content.facts if f.key in glossary.FIGURES}
    ids = [int(pk) for pk in content.snapshot.get("commitments", {})]
    hidden = Commitment.objects.filter(pk__in=ids, is_public=False).exists()
    snapshot = FigureSnapshot(
        report=report,
        kind=report.kind,
        due_on=report.due_on,
        as_of=content.today,
        figures={**content.snapshot, "facts": facts, "all_public": not hidden},
    )
    snapshot.full_clean()
    snapshot.save()
    FigureSnapshot.objects.filter(kind=report.kind, superseded_by__isnull=True).exclude(pk=snapshot.pk).update(
        superseded_by=snapshot
    )
    figure_cache.bump_now_and_on_commit()
    return snapshot


def snapshot_update(*, actor, snapshot: FigureSnapshot, **changes) -> None:
    """There is no such thing: a snapshot is what was handed over, and stays so."""
    raise ValidationError(SNAPSHOT_IMMUTABLE)


def report_retry(*, actor, report: Report) -> Report:
    """A failed report back into the queue (officials, or the staff member who asked for it)."""
    if not can_request_reports(actor):
        raise PermissionDenied("اجازهٔ ساخت دوبارهٔ این گزارش را ندارید.")
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
            status=Report.Status.PENDING, error="", finished_at=None
        )
        if not updated:
            raise ValidationError("فقط گزارش ناموفق را می‌توان دوباره ساخت.")
        transaction.on_commit(lambda: enqueue_build(report.pk), robust=True)
    report.refresh_from_db()
    return report


# ---------------------------------------------------------------- deliverables answered by a report


def milestone_done_with_report(*, actor, milestone: Milestone, report: Report) -> Milestone:
    """An official marks a deliverable done, attaching the ready report that answers it.

    The report must be ready (its files are what was delivered) and, where the milestone
    names a report kind, of that kind. Both rows change in one transaction.
    """
    if not is_official(actor):
        raise PermissionDenied("فقط مقام استانی انجام یک مهلت را ثبت می‌کند.")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != Report.Status.READY:
            raise ValidationError("فقط گزارشی که فایل‌هایش آماده است به مهلت پیوست می‌شود.")
        if milestone.report_kind and report.kind != milestone.report_kind:
            raise ValidationError(
                f"این مهلت گزارش «{milestone.get_report_kind_display()}» می‌خواهد، نه «{report.get_kind_display()}»."
            )
        done = commitment_services.milestone_mark_done(
            actor=actor,
            milestone=milestone,
            done_on=persian.local_today(),
            reason=f"انجام با گزارش شمارهٔ {report.pk}",
        )
        report.answers_milestone = done
        stamp(report, actor, "پیوست به مهلت انجام‌شده")
        report.save(update_fields=["answers_milestone"])
    return done


def ready_reports_for(milestone: Milestone) -> list[Report]:
    """Ready reports an official may attach to this milestone: its kind's, newest first."""
    qs = Report.objects.filter(status=Report.Status.READY, is_restricted=False)
    if milestone.report_kind:
        qs = qs.filter(kind=milestone.report_kind)
    return list(qs.order_by("-finished_at", "-id")[:10])


# ---------------------------------------------------------------- the daily deadline run


@dataclass
class Deadline:
    due_on: datetime.date
    kind: str
    title: str
    draft_days: list[int]
    recipients: list = field(default_factory=list)


def deadlines(today: datetime.date) -> list[Deadline]:
    """Every deadline from today on: each active rule's next Jalali occurrence, and open milestones with a report."""
    result = []
    for rule in DeadlineRule.objects.filter(is_active=True).prefetch_related("recipients"):
        result.append(
            Deadline(
                due_on=persian.next_jalali_occurrence(rule.jalali_month, rule.jalali_day, today),
                kind=rule.report_kind,
                title=rule.title,
                draft_days=rule.draft_days(),
                recipients=list(rule.recipients.all()),
            )
        )
    milestones = Milestone.objects.filter(done_on__isnull=True, due_on__gte=today).exclude(report_kind="")
    for m in milestones:
        result.append(
            Deadline(
                due_on=m.due_on,
                kind=m.report_kind,
                title=m.title,
                draft_days=sorted(settings.REPORT_DRAFT_DAYS_BEFORE, reverse=True),
            )
        )
    return result


def stage_for(days_left: int, draft_days: list[int]) -> str | None:
    """«final» on the day; «draft10» from 10 days before, «draft3» from 3 days before; else None.

    A day the daily run missed is caught up: 5 days before, the 10-day draft is built
    if it has not been; its key keeps it from being built twice.
    """
    if days_left == 0:
        return "final"
    reached = [n for n in draft_days if n >= days_left > 0]
    return f"draft{min(reached)}" if reached else None


def _recipients(extra) -> list[str]:
    """Officials, plus the rule's recipients who may see province-wide reports; by e-mail, once each."""
    User = get_user_model()
    users = list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=OFFICIALS_GROUP) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
    )
    users += [u for u in extra if u.email and is_official(u)]
    seen: dict[str, None] = {}
    for u in users:
        seen.setdefault(u.email.lower(), None)
    return list(seen)


def _notify(report: Report, deadline: Deadline, days_left: int) -> int:
    addresses = _recipients(deadline.recipients)
    if not addresses:
        return 0
    kind = report.get_kind_display()
    due = persian.format_jalali_long(deadline.due_on)
    link = f"{settings.SITE_URL}{reverse('reports:list')}#report-{report.pk}"
    if report.is_draft:
        subject = f"پیش‌نویس «{kind}» برای مهلت {due}"
        when = f"{persian.persian_digits(days_left)} روز تا مهلت «{deadline.title}» ({due}) مانده است."
    else:
        subject = f"نسخهٔ نهایی «{kind}» — مهلت امروز، {due}"
        when = f"امروز، {due}، مهلت «{deadline.title}» است و تا پایان امروز به وقت تهران فرصت هست."
    body = (
        f"با سلام،\n\n{when}\n"
        f"{'پیش‌نویس' if report.is_draft else 'نسخهٔ نهایی'} گزارش «{kind}» (PDF و اکسل) در حال ساخت است "
        f"و چند دقیقهٔ دیگر از این نشانی دریافت می‌شود:\n{link}\n\n"
        "سامانهٔ پایش مشاغل خانگی استان کرمان"
    )
    messages = [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    return get_connection().send_messages(messages) or 0


def deadline_run(today: datetime.date | None = None) -> list[Report]:
    """The daily task: drafts before each deadline and the final pack on its day; e-mails.

    Idempotent per (kind, due date, stage): a second run on the same day creates nothing.
    """
    today = today or persian.local_today()
    created: list[Report] = []
    for deadline in sorted(deadlines(today), key=lambda d: (d.due_on, d.kind)):
        days_left = (deadline.due_on - today).days
        stage = stage_for(days_left, deadline.draft_days)
        if stage is None:
            continue
        key = f"{deadline.kind}:{deadline.due_on.isoformat()}:{stage}"
        if Report.objects.filter(schedule_key=key).exists():
            continue
        try:
            with transaction.atomic():
                report = report_create(
                    actor=None,
                    kind=deadline.kind,
                    due_on=deadline.due_on,
                    is_draft=stage != "final",
                    schedule_key=key,
                    reason=f"زمان‌بندی: {deadline.title}"[:100],
                )
                report_id = report.id
                transaction.on_commit(lambda rid=report_id: enqueue_build(rid), robust=True)
        except IntegrityError:
            continue  # another run created it a moment ago
        created.append(report)
        try:
            _notify(report, deadline, days_left)
        except Exception:
            # The report is built either way; a mail server that is down must not stop the others.
            logger.exception("report %s: could not send the deadline e-mail", report.pk)
    return created
