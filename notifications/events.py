"""Who hears of what, and in which words: one function per event.

Recipients are chosen with commitments' access rules (commitments/selectors.py), so no
one hears of a commitment they may not see: a staff member only of those they report on.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from commitments import selectors as commitment_selectors
from commitments.models import ProgressEntry
from core import persian
from core.roles import OFFICIALS_GROUP

from .models import Kind
from .services import Notice, notify


def officials():
    """Everyone who counts as an official (core.roles.is_official): the group, and superusers."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=OFFICIALS_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("pk")
    )


def _who_see(users, commitment_id: int) -> list:
    return [
        u
        for u in users
        if u is not None and commitment_selectors.commitments_visible_to(u).filter(pk=commitment_id).exists()
    ]


def _entry_words(entry: ProgressEntry) -> str:
    return (
        f"{persian.format_number(entry.jobs_created)} شغل تا {persian.format_jalali_long(entry.period_end)} "
        f"برای «{entry.commitment.title}»"
    )


def _about_entry(entry: ProgressEntry, users, kind: str, event: str, title: str, body: str) -> None:
    """A notice about one progress entry: keyed by the entry, its event and its version
    (a second save of the same version notifies no one twice), linking to the entry."""
    notify(
        users=users,
        notice=Notice(
            kind=kind,
            event_key=f"entry:{entry.pk}:{event}:v{entry.version}",
            title=f"{title}: «{entry.commitment.title}»"[:300],
            body=body,
            url=reverse("commitments:entry", args=[entry.pk]),
        ),
    )


def entry_submitted(entry: ProgressEntry, actor) -> None:
    _about_entry(
        entry,
        [u for u in officials() if u.pk != getattr(actor, "pk", None)],
        Kind.ENTRY_SUBMITTED,
        "submitted",
        "گزارش پیشرفت تازه برای بررسی",
        f"گزارش {_entry_words(entry)} ثبت شد و منتظر تأیید یا برگشت شماست.",
    )


def entry_returned(entry: ProgressEntry, actor, reason: str) -> None:
    _about_entry(
        entry,
        _who_see([entry.entered_by], entry.commitment_id),
        Kind.ENTRY_RETURNED,
        "returned",
        "گزارش پیشرفت شما برگشت خورد",
        f"گزارش {_entry_words(entry)} برای اصلاح برگشت خورد.\nدلیل برگشت: {reason}\n"
        "گزارش را اصلاح کنید تا دوباره برای بررسی فرستاده شود.",
    )


def entry_verified(entry: ProgressEntry, actor) -> None:
    _about_entry(
        entry,
        _who_see([entry.entered_by], entry.commitment_id),
        Kind.ENTRY_VERIFIED,
        "verified",
        "گزارش پیشرفت شما تأیید شد",
        f"گزارش {_entry_words(entry)} تأیید شد و در ارقام «تحقق‌یافته» شمرده می‌شود.",
    )


def entry_reopened(entry: ProgressEntry, actor, reason: str) -> None:
    _about_entry(
        entry,
        _who_see([entry.entered_by], entry.commitment_id),
        Kind.ENTRY_REOPENED,
        "reopened",
        "گزارش پیشرفت تأییدشدهٔ شما بازگشایی شد",
        f"گزارش {_entry_words(entry)} دوباره به «ارسال شده» برگشت و از ارقام بیرون رفت تا دوباره بررسی شود.\n"
        f"دلیل بازگشایی: {reason}",
    )


def report_ready(report) -> None:
    requester = report.requested_by
    if requester is None:
        return  # scheduled reports: the deadline run e-mails the officials itself
    kind = report.get_kind_display()
    notify(
        users=[requester],
        notice=Notice(
            kind=Kind.REPORT_READY,
            event_key=f"report:{report.pk}:ready",
            title=f"گزارش «{kind}» آماده است",
            body=f"گزارش «{kind}» که درخواست کرده بودید ساخته شد؛ فایل‌های PDF و اکسل آن آماده دریافت است.",
            url=f"{reverse('reports:list')}#report-{report.pk}",
        ),
    )
