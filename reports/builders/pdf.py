"""The PDF of a report: an HTML template laid out by WeasyPrint.

Persian shapes through Pango/HarfBuzz with Vazirmatn embedded (static/vendor/vazirmatn,
installed by `make assets`; DejaVu Sans is the fallback), pages run right to left,
page numbers are Persian («۲ از ۵») via counter(page, persian).
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from core import persian

from .cells import display
from .content import ReportContent, Table

PDF_CSS = "css/report-pdf.css"
# The Persian font report-pdf.css points at (npm's vazirmatn, copied by `make assets`).
# Without it WeasyPrint would quietly draw the report in another font: refuse instead.
FONT_FILES = ("vendor/vazirmatn/Vazirmatn-Regular.ttf", "vendor/vazirmatn/Vazirmatn-Bold.ttf")
FONT_MISSING = (
    "گزارش ساخته نشد: فایل قلم فارسی وزیرمتن (Vazirmatn) روی این سرور نیست ({files}). "
    "مدیر سامانه باید روی سرور ساخت گزارش‌ها `make assets` را اجرا کند؛ سپس «ساخت دوباره» را بزنید."
)


class FontMissing(Exception):
    """The PDF's Persian font is not installed; the message is the Persian one people read."""


def missing_fonts() -> list[str]:
    """The font files (static paths) the PDFs need and this machine lacks."""
    return [name for name in FONT_FILES if not finders.find(name)]


def require_fonts() -> None:
    missing = missing_fonts()
    if missing:
        raise FontMissing(FONT_MISSING.format(files="، ".join(name.rsplit("/", 1)[-1] for name in missing)))


# The charts' own stylesheet, the same file the site links: the chart markup carries classes only.
CHARTS_CSS = "css/charts.css"


def _table_context(table: Table) -> dict:
    return {
        "title": table.title,
        "note": table.note,
        "columns": table.columns,
        "rows": [
            [{"text": display(v, c.kind), "numeric": c.kind != "text"} for v, c in zip(row, table.columns, strict=True)]
            for row in table.rows
        ],
    }


def render_html(content: ReportContent) -> str:
    sections = [
        {
            "title": s.title,
            "intro": s.intro,
            "charts": s.charts,
            "tables": [_table_context(t) for t in s.tables if t.in_pdf],
            "excel_only": [t.title for t in s.tables if not t.in_pdf],
            # A table of many columns gets a landscape page of its own.
            "wide": any(len(t.columns) > 8 for t in s.tables if t.in_pdf),
        }
        for s in content.sections
    ]
    facts = [{"label": f.label, "text": display(f.value, f.kind)} for f in content.facts]
    return render_to_string(
        "reports/pdf/report.html",
        {
            "content": content,
            "facts": facts,
            "sections": sections,
            "today_long": persian.format_jalali_long(content.today),
            "due_long": persian.format_jalali_long(content.due_on) if content.due_on else "",
        },
    )


def render_pdf(content: ReportContent) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which the web process rarely needs.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    require_fonts()
    css_path = finders.find(PDF_CSS)
    font_config = FontConfiguration()
    # Relative url()s in the stylesheet (the Vazirmatn files) resolve against its own folder.
    # The page's stylesheet comes last, so that paper may override how a chart sits on it.
    stylesheets = [CSS(filename=finders.find(name), font_config=font_config) for name in (CHARTS_CSS, PDF_CSS)]
    html = HTML(string=render_html(content), base_url=str(css_path))
    return html.write_pdf(stylesheets=stylesheets, font_config=font_config)
