"""The lower apps' announcements, turned into notices (connected in NotificationsConfig.ready).

The commitments signals arrive inside the write's transaction, so the notice is committed
with the event or not at all; its e-mail is handed to a worker only after the commit
(services.notify). A notice that cannot be recorded must not undo the event: it is
recorded in a savepoint and the failure is logged.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from commitments import signals as commitment_signals
from reports import signals as report_signals

from . import events

logger = logging.getLogger(__name__)


def _safely(what: str, func, *args) -> None:
    try:
        with transaction.atomic():
            func(*args)
    except Exception:
        logger.exception("notifications: could not record the notice of %s", what)


@receiver(commitment_signals.entry_submitted, dispatch_uid="notifications.entry_submitted")
def on_entry_submitted(sender, entry, actor, **kwargs):
    _safely(f"entry {entry.pk} submitted", events.entry_submitted, entry, actor)


@receiver(commitment_signals.entry_returned, dispatch_uid="notifications.entry_returned")
def on_entry_returned(sender, entry, actor, reason="", **kwargs):
    _safely(f"entry {entry.pk} returned", events.entry_returned, entry, actor, reason)


@receiver(commitment_signals.entry_verified, dispatch_uid="notifications.entry_verified")
def on_entry_verified(sender, entry, actor, **kwargs):
    _safely(f"entry {entry.pk} verified", events.entry_verified, entry, actor)


@receiver(commitment_signals.entry_reopened, dispatch_uid="notifications.entry_reopened")
def on_entry_reopened(sender, entry, actor, reason="", **kwargs):
    _safely(f"entry {entry.pk} reopened", events.entry_reopened, entry, actor, reason)


@receiver(report_signals.report_ready, dispatch_uid="notifications.report_ready")
def on_report_ready(sender, report, **kwargs):
    _safely(f"report {report.pk} ready", events.report_ready, report)
