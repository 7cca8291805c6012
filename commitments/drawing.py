"""The review queue's cards drawn in Python: fifty a page, each a dozen figures, links and
two forms, cost more drawn by the template language than the page's SQL. The same HTML,
byte for byte, as the template loop and includes they replaced (commitments/tests/
test_drawing.py holds them), the URLs reversed once a page and the figures' context drawn
once per set of figures (templatetags.commitments_ui.review_context)."""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core import persian
from core.drawing import jdate, number, url_for

from .templatetags.commitments_ui import review_context

_OVER_BADGE = ' <span class="flag-badge">بیش از هدف</span>'


def review_cards(cards, *, csrf_token: str, next_path: str) -> SafeString:
    """The cards of templates/commitments/review_queue.html: each {"entry", "review",
    "flags", "actions", "may_review"} as the view builds them."""
    entry_url = url_for("commitments:entry")
    detail_url = url_for("commitments:detail")
    evidence_url = url_for("commitments:entry_evidence")
    verify_url = url_for("commitments:entry_verify")
    return_url = url_for("commitments:entry_return")
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    next_field = f'<input type="hidden" name="next" value="{escape(next_path)}">' if next_path else ""
    out = []
    add = out.append
    for card in cards:
        e = card["entry"]
        c = e.commitment
        flags = card["flags"]
        over = "".join(
            f'<p class="flag over-target" role="alert" data-testid="over-target">{escape(f.message)}</p>' for f in flags
        )
        who = e.entered_by.get_full_name() or e.entered_by.username
        evidence = f'<a href="{evidence_url(e.pk)}">دریافت</a>' if e.evidence else "—"
        note = (
            f'<div class="wide"><dt>توضیح</dt><dd>{linebreaksbr(e.note, autoescape=True)}</dd></div>' if e.note else ""
        )
        add(
            f'\n<article class="card review-item{" is-over" if flags else ""}">\n'
            f'  <h2><a href="{entry_url(e.pk)}">{number(e.jobs_created)} شغل تا '
            f"{jdate(e.period_end)}</a>"
            f"{_OVER_BADGE if flags else ''}</h2>\n"
            f'  <p><a href="{detail_url(c.pk)}">{escape(c.title)}</a> <small class="muted">— {escape(c.organization)}</small></p>\n'
            f"  {over}\n\n"
            f"  {review_context(card['review'])}\n"
            '  <dl class="facts">\n'
            f"    <div><dt>شهرستان / رسته</dt><dd>{escape(e.county or '—')} / {escape(e.sector or '—')}</dd></div>\n"
            f"    <div><dt>اعتبار پرداخت‌شده</dt><dd>{number(e.credit_paid)} ریال</dd></div>\n"
            f"    <div><dt>ثبت‌کننده</dt><dd>{escape(who)} — {escape(persian.format_jalali_datetime(e.created_at)) if e.created_at else ''}</dd></div>\n"
            f"    <div><dt>مستند</dt><dd>{evidence}</dd></div>\n"
            f"    {note}\n"
            "  </dl>\n"
            f"  {_forms(e, card, csrf, next_field, verify_url, return_url)}\n"
            "</article>\n"
        )
    return mark_safe("".join(out))


def _forms(e, card, csrf, next_field, verify_url, return_url) -> str:
    # templates/commitments/_review_forms.html with verify_label="تأیید"
    if not card["may_review"]:
        return (
            "\n\n\n"
            '<p class="muted small" data-testid="self-review">این گزارش را خود شما ثبت کرده‌اید؛ '
            "تأیید یا برگشت آن با مقام استانی دیگری است.</p>\n\n"
        )
    actions = card["actions"]
    version = (
        f'<input type="hidden" name="version" value="{escape(str(e.version))}">'
        f'<input type="hidden" name="confirm" value="">{next_field}'
    )
    return (
        "\n\n\n"
        '<div class="review-actions">\n'
        f'  <form method="post" action="{verify_url(e.pk)}" data-busy '
        f'data-confirm="{escape(actions["verify"]["question"])}" data-confirm-yes="{escape(actions["verify"]["yes"])}" '
        f"novalidate>{csrf}\n"
        f"    {version}\n"
        '    <button type="submit" class="primary">تأیید</button>\n'
        "  </form>\n"
        f'  <form method="post" action="{return_url(e.pk)}" data-busy '
        f'data-confirm="{escape(actions["return"]["question"])}" data-confirm-yes="{escape(actions["return"]["yes"])}" '
        f'class="return-form" novalidate>{csrf}\n'
        f"    {version}\n"
        f'    <label for="reason-{e.pk}">دلیل برگشت</label>\n'
        f'    <textarea name="reason" id="reason-{e.pk}" rows="2" required></textarea>\n'
        '    <button type="submit">برگشت به کارشناس</button>\n'
        "  </form>\n"
        "</div>\n\n"
    )
