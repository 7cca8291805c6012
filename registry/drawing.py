"""The worklist's list of commitments owing a report, drawn in Python: a reporter of many
has hundreds, and a template loop cost more per row than the page's SQL. The same HTML,
byte for byte, as the template loop it replaced (registry/tests/test_drawing.py holds it)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core import persian

_PK = 987654321  # a stand-in id: the URL is reversed once and each real id put in its place


def _jdate(value) -> str:
    return escape(persian.format_jalali(value)) if value else ""


def owing_rows(rows) -> SafeString:
    """The items of templates/registry/_owing.html: (commitment, period owed) pairs, each
    with its period and «ثبت پیشرفت»."""
    before, _, after = escape(reverse("commitments:entry_create", args=[_PK])).partition(str(_PK))
    out = []
    add = out.append
    for c, period in rows:
        add(
            f'\n    <li><span>{escape(c.title)} <small class="muted">— گزارش دورهٔ {_jdate(period.start)}'
            f" تا {_jdate(period.end)}</small></span>\n"
            f'      <a class="button primary" href="{before}{c.pk}{after}">ثبت پیشرفت</a></li>\n    '
        )
    return mark_safe("".join(out))
