"""Server-drawn charts: well-formed, proportional, escaped, Persian, and an empty state."""

import re
import xml.dom.minidom
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from core import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def rects(root: ET.Element, cls: str) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == cls]


def words(root: ET.Element) -> str:
    return " ".join(t.strip() for t in root.itertext() if t.strip())


def test_svgs_are_self_contained_with_size_and_viewbox():
    # given one chart of each kind
    markups = [
        charts.progress_bar(40),
        charts.horizontal_bars([{"label": "کرمان", "value": 3}]),
        charts.target_vs_realised([{"label": "رسالت", "target": 10, "realised": 4}]),
        charts.monthly_columns([{"label": "فروردین ۱۴۰۵", "jobs": 5}]),
    ]
    for markup in markups:
        root = parse(markup)
        svgs = [root] if root.tag == f"{SVG}svg" else list(root.iter(f"{SVG}svg"))
        assert svgs
        for svg in svgs:
            # then every SVG carries the sizes WeasyPrint needs, and nothing external
            assert svg.get("width") and svg.get("height") and svg.get("viewBox")
            # and no Persian is drawn as SVG text (WeasyPrint would print it unjoined)
            assert not list(svg.iter(f"{SVG}text"))
        assert "href" not in markup and "var(" not in markup and "<script" not in markup


def test_tables_read_right_to_left():
    markup = charts.horizontal_bars([{"label": "کرمان", "value": 3}])
    root = parse(markup)
    assert root.tag == "table" and root.get("dir") == "rtl"


def test_progress_bar_fills_from_the_right_in_proportion():
    # when a 25 % bar is drawn 200 wide
    root = parse(charts.progress_bar(25, width=200, height=10))
    (fill,) = rects(root, "fill")
    # then it is 50 wide and ends at the right edge
    assert float(fill.get("width")) == 50
    assert float(fill.get("x")) == 150
    assert root.get("aria-label") == "٪۲۵"


def test_progress_bar_clamps_and_has_a_no_figure_state():
    assert float(rects(parse(charts.progress_bar(140, width=100)), "fill")[0].get("width")) == 100
    assert float(rects(parse(charts.progress_bar(-5, width=100)), "fill")[0].get("width")) == 0
    assert words(parse(charts.progress_bar(None))) == "بدون رقم"


def test_horizontal_bars_are_proportional_and_grow_from_the_right():
    # given two counties, one with twice the jobs
    root = parse(charts.horizontal_bars([{"label": "کرمان", "value": 200}, {"label": "بم", "value": 100}]))
    big, small = rects(root, "bar")
    # then the bars' lengths are 2:1 and both end at the right edge of their cell
    assert float(big.get("width")) == pytest.approx(2 * float(small.get("width")), abs=0.02)
    assert float(big.get("x")) + float(big.get("width")) == pytest.approx(charts.SCALE)
    assert float(small.get("x")) + float(small.get("width")) == pytest.approx(charts.SCALE)
    # and the labels and figures are there in Persian digits with separators
    assert words(root) == "کرمان ۲۰۰ شغل بم ۱۰۰ شغل"


def test_target_vs_realised_draws_target_and_realised_to_the_same_scale():
    # given a 30,000 target with 6,000 realised and a prepared one without a target
    rows = [
        {"label": "رسالت", "target": 30_000, "realised": 6_000},
        {"label": "مس", "target": None, "realised": 0},
    ]
    root = parse(charts.target_vs_realised(rows))
    (target,) = rects(root, "target")
    realised = rects(root, "realised")
    # then realised is a fifth of the target's length and the targetless row says so
    assert float(target.get("width")) == pytest.approx(charts.SCALE)
    assert float(realised[0].get("width")) == pytest.approx(charts.SCALE / 5)
    assert float(realised[1].get("width")) == 0
    text = words(root)
    assert "رسالت ۶٬۰۰۰ از ۳۰٬۰۰۰" in text
    assert text.endswith("مس بدون رقم")
    # and the legend and the chart's name say the glossary's words, as the headings above it
    assert text.startswith("هدف تحقق‌یافته ")
    assert root.get("aria-label") == "هدف در برابر تحقق‌یافته"


