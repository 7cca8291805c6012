"""Plant every kind of value that must never be public (a person's name and username, a
business's reference code, national code and loan, a note, an evidence file's name, a
reason for a return), then crawl every public page an anonymous visitor can reach — the
list, each commitment, the feed, each snapshot's figures and the Open Graph tags among
them — and look for each."""

import datetime
import re

from django.urls import reverse

from commitments import services
from core import persian
from reports.models import Report
from reports.services import report_build, report_create
from tests import factories as f

SECRETS = {
    "reporter's first name": "پرویزسری",
    "reporter's last name": "نهان‌زاده",
    "reporter's username": "secret_reporter_x1",
    "official's username": "secret_official_x2",
    "official's last name": "محرمانه‌نژاد",
    "reference code": "HB-SECRET-4242",
    "national code": "0012345679",
    "entry note": "یادداشت محرمانهٔ گزارش پیشرفت",
    "return reason": "دلیل محرمانهٔ برگشت",
    "check note": "یادداشت محرمانهٔ پایش",
    "evidence file": "madrak-mahramane-77",
}
# Amounts of one business or one entry, in every way a page could print them.
AMOUNTS = {"a business's loan": 987_654_321, "an entry's credit": 555_444_333}


def _amount_forms(n: int) -> list[str]:
    return [str(n), f"{n:,}", persian.persian_digits(str(n)), persian.format_number(n)]


def _plant(resalat):
    reporter = f.make_staff("secret_reporter_x1")
    reporter.first_name, reporter.last_name = SECRETS["reporter's first name"], SECRETS["reporter's last name"]
    reporter.save()
    official = f.make_official("secret_official_x2")
    official.last_name = SECRETS["official's last name"]
    official.save()
    resalat.reporters.add(reporter)
    county = f.CountyFactory(name="کرمان")
    entry = services.progress_entry_create(
        actor=reporter,
        commitment=resalat,
        period_end=datetime.date(2025, 9, 22),
        jobs_created=321,
        county=county,
        credit_paid=AMOUNTS["an entry's credit"],
        note=SECRETS["entry note"],
    )
    entry.evidence.name = f"evidence/2025/09/{SECRETS['evidence file']}.pdf"
    entry.save(update_fields=["evidence"])
    services.progress_entry_verify(actor=official, entry=entry)
    returned = services.progress_entry_create(
        actor=reporter, commitment=resalat, period_end=datetime.date(2025, 10, 22), jobs_created=5
    )
    services.progress_entry_reject(actor=official, entry=returned, reason=SECRETS["return reason"])
    business = f.HomeBusinessFactory(
        commitment=resalat,
        reference_code=SECRETS["reference code"],
        county=county,
        owner_national_code=SECRETS["national code"],
        loan_amount=AMOUNTS["a business's loan"],
        started_on=datetime.date(2025, 3, 21),
    )
    f.ContinuityCheckFactory(business=business, checked_on=datetime.date(2025, 7, 1), note=SECRETS["check note"])
    return official


def _crawl(client) -> dict[str, str]:
    """Every page reachable from /public/ under /public/ (links and the feed), by address."""
    seen: dict[str, str] = {}
    queue = ["/public/", reverse("public:feed")]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        seen[url] = text
        for href in re.findall(r'href="(/public/[^"#]*)"', text):
            queue.append(href)
        for href in re.findall(r"<link href=\"[^\"]*?(/public/[^\"#]*)\"", text):  # the feed's links
            queue.append(href)
    return seen


def test_no_planted_secret_reaches_any_public_page(client, resalat, prepared):
    official = _plant(resalat)
    # A final deadline report, so its snapshot (and the snapshot's download) is public too.
    report = report_create(actor=official, kind=Report.Kind.COMMITMENT_TIMETABLE, due_on=datetime.date(2026, 6, 26))
    assert report_build(report.pk) is not None

    pages = _crawl(client)

    assert "/public/" in pages
    assert reverse("public:commitment", args=[resalat.pk]) in pages
    assert reverse("public:commitment", args=[prepared.pk]) in pages
    assert reverse("public:feed") in pages
    assert any(url.endswith(".csv") for url in pages)
    # The verified 321 jobs did reach the pages: the crawl reads real figures.
    assert "۳۲۱" in pages[reverse("public:commitment", args=[resalat.pk])]
    found = []
    for url, text in pages.items():
        for what, value in SECRETS.items():
            if value in text:
                found.append((url, what))
        for what, amount in AMOUNTS.items():
            if any(form in text for form in _amount_forms(amount)):
                found.append((url, what))
    assert found == []


def test_open_graph_tags_carry_the_figure_not_a_secret(client, resalat):
    _plant(resalat)
    html = client.get(reverse("public:commitment", args=[resalat.pk])).content.decode()
    og = re.search(r'property="og:description" content="([^"]*)"', html).group(1)
    assert og.startswith(f"«{resalat.title}» — بانک رسالت: ۳۲۱ تحقق‌یافته از ۳۰٬۰۰۰ هدف")
