"""Every write to notices: recording them, sending their e-mails, reading them, preferences.

`notify` records a notice once per (event, recipient) and, in the same transaction, the
e-mail deliveries its recipients want; the e-mails are nudged to a worker only after the
transaction commits. `deliver` claims deliveries with one conditional UPDATE (pending →
sending), so a task and the sweep that run at once never send one twice, and puts back
what the mail server refused: it stays pending until the server answers again.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core import persian

from .models import KIND_VALUES, Delivery, Kind, Notification, Preference

logger = logging.getLogger(__name__)

SEND_TASK = "notifications.tasks.send_deliveries_task"
# A delivery claimed longer ago than this belongs to a worker that died mid-send.
SENDING_STALE_SECONDS = 600
BATCH = 200


@dataclass(frozen=True)
class Notice:
    kind: str
    event_key: str
    title: str
    body: str
    url: str


# ---------------------------------------------------------------- recording


def notify(*, users: Iterable, notice: Notice) -> list[Notification]:
    """One notice for each user who has not had it (same event key), with its e-mail.

    Safe to call twice for one event: the second finds the first and records nothing.
    Returns the notices recorded now.
    """
    return notify_many([(users, notice)])


def notify_many(events: list[tuple[Iterable, Notice]]) -> list[Notification]:
    """notify() for many events at once, in a few queries whatever their number (the
    daily run): one to find who had which already, one insert of the notices, one read
    of the preferences, one insert of the e-mails, and one nudge after the commit."""
    wanted: dict[tuple[str, int], Notification] = {}
    people: dict[int, object] = {}
    for users, notice in events:
        key = notice.event_key[:200]
        for u in users:
            if u is None or not u.is_active or (key, u.pk) in wanted:
                continue
            people[u.pk] = u
            wanted[(key, u.pk)] = Notification(
                recipient_id=u.pk,
                kind=notice.kind,
                event_key=key,
                title=notice.title[:300],
                body=notice.body[:4000],
                url=notice.url[:500],
            )
    if not wanted:
        return []
    with transaction.atomic():
        had = set(
            Notification.objects.filter(event_key__in={k for k, _ in wanted}, recipient_id__in=people).values_list(
                "event_key", "recipient_id"
            )
        )
        new = [n for pair, n in wanted.items() if pair not in had]
        if not new:
            return []
        try:
            with transaction.atomic():
                created = Notification.objects.bulk_create(new)
        except IntegrityError:
            # Another run recorded some of them a moment ago: one at a time, keeping the rest.
            created = []
            for n in new:
                fields = {"kind": n.kind, "title": n.title, "body": n.body, "url": n.url}
                obj, made = Notification.objects.get_or_create(
                    event_key=n.event_key, recipient_id=n.recipient_id, defaults=fields
                )
                if made:
                    created.append(obj)
        _record_deliveries(created, people)
    return created


def _record_deliveries(created: list[Notification], users: dict) -> None:
    chosen = {
        (user_id, kind): channel
        for user_id, kind, channel in Preference.objects.filter(
            user_id__in={n.recipient_id for n in created}, kind__in={n.kind for n in created}
        ).values_list("user_id", "kind", "channel")
    }
    deliveries = []
    for n in created:
        address = users[n.recipient_id].email
        channel = chosen.get((n.recipient_id, n.kind), Preference.Channel.NOW)
        if not address or channel == Preference.Channel.NONE:
            continue
        deliveries.append(Delivery(notification=n, to_address=address, mode=channel))
    Delivery.objects.bulk_create(deliveries)
    now_ids = [d.pk for d in deliveries if d.mode == Delivery.Mode.NOW]
    for i in range(0, len(now_ids), BATCH):
        batch = now_ids[i : i + BATCH]
        transaction.on_commit(lambda batch=batch: enqueue_send(batch), robust=True)


def enqueue_send(delivery_ids: list[int]) -> bool:
    """Nudge a worker to send these now; False (logged) when the broker is unreachable,
    and the rows stay pending for the sweep."""
    try:
        current_app.tasks[SEND_TASK].apply_async(args=[delivery_ids], queue=settings.NOTIFICATION_QUEUE)
    except Exception:
        logger.exception("notifications: could not reach the broker; %s e-mails wait for the sweep", len(delivery_ids))
        return False
    return True


# ---------------------------------------------------------------- sending


def _claim(ids: list[int]) -> list[Delivery]:
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=SENDING_STALE_SECONDS)
    claimable = Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)
    Delivery.objects.filter(claimable, pk__in=ids).update(status=Delivery.Status.SENDING, claimed_at=now)
    return list(
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, claimed_at=now)
        .select_related("notification", "notification__recipient")
        .order_by("pk")
    )


def _release(deliveries: list[Delivery], error: str) -> None:
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status=Delivery.Status.SENDING).update(
        status=Delivery.Status.PENDING, claimed_at=None, last_error=error[:500], attempts=F("attempts") + 1
    )


def _mark_sent(deliveries: list[Delivery]) -> None:
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def render_email(notifications: list[Notification], *, digest: bool = False) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one notice, or of a day's digest of several."""
    first = notifications[0]
    items = [
        {
            "title": n.title,
            "body": n.body,
            "link": absolute(n.url),
            "when": persian.format_jalali_datetime(n.created_at),
            "kind": n.get_kind_display(),
        }
        for n in notifications
    ]
    context = {
        "items": items,
        "digest": digest,
        "name": first.recipient.get_full_name() or first.recipient.username,
        "today": persian.format_jalali_long(persian.local_today()),
        "settings_link": absolute("/notifications/settings/"),
        "site": settings.SITE_URL,
    }
    if digest:
        subject = f"خلاصهٔ اعلان‌های {context['today']}: {persian.format_number(len(items))} اعلان"
    else:
        subject = first.title
    text = render_to_string("notifications/email.txt", context)
    html = render_to_string("notifications/email.html", context)
    return subject, text, html


