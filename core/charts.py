"""Charts drawn on the server, for pages and for WeasyPrint PDFs alike.

Why on the server: nothing loads from the internet, no JavaScript runs, and the same
markup prints in a PDF. The graphics (bars, columns) are small self-contained <svg>s
with explicit width/height and a viewBox, colours as attributes, no CSS variables and
no external references.

Why the words are not inside the SVG: WeasyPrint (70) lays out SVG <text> one letter at
a time, without shaping or bidi (weasyprint/svg/text.py), so Persian in an SVG <text>
prints reversed and unjoined. Labels and figures are therefore HTML text in a
right-to-left <table> around the SVG graphics, with inline styles so a PDF template needs
no stylesheet. The table's dir="rtl" puts labels on the right and the oldest month
rightmost; bars grow from the right. Everything is well-formed XML (tests parse it).

The inline styles are for PDFs (the default). Web pages pass inline=False: the site's
Content-Security-Policy forbids style attributes, so every element also carries a kj-*
class that static/css/site.css styles the same way.

User text is escaped; numbers are Persian digits with «٬» separators.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .persian import format_number

FONT = "Vazirmatn, Tahoma, sans-serif"
EMPTY_TEXT = "داده‌ای نیست"
NO_FIGURE_TEXT = "بدون رقم"

# Colours chosen to stay distinct in greyscale print.
TRACK = "#e5e7eb"
FILL = "#0f766e"
TARGET_FILL = "#ccebe7"
OUTLINE = "#334155"
TEXT = "#1f2937"
MUTED = "#6b7280"

SCALE = 1000  # viewBox width of a bar: lengths are per mille of the cell


_STYLE_ATTR = re.compile(r' style="[^"]*"')


def _finish(markup: str, inline: bool) -> SafeString:
    # User text is escaped (a quote becomes &quot;), so only our own attributes match.
    return mark_safe(markup if inline else _STYLE_ATTR.sub("", markup))


def _n(value: float) -> str:
    """A coordinate without needless decimals: 12, 12.5."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _num(value) -> float:
    if value is None:
        return 0.0
    return float(value)


def _table(width: int, rows_html: str, *, label: str, kind: str, extra_style: str = "") -> SafeString:
    return mark_safe(
        f'<table class="kj-chart kj-chart-{kind}" dir="rtl" role="img" aria-label="{escape(label)}" '
        f'style="width:100%;max-width:{width}px;border-collapse:collapse;font-family:{FONT};font-size:12px;'
        f'color:{TEXT};direction:rtl;{extra_style}"><tbody>{rows_html}</tbody></table>'
    )


def _empty(width: int, *, text: str = EMPTY_TEXT) -> SafeString:
    return mark_safe(
        f'<div class="kj-chart kj-chart-empty" dir="rtl" style="max-width:{width}px;padding:12px;'
        f"text-align:center;border:1px solid {TRACK};border-radius:6px;background:#f9fafb;color:{MUTED};"
        f'font-family:{FONT};font-size:12px">{escape(text)}</div>'
    )


def _bar_svg(parts: str, *, height: int = 16) -> str:
    # Stretched to the cell: preserveAspectRatio="none" turns per-mille lengths into the
    # cell's width; width/height stay explicit for renderers that need them.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" viewBox="0 0 {SCALE} {height}" '
        f'preserveAspectRatio="none" style="display:block;width:100%;height:{height}px">{parts}</svg>'
    )


def _swatch(fill: str, stroke: str = "none") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" viewBox="0 0 12 12" '
        f'style="vertical-align:middle"><rect x="0.5" y="0.5" width="11" height="11" fill="{fill}" '
        f'stroke="{stroke}"/></svg>'
    )


# ---------------------------------------------------------------- progress bar


def progress_bar(percent: float | None, *, width: int = 240, height: int = 18, inline: bool = True) -> SafeString:
    """A bar filled from the right by `percent` (clamped to 0–100); None → «بدون رقم»."""
    if percent is None:
        return _finish(f'<span class="kj-nofigure kj-muted" style="color:{MUTED}">{NO_FIGURE_TEXT}</span>', inline)
    p = min(max(_num(percent), 0.0), 100.0)
    filled = width * p / 100.0
    label = "٪" + format_number(p)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kj-progress" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}"><title>{label}</title>'
        f'<rect class="track" x="0" y="0" width="{width}" height="{height}" rx="{_n(height / 2)}" fill="{TRACK}"/>'
        f'<rect class="fill" x="{_n(width - filled)}" y="0" width="{_n(filled)}" height="{height}" '
        f'rx="{_n(min(height / 2, filled / 2))}" fill="{FILL}"/></svg>'
    )


