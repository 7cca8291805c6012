"""Report builders: the figures of a report (content), then its PDF and Excel file.

`kinds.build_content(report)` hands the report to its kind's builder (timetable.py,
pathology.py, credits.py), which gathers the numbers once from the dashboard's
selectors into a content.ReportContent; `pdf.render_pdf` and `excel.write_xlsx` only
lay the same numbers out, so the PDF, the Excel file and the dashboard cannot disagree.
"""
