"""Notices in the site, their e-mails, and what each person wants by e-mail.

A Notification is unique per (event key, recipient): whatever records an event twice
(the daily run on one day, a retried task) records it once. Its e-mail is a Delivery
row; the rows are the queue of record, and a Celery message only nudges a worker to
send one now (a sweep sends whatever waits, after an outage of the mail server or Redis).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    ENTRY_SUBMITTED = "entry_submitted", "گزارش پیشرفت تازه برای بررسی"
    ENTRY_RETURNED = "entry_returned", "برگشت گزارش پیشرفت"
    ENTRY_VERIFIED = "entry_verified", "تأیید گزارش پیشرفت"
    ENTRY_REOPENED = "entry_reopened", "بازگشایی گزارش پیشرفت"
    PERIOD_DUE = "period_due", "یادآوری دورهٔ گزارش"
    MILESTONE_DUE = "milestone_due", "مهلت نزدیک"
    MILESTONE_OVERDUE = "milestone_overdue", "مهلت گذشته"
    MILESTONE_ESCALATION = "milestone_escalation", "پیگیری مهلت گذشته"
    REPORT_READY = "report_ready", "آماده شدن گزارش"


KIND_VALUES = [k.value for k in Kind]


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="گیرنده", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("نوع", max_length=30, choices=Kind.choices)
    # What happened, named so that recording it twice finds the first: e.g.
    # "entry:12:returned:v3", "period:7:2026-06-21:close", "milestone:2:overdue".
    event_key = models.CharField("کلید رویداد", max_length=200)
    title = models.CharField("عنوان", max_length=300)
    body = models.TextField("متن", max_length=4000)
    url = models.CharField("پیوند", max_length=500, help_text="نشانی صفحه‌ای که کار در آن انجام می‌شود، از ریشهٔ سایت.")
    created_at = models.DateTimeField("زمان", auto_now_add=True)
    read_at = models.DateTimeField("زمان خواندن", null=True, blank=True)

    class Meta:
        verbose_name = "اعلان"
        verbose_name_plural = "اعلان‌ها"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient"], name="notification_once_per_event"),
            models.CheckConstraint(condition=Q(kind__in=KIND_VALUES), name="notification_kind_valid"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One notice's e-mail: pending until the mail server took it, then sent (or failed,
    when the server refused that one message for good)."""

    class Mode(models.TextChoices):
        NOW = "now", "بی‌درنگ"
        DIGEST = "digest", "خلاصهٔ روزانه"

    class Status(models.TextChoices):
        PENDING = "pending", "در انتظار ارسال"
        SENDING = "sending", "در حال ارسال"
        SENT = "sent", "ارسال شده"
        # The mail server refused this message for good (a 5xx: no such mailbox, say);
        # the error says why, and it is not tried again.
        FAILED = "failed", "رد شده از سوی سرور رایانامه"

    notification = models.OneToOneField(
        Notification, verbose_name="اعلان", on_delete=models.CASCADE, related_name="delivery"
    )
    mode = models.CharField("شیوه", max_length=10, choices=Mode.choices, default=Mode.NOW)
    to_address = models.EmailField("نشانی")
    status = models.CharField("وضعیت", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("تعداد تلاش", default=0)
    claimed_at = models.DateTimeField("زمان برداشتن", null=True, blank=True)
    sent_at = models.DateTimeField("زمان ارسال", null=True, blank=True)
    last_error = models.CharField("آخرین خطا", max_length=500, blank=True)
    created_at = models.DateTimeField("زمان ثبت", auto_now_add=True)

    class Meta:
        verbose_name = "ارسال رایانامه"
        verbose_name_plural = "ارسال‌های رایانامه"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=["now", "digest"]), name="delivery_mode_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed"]), name="delivery_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "mode", "created_at"])]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.notification}"


class Preference(models.Model):
    """How one person wants one kind of notice by e-mail; no row means «بی‌درنگ»."""

    class Channel(models.TextChoices):
        NOW = "now", "رایانامه بی‌درنگ"
        DIGEST = "digest", "خلاصهٔ روزانه"
        NONE = "none", "بدون رایانامه"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="کاربر",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField("نوع", max_length=30, choices=Kind.choices)
    channel = models.CharField("رایانامه", max_length=10, choices=Channel.choices, default=Channel.NOW)

    class Meta:
        verbose_name = "تنظیم اعلان"
        verbose_name_plural = "تنظیمات اعلان"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=KIND_VALUES), name="preference_kind_valid"),
            models.CheckConstraint(condition=Q(channel__in=["now", "digest", "none"]), name="preference_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} — {self.get_channel_display()}"
