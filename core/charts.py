"""Charts drawn on the server, for pages and for WeasyPrint PDFs alike.

Why on the server: nothing loads from the internet, no JavaScript runs, and the same
markup prints in a PDF. The graphics (bars, columns) are small self-contained <svg>s
with width/height and a viewBox, colours as fill/stroke attributes, no CSS variables
and no external references.

Why the words are not inside the SVG: WeasyPrint (70) lays out SVG <text> one letter at
a time, without shaping or bidi (weasyprint/svg/text.py), so Persian in an SVG <text>
prints reversed and unjoined. Labels and figures are therefore HTML text in a
right-to-left <table> around the SVG graphics. The table's dir="rtl" puts labels on the
right and the oldest month rightmost; bars grow from the right. Everything is
well-formed XML (tests parse it).

Who does what: this module works out the geometry (bar lengths, column heights), the
Persian figures and the colours; the markup is in core/templates/charts/ and carries
class names only; static/css/charts.css styles those classes, linked by the site's
base.html and handed to WeasyPrint by reports/builders/pdf.py. No style attributes: the
site's Content-Security-Policy forbids them. The colours a PDF must keep are SVG fill
and stroke attributes, which are not CSS and which the policy allows.

User text is escaped (the templates autoescape); numbers are Persian digits with «٬»
separators. Coordinates go to the templates as ready strings, never as numbers a
template would localise («12٫5» is no SVG coordinate).
"""

from __future__ import annotations

import functools

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from . import glossary
from .persian import format_number, format_percent

EMPTY_TEXT = "داده‌ای نیست"
NO_FIGURE_TEXT = "بدون رقم"

# Colours chosen to stay distinct in greyscale print.
TRACK = "#e5e7eb"
FILL = "#0f766e"
TARGET_FILL = "#ccebe7"
OUTLINE = "#334155"
SURVIVAL_FILLS = ("#0f766e", "#5eada4", "#334155")  # one per horizon, distinct in greyscale
COLOURS = {"track": TRACK, "fill": FILL}

SCALE = 1000  # viewBox width of a bar: lengths are per mille of the cell
# Heights of the stretched SVGs, in viewBox units and (the same numbers) in charts.css.
BAR_HEIGHT = 16
TARGET_HEIGHT = 18
SURVIVAL_LINE, SURVIVAL_GAP = 6, 2
MONTHS_PLOT_HEIGHT = 160


def _render(template: str, **context) -> SafeString:
    # Under one name of its own: a page's context (and a test's response.context["rows"])
    # never sees a chart's variables.
    chart = {"colours": COLOURS, **context}
    return mark_safe(render_to_string(f"charts/{template}", {"kj_chart": chart}).strip())


