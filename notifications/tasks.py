"""Celery tasks: thin adapters over notifications.services and .reminders, safe to run twice."""

from __future__ import annotations

import datetime

from celery import shared_task

from . import reminders, services


@shared_task(acks_late=True, persian_name="فرستادن رایانامه‌های یک اعلان")
def send_deliveries_task(delivery_ids: list[int]) -> int:
    """Send these e-mails now (nudged after the notice's transaction commits)."""
    return services.deliver(delivery_ids)


@shared_task(acks_late=True, persian_name="فرستادن رایانامه‌های مانده در صف")
def send_pending_deliveries() -> int:
    """Every minute (django-celery-beat): e-mails whose task never came or whose mail server was down."""
    return services.deliver_pending()


@shared_task(acks_late=True, persian_name="یادآوری‌ها و پیگیری مهلت‌ها")
def run_reminders(today: str | None = None) -> int:
    """Daily (django-celery-beat): `today` as an ISO date only for a manual re-run of a missed day."""
    day = datetime.date.fromisoformat(today) if today else None
    return reminders.run(day).notices
