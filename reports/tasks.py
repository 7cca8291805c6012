"""Celery tasks: thin adapters that take ids and call reports.services.

build_report_task is safe to run twice (the claim makes the second a no-op), is
acknowledged late (a killed worker's task is redelivered), retries transient errors
with exponential backoff, and on the final failure records a Persian message on the
report; the traceback goes to the log only.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError

from core.persian import persian_digits

from . import services
from .builders.pdf import FontMissing

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 3

FAILED_TRANSIENT = "ساخت گزارش پس از چند بار تلاش انجام نشد (پایگاه داده یا دیسک در دسترس نبود). چند دقیقهٔ دیگر «ساخت دوباره» را بزنید؛ اگر باز هم نشد به مدیر سامانه خبر دهید."
FAILED_OTHER = (
    "ساخت گزارش با خطای پیش‌بینی‌نشده متوقف شد و با تلاش دوباره درست نمی‌شود. به مدیر سامانه خبر دهید (شمارهٔ گزارش: {id})."
)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES, persian_name="ساخت یک گزارش"
)
def build_report_task(self, report_id: int) -> str:
    try:
        report = services.report_build(report_id)
    except FontMissing as exc:
        # Not worth a retry: the font comes back only when someone installs it.
        logger.error("report %s: %s", report_id, exc)
        services.report_fail(report_id, getattr(exc, "report_claim", None), str(exc))
        return "failed"
    except TRANSIENT as exc:
        claim = getattr(exc, "report_claim", None)
        if self.request.retries < self.max_retries:
            if claim is not None:
                services.report_release(report_id, claim)
            countdown = get_exponential_backoff_interval(
                factor=2, retries=self.request.retries, maximum=120, full_jitter=True
            )
            logger.warning(
                "report %s: transient error, retry %s in %ss", report_id, self.request.retries + 1, countdown
            )
            raise self.retry(exc=exc, countdown=countdown) from exc
        logger.exception("report %s: failed after %s retries", report_id, self.request.retries)
        services.report_fail(report_id, claim, FAILED_TRANSIENT)
        return "failed"
    except Exception as exc:
        logger.exception("report %s: failed", report_id)
        services.report_fail(
            report_id, getattr(exc, "report_claim", None), FAILED_OTHER.format(id=persian_digits(report_id))
        )
        return "failed"
    if report is not None:
        return "ready"
    wait = services.report_seconds_until_stale(report_id)
    if wait is not None and not self.request.is_eager:
        # Held by another build: come back once that claim would count as dead (then it
        # is either ready, and this is a no-op, or it is taken over).
        raise self.retry(countdown=wait, max_retries=self.request.retries + 1)
    return "busy" if wait is not None else "skipped"


@shared_task(acks_late=True, persian_name="ساخت گزارش‌های مهلت‌دار")
def run_deadline_schedules(today: str | None = None) -> list[int]:
    """Daily (django-celery-beat): `today` as an ISO date only for a manual re-run of a missed day."""
    day = datetime.date.fromisoformat(today) if today else None
    return [r.id for r in services.deadline_run(day)]


@shared_task(acks_late=True, persian_name="فرستادن دوبارهٔ گزارش‌هایی که به صف نرسیدند")
def resend_unqueued_reports() -> list[int]:
    """Every minute (django-celery-beat): reports whose request found Redis down are sent now."""
    return services.report_resend_unqueued()