def test_monthly_columns_keep_order_with_heights_in_proportion():
    rows = [{"label": "فروردین ۱۴۰۵", "jobs": 10}, {"label": "اردیبهشت ۱۴۰۵", "jobs": 30}]
    root = parse(charts.monthly_columns(rows))
    first, second = rects(root, "column")
    # then the columns' heights are 1:3 (the rtl table puts the first month on the right)
    assert float(first.get("height")) * 3 == pytest.approx(float(second.get("height")), abs=0.05)
    assert words(root) == "۱۰ ۳۰ فروردین ۱۴۰۵ اردیبهشت ۱۴۰۵"


def test_user_text_is_escaped():
    # given a label that tries to inject markup
    evil = "<script>alert(1)</script>"
    for markup in (
        charts.horizontal_bars([{"label": evil, "value": 1}]),
        charts.target_vs_realised([{"label": evil, "target": 2, "realised": 1}]),
        charts.monthly_columns([{"label": evil, "jobs": 1}]),
    ):
        # then it is text, not an element
        assert "<script>" not in markup
        root = parse(markup)
        assert not list(root.iter("script"))
        assert "<script>alert(1)</script>" in words(root)


def test_empty_states_say_there_is_no_data():
    for markup in (
        charts.horizontal_bars([]),
        charts.horizontal_bars([{"label": "بم", "value": 0}]),
        charts.target_vs_realised([]),
        charts.monthly_columns([]),
    ):
        assert words(parse(markup)) == "داده‌ای نیست"
    # months with nothing verified keep their axis and say so
    assert "داده‌ای نیست" in words(parse(charts.monthly_columns([{"label": "تیر ۱۴۰۵", "jobs": 0}])))


def every_chart(label="کرمان"):
    """One chart of each kind and state, the same markup for pages and PDFs."""
    cohorts = [cohort(label, {3: 1.0, 6: 0.5, 12: None})]
    return {
        "progress": charts.progress_bar(40),
        "progress_none": charts.progress_bar(None),
        "labelled": charts.labelled_progress(26.3, label),
        "labelled_none": charts.labelled_progress(None, label),
        "bars": charts.horizontal_bars([{"label": label, "value": 3}, {"label": "بم", "value": 1}]),
        "target": charts.target_vs_realised([{"label": label, "target": 2, "realised": 1}, {"label": "مس"}]),
        "monthly": charts.monthly_columns([{"label": f"{label} ۱۴۰۵", "jobs": 4}]),
        "monthly_zero": charts.monthly_columns([{"label": "تیر ۱۴۰۵", "jobs": 0}]),
        "survival": charts.survival_columns(cohorts),
        "survival_two": charts.survival_columns(cohorts, months=(6, 12)),
        "empty": charts.horizontal_bars([]),
    }


def test_no_chart_carries_a_style_attribute_for_the_csp():
    # given the site's Content-Security-Policy forbids style attributes, and pages and PDFs share the markup
    for name, markup in every_chart(label='style="x"').items():
        root = parse(markup)
        # then no element of any chart has one: classes only, styled by static/css/charts.css
        styled = [el.tag for el in root.iter() if "style" in el.attrib]
        assert styled == [], name
        assert "kj-" in root.get("class"), name
        # and a label that looks like one stays text
        assert ' style="' not in markup, name
    assert "style=&quot;x&quot;" in charts.horizontal_bars([{"label": 'style="x"', "value": 1}])


def test_coordinates_are_plain_numbers_under_the_persian_locale():
    # given the site speaks Persian (LANGUAGE_CODE fa: «٫» as the decimal separator)
    # when a bar a third of the largest is drawn
    bars = rects(parse(charts.horizontal_bars([{"label": "کرمان", "value": 3}, {"label": "بم", "value": 1}])), "bar")
    # then its coordinates are SVG numbers, not localised ones
    assert [(r.get("x"), r.get("width")) for r in bars] == [("0", "1000"), ("666.67", "333.33")]


