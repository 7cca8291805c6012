"""The dashboard's long lists drawn in Python: hundreds of rows, the same few cells each.

Drawing 300 ladder rows with the template language cost more than all the dashboard's SQL
(every {{ }} a context lookup, every {% url %} a reverse()). These functions write the very
same HTML, byte for byte (reports/tests/test_drawing.py holds the templates they replace),
with the URL built once and the Persian numbers, dates and flags through the same
functions the template filters call.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from commitments.templatetags.commitments_ui import needs_report, progress_svg
from core import glossary, persian
from core.drawing import jdate, number, url_for

_TRANCHE_MARK = '<span class="tranche-mark" aria-hidden="true">↲</span> '
_NO_TARGET = '<span class="muted">بدون رقم</span>'


def _outlook_class(on_track) -> str:
    return "ok" if on_track is True else "late" if on_track is False else "unknown"


def ladder_rows(figures) -> SafeString:
    """The rows of templates/reports/_ladder.html's table: one <tr> per commitment figure
    (with .outlook and .owes set, as the dashboard sets them)."""
    detail_url = url_for("commitments:detail")
    l_target, l_allocated, l_unallocated, l_realised, l_percent = (
        escape(glossary.label(k)) for k in ("target", "allocated", "unallocated", "realised", "commitment_percent")
    )
    out = []
    add = out.append
    for f in figures:
        c = f.commitment
        target = f.target
        percent = f.percent
        outlook = f.outlook
        mark = _TRANCHE_MARK if f.depth else ""
        flag = needs_report(f.owes) if f.owes else ""
        target_cell = number(target) if target else _NO_TARGET
        allocated = number(f.allocated) if f.tranche_ids else "—"
        unallocated = number(f.unallocated) if target else "—"
        pct = f'<span class="pct">{escape(persian.format_percent(percent))}</span>' if percent is not None else ""
        due = jdate(c.due_on) + "<br>" if c.due_on else ""
        add(
            f'\n    <tr class="depth-{f.depth}">\n'
            f'      <td data-label="تعهد"><a href="{detail_url(c.pk)}">{mark}{escape(c.title)}</a>'
            f'<br><small class="muted">{escape(c.organization)}</small></td>\n'
            f'      <td data-label="وضعیت"><span class="status status-{escape(c.status)}">'
            f"{escape(c.get_status_display())}</span>{flag}</td>\n"
            f'      <td data-label="{l_target}" class="num">{target_cell}</td>\n'
            f'      <td data-label="{l_allocated}" class="num">{allocated}</td>\n'
            f'      <td data-label="{l_unallocated}" class="num">{unallocated}</td>\n'
            f'      <td data-label="{l_realised}" class="num">{number(f.realised)}</td>\n'
            f'      <td data-label="{l_percent}">{progress_svg(percent, 110)} {pct}</td>\n'
            f'      <td data-label="مهلت و پیش‌بینی">{due}\n'
            f'        <span class="outlook outlook-{_outlook_class(outlook.get("on_track"))}">'
            f"{escape(outlook.get('label', ''))}</span></td>\n"
            "    </tr>\n    "
        )
    return mark_safe("".join(out))


_NO_REPORTS = ("prepared", "cancelled")  # statuses under which no progress is entered


def reportable_rows(commitments) -> SafeString:
    """The items of templates/reports/_reportable.html: a reporter's commitments, each with
    what it owes and «ثبت پیشرفت» (or why no report is entered)."""
    entry_create_url = url_for("commitments:entry_create")
    out = []
    add = out.append
    for c in commitments:
        flag = needs_report(c.owes) if c.owes else ""
        if c.status in _NO_REPORTS:
            action = f'<span class="muted small">({escape(c.get_status_display())}؛ گزارش ثبت نمی‌شود)</span>\n      '
        else:
            action = f'<a class="button primary" href="{entry_create_url(c.pk)}">ثبت پیشرفت</a>'
        add(
            f'\n    <li><span>{escape(c.title)} <small class="muted">— {escape(c.organization)}</small>{flag}</span>\n'
            f"      {action}</li>\n    "
        )
    return mark_safe("".join(out))