def _message(to: str, notifications: list[Notification], *, digest: bool, connection) -> EmailMultiAlternatives:
    subject, text, html = render_email(notifications, digest=digest)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], connection=connection)
    message.attach_alternative(html, "text/html")
    return message


def _refused_for_good(exc: Exception) -> bool:
    """A refusal of this one message that retrying will not change (an SMTP 5xx for a
    recipient, the sender or the data), as opposed to a server that is down or busy."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _mark_failed(delivery: Delivery, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, last_error=error[:500], attempts=F("attempts") + 1
    )


def deliver(delivery_ids: list[int]) -> int:
    """Send these e-mails (those still pending); returns how many went.

    A message the server refuses for good is marked failed and the rest go on; at any
    other error (the server is down or went away) this one and the rest go back to
    pending with the error, for the sweep.
    """
    deliveries = _claim(list(delivery_ids))
    if not deliveries:
        return 0
    sent = 0
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:
        logger.warning("notifications: mail server unreachable (%s); %s e-mails stay pending", exc, len(deliveries))
        _release(deliveries, str(exc))
        return 0
    try:
        for i, delivery in enumerate(deliveries):
            try:
                _message(delivery.to_address, [delivery.notification], digest=False, connection=connection).send()
            except Exception as exc:
                if _refused_for_good(exc):
                    logger.warning("notifications: e-mail %s refused for good: %s", delivery.pk, exc)
                    _mark_failed(delivery, str(exc))
                    continue
                logger.warning("notifications: sending failed (%s); %s e-mails stay pending", exc, len(deliveries) - i)
                _release(deliveries[i:], str(exc))
                break
            _mark_sent([delivery])
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:
            pass
    return sent


def deliver_pending(*, min_age_seconds: float | None = None) -> int:
    """The sweep: every e-mail to send now that is still pending (its task never came: the
    broker was down, or the mail server was), oldest first. Returns how many went."""
    age = settings.NOTIFICATION_RESEND_AFTER_SECONDS if min_age_seconds is None else min_age_seconds
    before = timezone.now() - datetime.timedelta(seconds=age)
    stale = timezone.now() - datetime.timedelta(seconds=SENDING_STALE_SECONDS)
    waiting = Delivery.objects.filter(mode=Delivery.Mode.NOW, created_at__lte=before).filter(
        Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)
    )
    total = 0
    last = 0
    while True:
        ids = list(waiting.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return total
        sent = deliver(ids)
        total += sent
        if sent < len(ids) and Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING).exists():
            return total  # the mail server refused: the next sweep tries again
        last = ids[-1]


def send_digests() -> int:
    """One e-mail per person with every notice they chose to get as a daily digest and
    have not had yet. Returns how many e-mails went."""
    ids = list(
        Delivery.objects.filter(mode=Delivery.Mode.DIGEST, status=Delivery.Status.PENDING).values_list("pk", flat=True)
    )
    deliveries = _claim(ids)
    by_address: dict[str, list[Delivery]] = defaultdict(list)
    for d in deliveries:
        by_address[d.to_address].append(d)
    sent = 0
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:
        _release(deliveries, str(exc))
        return 0
    try:
        for address, group in by_address.items():
            try:
                _message(address, [d.notification for d in group], digest=True, connection=connection).send()
            except Exception as exc:
                if _refused_for_good(exc):
                    for d in group:
                        _mark_failed(d, str(exc))
                        d.status = Delivery.Status.FAILED
                    continue
                waiting = [d for g in by_address.values() for d in g if d.status == Delivery.Status.SENDING]
                _release(waiting, str(exc))
                break
            _mark_sent(group)
            for d in group:
                d.status = Delivery.Status.SENT
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:
            pass
    return sent


# ---------------------------------------------------------------- reading and preferences


def notification_open(*, user, pk) -> Notification:
    """Marks one of the user's own notices read and returns it; another's is a 404."""
    from django.http import Http404

    try:
        notification = Notification.objects.get(pk=pk, recipient=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404("اعلان پیدا نشد.") from None
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, user, channels: dict[str, str]) -> None:
    """Each kind's e-mail channel for this user; in-site notices are always kept."""
    if not user.is_authenticated:
        raise PermissionDenied("برای تنظیم اعلان‌ها وارد شوید.")
    for kind, channel in channels.items():
        if kind not in KIND_VALUES:
            raise ValidationError(f"نوع اعلان «{kind[:40]}» شناخته نیست.")
        if channel not in Preference.Channel.values:
            raise ValidationError(
                "برای هر نوع اعلان یکی از «رایانامه بی‌درنگ»، «خلاصهٔ روزانه» یا «بدون رایانامه» را انتخاب کنید."
            )
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})


def preferences_of(user) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind.value: chosen.get(kind.value, Preference.Channel.NOW) for kind in Kind}