def _n(value: float) -> str:
    """A coordinate without needless decimals: 12, 12.5."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _num(value) -> float:
    if value is None:
        return 0.0
    return float(value)


def _empty() -> SafeString:
    return _render("empty.html", text=EMPTY_TEXT)


def _rect(cls: str, length: float, *, y: float = 0, height: float, fill: str, stroke: str = "") -> dict:
    """A bar `length` per mille long, ending at the right edge of its cell."""
    return {
        "cls": cls,
        "x": _n(SCALE - length),
        "y": _n(y),
        "width": _n(length),
        "height": _n(height),
        "fill": fill,
        "stroke": stroke,
    }


def _bars(rows: list[dict], *, kind: str, label: str, height: float, legend=(), lines: int = 0) -> SafeString:
    return _render(
        "bars.html",
        kind=kind,
        label=label,
        rows=rows,
        legend=list(legend),
        height=_n(height),
        scale=str(SCALE),
        lines=str(lines) if lines else "",
    )


# ---------------------------------------------------------------- progress bar


@functools.lru_cache(maxsize=4096)
def progress_bar(percent: float | None, *, width: int = 240, height: int = 18) -> SafeString:
    """A bar filled from the right by `percent` (clamped to 0–100); None → «بدون رقم».

    Kept per (percent, width, height): it depends on nothing else, and a dashboard draws
    one for each of hundreds of commitments whose percentages mostly did not change."""
    if percent is None:
        return _progress(no_figure=NO_FIGURE_TEXT)
    p = min(max(_num(percent), 0.0), 100.0)
    filled = width * p / 100.0
    return _progress(
        label=format_percent(p),
        width=_n(width),
        height=_n(height),
        track_rx=_n(height / 2),
        x=_n(width - filled),
        filled=_n(filled),
        fill_rx=_n(min(height / 2, filled / 2)),
    )


@functools.lru_cache(maxsize=2048)
def _progress(**values: str) -> SafeString:
    # The bar is a function of these strings alone: drawn once for each, not on every card
    # of a page that shows a hundred (the review queue).
    return _render("progress.html", **values)


def labelled_progress(percent: float | None, caption: str) -> SafeString:
    """The progress bar with its figure and what it measures beside it («٪۲۶ از هدف …»):
    a bare bar in a printed report tells the reader nothing. The bar is 240 wide, the
    width charts.css gives its cell."""
    # Written as every page and table writes it (format_percent), so the bar's figure and the
    # report's table beside it never read ٪۳۶ and ٪۳۵٫۵; the bar alone stops at 100.
    figure = NO_FIGURE_TEXT if percent is None else format_percent(max(_num(percent), 0.0))
    return _render("labelled_progress.html", bar=progress_bar(percent, width=240), figure=figure, caption=caption)


# ---------------------------------------------------------------- horizontal bars


def horizontal_bars(rows: list[dict], *, unit: str = "شغل") -> SafeString:
    """One bar per row (label, value), the largest value filling the cell; e.g. jobs per county."""
    rows = [r for r in rows if r is not None]
    if not rows or all(_num(r.get("value")) <= 0 for r in rows):
        return _empty()
    top = max(_num(r.get("value")) for r in rows)
    drawn = []
    for row in rows:
        value = max(_num(row.get("value")), 0.0)
        drawn.append(
            {
                "label": str(row.get("label") or "نامشخص"),
                "rects": [_rect("bar", SCALE * value / top, height=BAR_HEIGHT, fill=FILL)],
                "value": f"{format_number(value)} {unit}",
            }
        )
    return _bars(drawn, kind="bars", label="نمودار میله‌ای", height=BAR_HEIGHT)


def target_vs_realised(rows: list[dict], *, target_text: str = "") -> SafeString:
    """Per row: the target as an outlined pale bar, the realised jobs as a dark bar inside it.

    A row without a target (a prepared commitment) shows what is realised and «بدون رقم».
    `target_text` names the pale bar where it is not the glossary's «هدف» (the public
    trajectory's promised path).
    """
    rows = [r for r in rows if r is not None]
    if not rows:
        return _empty()
    top = max(max(_num(r.get("target")), _num(r.get("realised"))) for r in rows) or 1.0
    drawn = []
    for row in rows:
        target = row.get("target")
        realised = max(_num(row.get("realised")), 0.0)
        rects = []
        if target:
            length = SCALE * _num(target) / top
            rects.append(_rect("target", length, height=TARGET_HEIGHT, fill=TARGET_FILL, stroke=OUTLINE))
        rects.append(_rect("realised", SCALE * realised / top, y=4, height=10, fill=FILL))
        drawn.append(
            {
                "label": str(row.get("label") or ""),
                "rects": rects,
                "value": f"{format_number(realised)} از {format_number(_num(target))}" if target else NO_FIGURE_TEXT,
            }
        )
    # The glossary's words, as in the headings above the chart («هدف در برابر تحقق‌یافته»).
    target, realised = target_text or glossary.label("target"), glossary.label("realised")
    legend = [{"fill": TARGET_FILL, "stroke": OUTLINE, "text": target}, {"fill": FILL, "text": realised}]
    return _bars(drawn, kind="target", label=f"{target} در برابر {realised}", height=TARGET_HEIGHT, legend=legend)


# ---------------------------------------------------------------- columns


def monthly_columns(rows: list[dict]) -> SafeString:
    """One column per month (label, jobs); in the right-to-left table the oldest is rightmost."""
    rows = [r for r in rows if r is not None]
    if not rows:
        return _empty()
    plot_h = MONTHS_PLOT_HEIGHT
    top = max(_num(r.get("jobs")) for r in rows)
    columns = []
    for row in rows:
        jobs = max(_num(row.get("jobs")), 0.0)
        col_h = plot_h * jobs / top if top else 0.0
        # «فروردین ۱۴۰۵» on two lines so twelve months fit side by side.
        label = str(row.get("label") or "")
        month, _, year = label.rpartition(" ") if " " in label else (label, "", "")
        columns.append(
            {
                "figure": format_number(jobs) if jobs else "",
                "y": _n(plot_h - col_h),
                "height": _n(col_h),
                "month": month,
                "year": year,
            }
        )
    return _render(
        "monthly.html",
        label=f"{glossary.label('new_jobs')} در هر ماه",
        columns=columns,
        plot_height=_n(plot_h),
        any_jobs=bool(top),
        empty_text=EMPTY_TEXT,
    )


# ---------------------------------------------------------------- survival


def survival_columns(rows: list[dict], *, months=(3, 6, 12)) -> SafeString:
    """Per cohort (rows of registry.survival.cohort_survival): one thin bar per horizon,
    as long as the share still active N months after starting; «—» where nobody is
    eligible yet. At most three horizons: one colour each, and charts.css sizes the bars
    for one to three lines."""
    if len(months) > len(SURVIVAL_FILLS):
        raise ValueError(f"at most {len(SURVIVAL_FILLS)} horizons, not {len(months)}")
    rows = [r for r in rows if r is not None]
    if not rows:
        return _empty()
    fills = dict(zip(months, SURVIVAL_FILLS, strict=False))
    drawn = []
    for row in rows:
        rects, captions = [], []
        for i, n in enumerate(months):
            share = row["survival"][n]["share"]
            if share is not None:
                length = SCALE * min(max(_num(share), 0.0), 1.0)
                y = i * (SURVIVAL_LINE + SURVIVAL_GAP)
                rects.append(_rect(f"survival-{n}", length, y=y, height=SURVIVAL_LINE, fill=fills[n]))
            captions.append("—" if share is None else "٪" + format_number(100 * share))
        # «،» between the horizons: a middle dot «·» beside Persian digits reads as zero (۰).
        drawn.append({"label": str(row.get("label") or ""), "rects": rects, "value": "، ".join(captions)})
    return _bars(
        drawn,
        kind="survival",
        label="سهم کسب‌وکارهای فعال پس از چند ماه",
        height=len(months) * (SURVIVAL_LINE + SURVIVAL_GAP),
        legend=[{"fill": fills[n], "text": f"{format_number(n)} ماه"} for n in months],
        lines=len(months),
    )


# ---------------------------------------------------------------- county tile map

# Light to dark, distinct in greyscale print; the first is «no jobs».
TILE_FILLS = ("#f3f4f6", "#ccebe7", "#8fcac2", "#3f9e93", "#0f766e")


def _tile_steps(top: int) -> list[tuple[int, int]]:
    """The upper bounds of the coloured classes: four equal steps up to `top`."""
    bounds, low = [], 1
    for i in range(1, len(TILE_FILLS)):
        high = max(low, -(-top * i // (len(TILE_FILLS) - 1)))
        bounds.append((low, high))
        low = high + 1
    return bounds


def county_tiles(tiles: list[dict], *, caption: str, unit: str = "شغل") -> SafeString:
    """A tile map: one square per county at its (row, col) on a rough grid of the province
    (programs.tiles), north up and west left, coloured by its value in five classes, with
    the county's name and figure as HTML text under the colour (WeasyPrint cannot shape
    Persian inside an SVG). Tiles without a place (row None) are listed below the map.

    tiles: [{"label", "row", "col", "value"}]; caption names the figure for the legend.
    """
    if not tiles:
        return _empty()
    top = int(max(_num(t["value"]) for t in tiles))
    steps = _tile_steps(top) if top else []

    def fill(value) -> str:
        value = int(_num(value))
        if value <= 0:
            return TILE_FILLS[0]
        for i, (_, high) in enumerate(steps, start=1):
            if value <= high:
                return TILE_FILLS[i]
        return TILE_FILLS[-1]

    placed = [t for t in tiles if t.get("row") is not None]
    rows = max((t["row"] for t in placed), default=-1) + 1
    cols = max((t["col"] for t in placed), default=-1) + 1
    grid: list[list[dict | None]] = [[None] * cols for _ in range(rows)]
    for t in placed:
        grid[t["row"]][t["col"]] = {
            "label": str(t["label"]),
            "value": f"{format_number(_num(t['value']))}",
            "fill": fill(t["value"]),
        }
    legend = [{"fill": TILE_FILLS[0], "text": format_number(0)}]
    seen = set()
    for i, (low, high) in enumerate(steps, start=1):
        if (low, high) in seen or low > high:
            continue
        seen.add((low, high))
        text = format_number(low) if low == high else f"{format_number(low)} تا {format_number(high)}"
        legend.append({"fill": TILE_FILLS[i], "text": text})
    unplaced = [
        {"label": str(t["label"]), "value": format_number(_num(t["value"]))} for t in tiles if t.get("row") is None
    ]
    return _render(
        "tiles.html",
        label=f"نقشهٔ شهرستان‌ها: {caption}",
        caption=caption,
        unit=unit,
        grid=grid,
        legend=legend,
        unplaced=unplaced,
    )
