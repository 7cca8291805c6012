"""The partner API's own rows: the organisations' tokens, and the answers kept for retries.

A token is shown once, when it is made, and stored only as its SHA-256: whoever reads the
database (or a backup) cannot act with it. Everything written with a token is written by
its organisation's technical user (api/services.py), so history rows say who.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from programs.models import Organization


class ApiToken(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name="دستگاه/نهاد", on_delete=models.PROTECT, related_name="api_tokens"
    )
    # SHA-256 of the token (hex); the token itself is never stored.
    token_hash = models.CharField("چکیدهٔ توکن", max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        "آغاز توکن", max_length=12, editable=False, help_text="چند نویسهٔ اول توکن، برای شناختن آن در فهرست."
    )
    name = models.CharField("نام", max_length=100, blank=True, help_text="برای نمونه «سامانهٔ وام بانک رسالت».")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="کاربر فنی",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="کاربری که نوشته‌های این توکن در تاریخچه به نام او ثبت می‌شود.",
    )
    created_at = models.DateTimeField("زمان ساخت", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="سازنده",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField("انقضا", null=True, blank=True, help_text="خالی: بی‌انقضا.")
    last_used_at = models.DateTimeField("آخرین استفاده", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("زمان ابطال", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "توکن API"
        verbose_name_plural = "توکن‌های API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… — {self.organization}"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotentRequest(models.Model):
    """The first successful answer to a POST sent with an Idempotency-Key, per token.

    The same key again with the same body gets this answer back and writes nothing; with
    another body it is refused. A refused request (4xx) is not kept: once corrected it may
    be sent again under the same key.
    """

    token = models.ForeignKey(ApiToken, verbose_name="توکن", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("کلید", max_length=100)
    request_hash = models.CharField("چکیدهٔ درخواست", max_length=64)
    status_code = models.PositiveSmallIntegerField("کد پاسخ", default=0)
    body = models.JSONField("پاسخ", null=True)
    created_at = models.DateTimeField("زمان", auto_now_add=True)

    class Meta:
        verbose_name = "درخواست تکرارپذیر"
        verbose_name_plural = "درخواست‌های تکرارپذیر"
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_once_per_token")]

    def __str__(self) -> str:
        return self.key
