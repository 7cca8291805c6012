"""Report builders: the figures of a report (content), then its PDF and Excel file.

`content.build_content(report)` gathers the numbers once from the dashboard's
selectors; `pdf.render_pdf` and `excel.write_xlsx` only lay the same numbers out,
so the PDF, the Excel file and the dashboard cannot disagree.
"""
