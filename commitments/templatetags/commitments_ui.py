"""What the navigation shows: the person's role and what they may enter (the badges: notifications_ui.nav_counts)."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix

from commitments import selectors
from core import charts, persian
from core.roles import is_chamber_staff, is_official

register = template.Library()


@register.simple_tag
def can_enter_businesses(user) -> bool:
    """Whether this person may register businesses (a reporter on some commitment).
    Asked by the registry's menu and the list's links: one query per request."""
    if not hasattr(user, "_can_enter_businesses"):
        user._can_enter_businesses = selectors.commitments_reportable_by(user).exists()
    return user._can_enter_businesses


@register.simple_tag
def role_name(user) -> str:
    if user.is_superuser:
        return "مدیر سامانه"
    if is_official(user):
        return "مقام استانی"
    if is_chamber_staff(user):
        return "کارشناس اتاق بازرگانی"
    return "کاربر"


@register.simple_tag
def print_scope(user) -> str:
    """The reader's scope, for the printed page's header: on paper a staff member's figures
    must not pass for the province's. Follows selectors.commitments_visible_to."""
    if is_official(user):
        return "همهٔ استان (همهٔ تعهدها)"
    if is_chamber_staff(user):
        return "فقط تعهدهایی که این کاربر گزارش‌دهندهٔ آن‌هاست"
    return "بدون دسترسی به تعهدها"


@register.simple_tag
def needs_report(period) -> str:
    """{% needs_report c.owes %}: the «نیازمند گزارش» flag of a period owed
    (commitments/_needs_report.html), drawn once per period: a list of hundreds of
    commitments mostly owes the same one or two."""
    return _needs_report(period)


@lru_cache(maxsize=256)
def _needs_report(period) -> str:
    return render_to_string("commitments/_needs_report.html", {"period": period})


@register.filter
def progress_svg(percent, width=120):
    """{{ figure.percent|progress_svg:160 }} — the shared chart's bar; «بدون رقم» for None."""
    return charts.progress_bar(percent, width=int(width), height=12)


@register.filter
def days_left(days: int) -> str:
    """«۱۲ روز مانده», «امروز», «۳ روز گذشته»."""
    if days == 0:
        return "امروز"
    if days > 0:
        return f"{persian.format_number(days)} روز مانده"
    return f"{persian.format_number(-days)} روز گذشته"


@register.simple_tag
def review_context(review) -> str:
    """{% review_context card.review %}: commitments/_review_context.html for this review,
    drawn once per set of figures it shows. The review queue draws fifty a page, and the
    same commitments' figures come back on every visit until an entry changes them."""
    key = (
        get_script_prefix(),
        tuple((f.commitment.pk, f.commitment.title, f.target, f.verified, f.awaiting) for f in review.levels),
    )
    html = _review_contexts.get(key)
    if html is None:
        if len(_review_contexts) >= REVIEW_CONTEXTS_KEPT:
            _review_contexts.clear()
        html = _review_contexts[key] = render_to_string("commitments/_review_context.html", {"review": review})
    return html


# The drawn review contexts by everything they show (never stale: new figures, new key).
REVIEW_CONTEXTS_KEPT = 2048
_review_contexts: dict[tuple, str] = {}