def test_the_stretched_bars_heights_are_in_charts_css():
    """WeasyPrint sizes a width-100% SVG by its viewBox ratio and ignores its height
    attribute, so each stretched SVG's height must come from the stylesheet."""
    css = Path(finders.find("css/charts.css")).read_text(encoding="utf-8")
    declared = dict(re.findall(r"^(\.[\w .-]+?)\s*\{\s*height:\s*(\d+)px;", css, flags=re.M))
    expected = {
        ".kj-chart-bars .kj-stretch": charts.BAR_HEIGHT,
        ".kj-chart-target .kj-stretch": charts.TARGET_HEIGHT,
        ".kj-chart-months .kj-stretch": charts.MONTHS_PLOT_HEIGHT,
        **{f".kj-lines-{n}": n * (charts.SURVIVAL_LINE + charts.SURVIVAL_GAP) for n in (1, 2, 3)},
    }
    assert {k: int(declared[k]) for k in expected} == expected
    # and the SVGs name the class that sizes them, with the same height as their viewBox
    for name in ("bars", "target", "monthly", "survival", "survival_two"):
        for svg in parse(every_chart()[name]).iter(f"{SVG}svg"):
            if "kj-stretch" in svg.get("class", ""):
                assert svg.get("viewBox").split()[3] == svg.get("height"), name
    survival = [s.get("class") for s in parse(every_chart()["survival_two"]).iter(f"{SVG}svg")]
    assert "kj-stretch kj-lines-2" in survival


def test_survival_columns_refuse_more_horizons_than_colours():
    rows = [cohort("تیر ۱۴۰۴", {1: 1.0, 3: 1.0, 6: 0.5, 12: None})]
    with pytest.raises(ValueError):
        charts.survival_columns(rows, months=(1, 3, 6, 12))


def test_charts_print_readable_persian_in_a_weasyprint_pdf(tmp_path):
    """The reason labels are HTML, not SVG text: WeasyPrint shapes and orders them."""
    import shutil
    import subprocess

    from weasyprint import CSS, HTML

    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed; `make test` installs it")
    font = (charts.__file__.rsplit("/", 2)[0]) + "/static/vendor/vazirmatn/Vazirmatn-Regular.ttf"
    html = (
        '<html lang="fa" dir="rtl"><head><meta charset="utf-8"><style>'
        f'@font-face{{font-family:Vazirmatn;src:url("file://{font}")}} body{{font-family:Vazirmatn,sans-serif}}'
        "</style></head><body>"
        + charts.horizontal_bars([{"label": "رفسنجان", "value": 1200}])
        + charts.target_vs_realised([{"label": "بانک رسالت", "target": 30000, "realised": 6000}])
        + "</body></html>"
    )
    pdf = tmp_path / "charts.pdf"
    # with the one stylesheet the site links and the report PDFs use
    HTML(string=html).write_pdf(pdf, stylesheets=[CSS(filename=finders.find("css/charts.css"))])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext marks directions and moves spaces around them; compare the letters in logical order.
    squeezed = "".join(
        ch for ch in text if not ch.isspace() and ch not in "\u200e\u200f\u202a\u202b\u202c\u2066\u2067\u2068\u2069"
    )
    assert "رفسنجان" in squeezed
    assert "۱٬۲۰۰شغل" in squeezed
    assert "بانکرسالت" in squeezed
    assert "۶٬۰۰۰از۳۰٬۰۰۰" in squeezed


def test_labelled_progress_says_what_the_bar_measures():
    html = str(charts.labelled_progress(26.3, "درصد تحقق برنامه"))
    root = parse(html)
    # the figure written as the tables beside it write it (٪۲۶٫۳, not ٪۲۶)
    assert words(root) == "٪۲۶٫۳ ٪۲۶٫۳ درصد تحقق برنامه"  # the bar's own title, then the figure beside it
    assert float(rects(root, "fill")[0].get("width")) == pytest.approx(240 * 0.263)
    assert "بدون رقم" in words(parse(str(charts.labelled_progress(None, "از هدف"))))


# ---------------------------------------------------------------- cohort survival


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