def labelled_progress(percent: float | None, caption: str, *, width: int = 240, inline: bool = True) -> SafeString:
    """The progress bar with its figure and what it measures beside it («٪۲۶ از هدف …»):
    a bare bar in a printed report tells the reader nothing."""
    figure = NO_FIGURE_TEXT if percent is None else "٪" + format_number(min(max(_num(percent), 0.0), 100.0))
    row = (
        f'<tr><td class="kj-bar" style="width:{width}px;padding:3px 0;vertical-align:middle">'
        f"{progress_bar(percent, width=width, inline=inline)}</td>"
        f'<td class="kj-value" style="text-align:right;padding:3px 8px 3px 0;vertical-align:middle">'
        f"<strong>{figure}</strong> {escape(caption)}</td></tr>"
    )
    return _finish(_table(width * 3, row, label=f"{figure} {caption}", kind="progress"), inline)


# ---------------------------------------------------------------- horizontal bars

LABEL_CELL = "text-align:right;font-weight:400;padding:3px 0 3px 8px;width:34%;vertical-align:middle"
VALUE_CELL = "text-align:right;white-space:nowrap;padding:3px 6px 3px 0;width:1%;vertical-align:middle"
BAR_CELL = "padding:3px 0;vertical-align:middle"


def horizontal_bars(rows: list[dict], *, width: int = 640, unit: str = "شغل", inline: bool = True) -> SafeString:
    """One bar per row (label, value), the largest value filling the cell; e.g. jobs per county."""
    rows = [r for r in rows if r is not None]
    if not rows or all(_num(r.get("value")) <= 0 for r in rows):
        return _finish(_empty(width), inline)
    top = max(_num(r.get("value")) for r in rows)
    html = []
    for row in rows:
        value = max(_num(row.get("value")), 0.0)
        length = SCALE * value / top
        label = escape(str(row.get("label") or "نامشخص"))
        bar = _bar_svg(
            f'<rect class="bar" x="{_n(SCALE - length)}" y="0" width="{_n(length)}" height="16" fill="{FILL}"/>'
        )
        html.append(
            f'<tr><th scope="row" class="kj-label" style="{LABEL_CELL}">{label}</th>'
            f'<td class="kj-bar" style="{BAR_CELL}">{bar}</td>'
            f'<td class="kj-value" style="{VALUE_CELL}">{format_number(value)} {escape(unit)}</td></tr>'
        )
    return _finish(_table(width, "".join(html), label="نمودار میله‌ای", kind="bars"), inline)


def target_vs_realised(rows: list[dict], *, width: int = 640, inline: bool = True) -> SafeString:
    """Per row: the target as an outlined pale bar, the realised jobs as a dark bar inside it.

    A row without a target (a prepared commitment) shows what is realised and «بدون رقم».
    """
    rows = [r for r in rows if r is not None]
    if not rows:
        return _finish(_empty(width), inline)
    top = max(max(_num(r.get("target")), _num(r.get("realised"))) for r in rows) or 1.0
    legend = (
        f'<tr><td colspan="3" class="kj-legend" style="padding:0 0 6px 0;color:{MUTED}">'
        f"{_swatch(TARGET_FILL, OUTLINE)} هدف &#160;&#160; {_swatch(FILL)} محقق‌شده</td></tr>"
    )
    html = [legend]
    for row in rows:
        target = row.get("target")
        realised = max(_num(row.get("realised")), 0.0)
        t_len = SCALE * _num(target) / top if target else 0.0
        r_len = SCALE * realised / top
        parts = ""
        if target:
            parts += (
                f'<rect class="target" x="{_n(SCALE - t_len)}" y="0" width="{_n(t_len)}" height="18" '
                f'fill="{TARGET_FILL}" stroke="{OUTLINE}" stroke-width="1.5" vector-effect="non-scaling-stroke"/>'
            )
        parts += f'<rect class="realised" x="{_n(SCALE - r_len)}" y="4" width="{_n(r_len)}" height="10" fill="{FILL}"/>'
        caption = f"{format_number(realised)} از {format_number(_num(target))}" if target else NO_FIGURE_TEXT
        html.append(
            f'<tr><th scope="row" class="kj-label" style="{LABEL_CELL}">{escape(str(row.get("label") or ""))}</th>'
            f'<td class="kj-bar" style="{BAR_CELL}">{_bar_svg(parts, height=18)}</td>'
            f'<td class="kj-value" style="{VALUE_CELL}">{caption}</td></tr>'
        )
    return _finish(_table(width, "".join(html), label="هدف در برابر محقق‌شده", kind="target"), inline)


