"""On paper: each page an official prints, printed by Chromium to A4, keeps every headline
figure whole.

Before the print stylesheet, Chromium laid the right-to-left dashboard out wider than the
paper and cut its left side off: «۳۰٬۰۰۰» printed as «٬۰۰۰» and the target, progress and
deadline columns were gone. Here an official logs in, each page goes through `page.pdf()`
as A4, the text is read back with pypdf (and with pdftotext, which gives logical order),
and every figure the page shows, formatted from the same figure functions the page reads
(never typed in), must be there whole and inside the paper. The printed header names the
Jalali date and the reader's scope; the navigation and the «چاپ» button are not printed.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connections
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from commitments import figures as commitment_figures
from commitments import selectors as commitment_selectors
from commitments.models import Commitment, ProgressEntry
from core import persian
from registry import figures as registry_figures
from registry import survival as registry_survival
from registry.models import HomeBusiness
from reports import figures as report_figures
from reports.models import Report
from tests.fixtures import CHROMIUM_ARGS

from . import factories as f
from .reports_reading import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-for-tests-1405"  # tests.factories.UserFactory's


@pytest.fixture
def province(official, staff, commitment):
    """The seed's shape: a 12,000 programme, the 30,000 MoU with a 6,000 tranche, a 15,000
    pledge, the 14,000 baseline; entries verified and waiting; businesses with checks; a report."""
    commitment.due_on = datetime.date(2027, 3, 20)
    commitment.save()
    program = commitment.program
    tranche = f.CommitmentFactory(program=program, parent=commitment, title="اجرای ۶ هزار شغل", jobs_target=6_000)
    f.CommitmentFactory(program=program, title="تعهد ۱۵ هزار شغل", jobs_target=15_000)
    baseline = f.CommitmentFactory(
        program=program, title="شغل‌های پیش از سامانه", instrument="baseline", status="completed", jobs_target=None
    )
    county, sector = f.CountyFactory(name="کرمان"), f.SectorFactory(name="پوشاک")
    f.ProgressEntryFactory(
        commitment=baseline, jobs_created=14_000, status="verified", verified_by=official, is_baseline=True
    )
    f.ProgressEntryFactory(
        commitment=tranche,
        jobs_created=1_234,
        credit_paid=12_500_000_000,
        county=county,
        sector=sector,
        status="verified",
        verified_by=official,
        period_end=persian.local_today() - datetime.timedelta(days=40),
    )
    waiting = f.ProgressEntryFactory(
        commitment=commitment, jobs_created=1_200, credit_paid=7_750_000_000, county=county, sector=sector
    )
    waiting.entered_by = staff
    waiting.save()
    started = persian.local_today() - datetime.timedelta(days=400)
    businesses = []
    for i, status in enumerate(["active", "active", "semi_closed", "inactive", "active"]):
        b = f.HomeBusinessFactory(
            commitment=tranche,
            county=county,
            sector=sector,
            started_on=started,
            status=status,
            jobs=2 + i,
            loan_amount=3_500_000_000 + i,
        )
        f.ContinuityCheckFactory(
            business=b,
            checked_on=started + datetime.timedelta(days=200),
            status=status,
            reason="" if status == "active" else "financing",
        )
        businesses.append(b)
    report = Report.objects.create(kind="pathology", requested_by=official, due_on=datetime.date(2027, 6, 26))
    return {"commitment": commitment, "tranche": tranche, "business": businesses[0], "report": report}


def n(value) -> str:
    return persian.format_number(value)


def dashboard_figures(official, world) -> list[str]:
    numbers = report_figures.dashboard_figures(commitment_selectors.commitments_visible_to(official))
    p = numbers["programs"][0]
    shown = [p["new_jobs"], p["new_jobs_target"], p["programme_remaining"], p["pledged"], p["baseline_jobs"]]
    shown += [numbers["still_active"], numbers["registered_jobs"], numbers["unchecked"]]
    for row in numbers["figures"]:
        shown += [row.target, row.realised] + ([row.unallocated] if row.target else [])
    texts = [n(v) for v in shown if v is not None]
    assert "۳۰٬۰۰۰" in texts and "۱۲٬۰۰۰" in texts and "۱۴٬۰۰۰" in texts
    return [*texts, persian.format_percent(p["programme_percent"])]


def commitment_figures_of(official, world) -> list[str]:
    pk = world["commitment"].pk
    family = commitment_selectors.commitments_visible_to(official).filter(
        Q(pk=pk) | Q(parent_id=pk) | Q(parent__parent_id=pk)
    )
    ladder = commitment_figures.commitment_figures(family)
    main = next(x for x in ladder if x.commitment.pk == pk)
    texts = [
        n(main.target),
        n(main.allocated),
        n(main.unallocated),
        n(main.realised),
        persian.format_percent(main.percent),
    ]
    for tranche in ladder:
        texts += [n(tranche.target), n(tranche.realised)]
    return texts


def review_figures(official, world) -> list[str]:
    waiting = commitment_selectors.entries_awaiting_review(official)
    texts = [n(waiting.count())]
    for entry in waiting:
        texts += [n(entry.jobs_created), n(entry.credit_paid), persian.format_jalali(entry.period_end)]
    return texts


def registry_list_figures(official, world) -> list[str]:
    counts = registry_figures.business_status_counts(HomeBusiness.objects.all())
    texts = [n(HomeBusiness.objects.count())] + [n(c["count"]) for c in counts.values()]
    for b in HomeBusiness.objects.all():
        texts += [n(b.loan_amount), persian.format_jalali(b.started_on)]
    return texts


def business_figures(official, world) -> list[str]:
    b = world["business"]
    return [n(b.jobs), n(b.loan_amount), persian.format_jalali_long(b.started_on)]


def cohort_figures(official, world) -> list[str]:
    rows = registry_survival.cohort_survival(HomeBusiness.objects.all(), months=(3, 6, 12))
    overall = registry_survival.survival_totals(rows, months=(3, 6, 12))
    texts = [n(sum(r["started"] for r in rows))]
    for cell in overall.values():
        if cell["share"] is not None:
            texts.append(persian.format_percent(100 * cell["share"]))
    assert len(texts) > 1, "no survival figure to look for"
    return texts


def report_list_figures(official, world) -> list[str]:
    report = world["report"]
    return [persian.format_jalali(report.due_on), persian.format_jalali_datetime(report.created_at)]


PAGES = {
    "dashboard": (lambda w: reverse("reports:dashboard"), dashboard_figures),
    "commitment": (lambda w: reverse("commitments:detail", args=[w["commitment"].pk]), commitment_figures_of),
    "review queue": (lambda w: reverse("commitments:review_queue"), review_figures),
    "business list": (lambda w: reverse("registry:list"), registry_list_figures),
    "business": (lambda w: reverse("registry:detail", args=[w["business"].pk]), business_figures),
    "cohorts": (lambda w: reverse("registry:cohorts"), cohort_figures),
    "reports list": (lambda w: reverse("reports:list"), report_list_figures),
}


def pypdf_pages(path) -> list[tuple[str, list[float], float]]:
    """Per page: pypdf's text, the x of every text run drawn, and the paper's width."""
    pages = []
    for page in PdfReader(path).pages:
        xs: list[float] = []

        def visit(text, cm, tm, font, size, xs=xs):
            if text.strip():
                xs.append(cm[0] * tm[4] + cm[2] * tm[5] + cm[4])

        text = page.extract_text(visitor_text=visit)
        pages.append((text, xs, float(page.mediabox.width)))
    return pages


NUMBER = re.compile(r"[۰-۹](?:[۰-۹٬٫/:]*[۰-۹])?")


def numbers_in(figure: str) -> list[str]:
    """The digit runs of a shown figure: «۳۰٬۰۰۰», «٪۴٫۱» → «۴٫۱», a date-time → its date and time."""
    return NUMBER.findall(figure)


def whole_in_pypdf(number: str, text: str) -> bool:
    """pypdf gives a run of Persian digits inside right-to-left text in drawing order
    («۳۰٬۰۰۰» as «۰۰۰٬۰۳») and runs the cells of a row together, so: present, in either order."""
    return number in text or number[::-1] in text


def whole_in_pdftotext(number: str, text: str) -> bool:
    """pdftotext gives logical order with the columns apart: the run exactly, not part of a longer one."""
    return re.search(rf"(?<![۰-۹٬٫/:]){re.escape(number)}(?![۰-۹٬٫/:])", text) is not None


def test_each_page_prints_on_a4_with_every_figure_whole(live_server, official, province, tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    expected = {name: figures(official, province) for name, (_, figures) in PAGES.items()}
    today = re.sub(r"\s", "", persian.format_jalali_long(timezone.localdate()))
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", official.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        for name, (url, _) in PAGES.items():
            page.goto(live_server.url + url(province))
            page.wait_for_load_state("networkidle")
            # The «چاپ» button is there on screen, and is the one that prints.
            button = page.locator("[data-print]")
            assert button.is_visible(), f"{name}: no «چاپ» button"
            assert button.inner_text().strip() == "چاپ"
            path = tmp_path / f"{name}.pdf"
            page.pdf(path=str(path), format="A4")

            printed = pypdf_pages(path)
            text = "\n".join(t for t, _, _ in printed)
            logical = pdf_text(path)
            for figure in expected[name]:
                for number in numbers_in(figure):
                    if not whole_in_pypdf(number, text):
                        problems.append(f"{name}: «{figure}» not whole in pypdf's text")
                    if not whole_in_pdftotext(number, logical):
                        problems.append(f"{name}: «{figure}» not whole in pdftotext's text")
            for _, xs, width in printed:
                outside = [x for x in xs if not -1 <= x <= width + 1]
                if outside:
                    problems.append(f"{name}: text drawn off the paper at x={outside[:3]}")
            # The header: the Jalali date printed and whose figures these are; no navigation.
            # pdftotext moves the spaces and colon beside digits, and the hamza of «همهٔ».
            squeezed = re.sub(r"[\s:\u0654]", "", logical)
            header = {
                "no Jalali print date in the header": "تاریخچاپ" + today in squeezed,
                "no scope in the printed header": "دامنهارقامهمهاستان" in squeezed,
                "the top bar was printed": "پیشخوانصفبررسی" not in squeezed and "خروج" not in logical,
                "the «چاپ» button was printed": "چاپ" not in logical.replace("تاریخ چاپ", ""),
            }
            problems += [f"{name}: {what}" for what, ok in header.items() if not ok]
        browser.close()
    connections.close_all()
    assert not problems, "\n".join(problems)
    assert Commitment.objects.count() == 4 and ProgressEntry.objects.count() == 3
