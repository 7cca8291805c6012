"""The cohort survival chart added to kerman_jobs.charts."""

import xml.dom.minidom

from kerman_jobs import charts


def cohort(label, shares):
    return {
        "label": label,
        "survival": {n: {"eligible": 1, "active": 1, "share": s, "unknown": 0} for n, s in shares.items()},
    }


def test_survival_columns_draws_one_bar_per_known_share_from_the_right():
    rows = [cohort("تیر ۱۴۰۴", {3: 1.0, 6: 0.5, 12: None})]

    html = str(charts.survival_columns(rows))

    xml.dom.minidom.parseString(html)  # well-formed, as PDFs need
    assert 'class="survival-3" x="0" y="0" width="1000"' in html
    assert 'class="survival-6" x="500" y="8" width="500"' in html
    assert "survival-12" not in html
    assert "٪۱۰۰، ٪۵۰، —" in html
    assert "تیر ۱۴۰۴" in html


def test_survival_columns_escapes_labels_and_handles_nothing():
    html = str(charts.survival_columns([cohort("<b>", {3: 0.0, 6: None, 12: None})]))
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert charts.EMPTY_TEXT in str(charts.survival_columns([]))