# ---------------------------------------------------------------- columns


def monthly_columns(rows: list[dict], *, width: int = 640, height: int = 220, inline: bool = True) -> SafeString:
    """One column per month (label, jobs); in the right-to-left table the oldest is rightmost."""
    rows = [r for r in rows if r is not None]
    if not rows:
        return _finish(_empty(width), inline)
    plot_h = max(height - 60, 40)  # room for the figure above and two label lines below
    top = max(_num(r.get("jobs")) for r in rows)
    figures, columns, labels = [], [], []
    cell = f"width:{_n(100 / len(rows))}%;text-align:center;padding:0 1px;vertical-align:bottom"
    for row in rows:
        jobs = max(_num(row.get("jobs")), 0.0)
        col_h = plot_h * jobs / top if top else 0.0
        figures.append(
            f'<td class="kj-fig" style="{cell};font-size:10px;height:14px">{format_number(jobs) if jobs else ""}</td>'
        )
        columns.append(
            f'<td class="kj-col" style="{cell};border-bottom:1px solid {MUTED}">'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{_n(plot_h)}" '
            f'viewBox="0 0 10 {_n(plot_h)}" preserveAspectRatio="none" '
            f'style="display:block;width:100%;height:{_n(plot_h)}px">'
            f'<rect class="column" x="2" y="{_n(plot_h - col_h)}" width="6" height="{_n(col_h)}" fill="{FILL}"/>'
            f"</svg></td>"
        )
        # «فروردین ۱۴۰۵» on two lines so twelve months fit side by side.
        label = str(row.get("label") or "")
        month, _, year = label.rpartition(" ") if " " in label else (label, "", "")
        labels.append(
            f'<td class="kj-month" style="{cell};vertical-align:top;font-size:10px;line-height:1.3;padding-top:3px">'
            f'{escape(month)}<br/><span class="kj-muted" style="color:{MUTED}">{escape(year)}</span></td>'
        )
    body = f"<tr>{''.join(figures)}</tr><tr>{''.join(columns)}</tr><tr>{''.join(labels)}</tr>"
    if not top:
        body += f'<tr><td colspan="{len(rows)}" class="kj-muted" style="text-align:center;color:{MUTED};padding:4px">{EMPTY_TEXT}</td></tr>'
    table = _table(width, body, label="شغل محقق‌شده در هر ماه", kind="months", extra_style="table-layout:fixed")
    return _finish(table, inline)


# ---------------------------------------------------------------- survival

SURVIVAL_FILLS = ("#0f766e", "#5eada4", "#334155")  # one per horizon, distinct in greyscale


def survival_columns(rows: list[dict], *, months=(3, 6, 12), width: int = 640, inline: bool = True) -> SafeString:
    """Per cohort (rows of registry.figures.cohort_survival): one thin bar per horizon,
    as long as the share still active N months after starting; «—» where nobody is
    eligible yet."""
    rows = [r for r in rows if r is not None]
    if not rows:
        return _finish(_empty(width), inline)
    fills = dict(zip(months, SURVIVAL_FILLS, strict=False))
    legend = " &#160;&#160; ".join(f"{_swatch(fills.get(n, FILL))} {format_number(n)} ماه" for n in months)
    html = [f'<tr><td colspan="3" class="kj-legend" style="padding:0 0 6px 0;color:{MUTED}">{legend}</td></tr>']
    bar_h, gap = 6, 2
    height = len(months) * (bar_h + gap)
    for row in rows:
        parts, captions = "", []
        for i, n in enumerate(months):
            share = row["survival"][n]["share"]
            length = SCALE * min(max(_num(share), 0.0), 1.0)
            if share is not None:
                parts += (
                    f'<rect class="survival-{n}" x="{_n(SCALE - length)}" y="{i * (bar_h + gap)}" '
                    f'width="{_n(length)}" height="{bar_h}" fill="{fills.get(n, FILL)}"/>'
                )
            captions.append("—" if share is None else "٪" + format_number(100 * share))
        # «،» between the horizons: a middle dot «·» beside Persian digits reads as zero (۰).
        html.append(
            f'<tr><th scope="row" class="kj-label" style="{LABEL_CELL}">{escape(str(row.get("label") or ""))}</th>'
            f'<td class="kj-bar" style="{BAR_CELL}">{_bar_svg(parts, height=height)}</td>'
            f'<td class="kj-value" style="{VALUE_CELL}">{"، ".join(captions)}</td></tr>'
        )
    return _finish(_table(width, "".join(html), label="سهم کسب‌وکارهای فعال پس از چند ماه", kind="survival"), inline)
