"""The registry's long lists drawn in Python: the worklist's commitments owing a report (a
reporter of many has hundreds) and the rows of the business list and the worklist (fifty a
page). A template loop cost more per row than the page's SQL. The same HTML, byte for
byte, as the template loops they replaced (registry/tests/test_drawing.py holds them); the
status and «تکراری» badges are still drawn by their own templates, once each."""

from __future__ import annotations

import functools

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core import persian
from core.drawing import jdate, number, url_for


def owing_rows(rows) -> SafeString:
    """The items of templates/registry/_owing.html: (commitment, period owed) pairs, each
    with its period and «ثبت پیشرفت»."""
    entry_create_url = url_for("commitments:entry_create")
    out = []
    add = out.append
    for c, period in rows:
        add(
            f'\n    <li><span>{escape(c.title)} <small class="muted">— گزارش دورهٔ {jdate(period.start)}'
            f" تا {jdate(period.end)}</small></span>\n"
            f'      <a class="button primary" href="{entry_create_url(c.pk)}">ثبت پیشرفت</a></li>\n    '
        )
    return mark_safe("".join(out))


def _name(obj) -> str:
    # {{ b.county.name }}: "" when there is none
    return escape(obj.name) if obj is not None else ""


def _status(b) -> str:
    # templates/registry/_status.html with status=b.status label=b.get_status_display
    return _drawn("registry/_status.html", status=b.status, label=b.get_status_display())


def _duplicate(b) -> str:
    # " " and templates/registry/_duplicate.html with counted=b.is_counted, for a duplicate
    return " " + _drawn("registry/_duplicate.html", counted=bool(b.is_counted)) if b.is_duplicate else ""


@functools.lru_cache(maxsize=64)
def _drawn(template: str, **context) -> str:
    # A few statuses, two kinds of «تکراری»: each drawn by its own template once.
    return render_to_string(template, context)


def _first_cells(b, detail_url) -> str:
    code = escape(persian.persian_digits(b.reference_code)) if b.reference_code is not None else ""
    return (
        "\n  <tr>\n"
        f'    <td data-label=""><a href="{detail_url(b.pk)}"><bdi>{code}</bdi></a></td>\n'
        f'    <td data-label="تعهد">{escape(b.commitment.title)}</td>\n'
        f'    <td data-label="شهرستان">{_name(b.county)}</td>\n'
        f'    <td data-label="رسته">{_name(b.sector)}</td>\n'
        f'    <td data-label="تاریخ شروع" class="hb-num">{jdate(b.started_on)}</td>\n'
    )


def business_rows(businesses) -> SafeString:
    """The rows of templates/registry/list.html's table: each business with its jobs, loan,
    status and, for an owner registered more than once, «تکراری»."""
    detail_url = url_for("registry:detail")
    out = []
    add = out.append
    for b in businesses:
        add(
            _first_cells(b, detail_url) + f'    <td data-label="شغل" class="hb-num">{number(b.jobs)}</td>\n'
            f'    <td data-label="تسهیلات (ریال)" class="hb-num">{number(b.loan_amount)}</td>\n'
            "    \n"
            f'    <td data-label="وضعیت"><span>{_status(b)}{_duplicate(b)}</span></td>\n'
            "  </tr>\n  "
        )
    return mark_safe("".join(out))


def worklist_rows(businesses) -> SafeString:
    """The rows of templates/registry/worklist.html's table: each business with its last
    check («هرگز» when never checked) and status."""
    detail_url = url_for("registry:detail")
    out = []
    add = out.append
    for b in businesses:
        last = jdate(b.last_checked) if b.last_checked else "هرگز"
        add(
            _first_cells(b, detail_url) + f'    <td data-label="آخرین پایش" class="hb-num">{last}</td>\n'
            f'    <td data-label="وضعیت">{_status(b)}</td>\n'
            "  </tr>\n  "
        )
    return mark_safe("".join(out))
