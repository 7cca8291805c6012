"""A figure means one thing everywhere: the five headline figures, worked out here by hand
from the raw rows, read the same on the dashboard, on the public page, on the business list, and in the PDF
and the Excel file of the commitment timetable and of the pathology report.

The data are random (a seeded random.Random, three seeds): a programme, the 14,000
baseline, top-level commitments (one prepared with no figure, one cancelled after it
reported), tranches within their parents, entries verified, submitted and returned,
businesses never checked or checked one to three times (in any order of dates, sometimes
twice a day), and owners registered under two or three commitments («تکراری»). The
official opens the pages once before the checks come in, so a stale cached figure fails. The expected numbers never go through a function of the app:
plain Python over Model.objects.values(...), in the glossary's words (core.glossary).
"""

from __future__ import annotations

import datetime
import random
import re

import pytest
from django.core.management import call_command
from django.test import Client

from commitments import services as commitment_services
from commitments.models import Commitment, ProgressEntry
from core import glossary, persian
from registry import services as registry_services
from registry.models import ContinuityCheck, HomeBusiness
from reports import services as report_services
from tests import factories as f
from tests.reports_reading import numbers_on_line, pdf_text, summary_value, workbook

pytestmark = pytest.mark.django_db

SEEDS = (7, 1405, 20250626)
NEW_JOBS_TARGET = 12_000
BASELINE_JOBS = 14_000
TODAY = persian.local_today()
COUNTIES = ("کرمان", "بم", "رفسنجان", "جیرفت")
SECTORS = ("صنایع دستی", "فرش دستباف", "پوشاک", "کسب‌وکار مجازی")
REASONS = [r for r, _ in ContinuityCheck.Reason.choices]


# ---------------------------------------------------------------- random data


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def national_code(rng: random.Random) -> str:
    """A valid code: nine random digits (not all equal) and the check digit of the rule
    r = Σ digit[i] × (10 − i) mod 11, check = r if r < 2 else 11 − r."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if len(set(digits)) > 1:
            break
    remainder = sum(d * (10 - i) for i, d in enumerate(digits)) % 11
    check = remainder if remainder < 2 else 11 - remainder
    return "".join(map(str, digits)) + str(check)


def random_province(rng: random.Random, admin, official) -> list[HomeBusiness]:
    """The programme, commitments, entries and businesses for one seed, written through
    the app's services; the businesses are returned for `random_checks`."""
    program = f.ProgramFactory(jobs_target=NEW_JOBS_TARGET)
    counties = [f.CountyFactory(name=name) for name in COUNTIES]
    sectors = [f.SectorFactory(name=name) for name in SECTORS]
    serial = iter(range(1, 1000))

    def commitment(**fields) -> Commitment:
        n = next(serial)
        obj = Commitment(program=program, organization=f.OrganizationFactory(), title=f"تعهد آزمایشی {n}", **fields)
        if fields.get("status", "prepared") != "prepared":
            obj.signed_on, obj.due_on = days_ago(700), days_ago(-700)
        return commitment_services.commitment_save(actor=admin, commitment=obj)

    baseline = commitment(instrument="baseline", status="completed", jobs_target=None)
    commitment_services.progress_entry_create_baseline(
        actor=admin, commitment=baseline, period_end=days_ago(730), jobs_created=BASELINE_JOBS, note="شغل پایه"
    )

    roots = [
        commitment(
            instrument=rng.choice(["mou", "agreement", "pledge"]),
            status=rng.choice(["signed", "in_execution", "completed"]),
            jobs_target=rng.randrange(500, 40_001, 250),
        )
        for _ in range(rng.randint(3, 5))
    ]
    for _ in range(rng.randint(1, 2)):
        commitment(status="prepared", jobs_target=None)  # an MoU with no figure yet: reports nothing
    if rng.random() < 0.5:
        commitment(status="prepared", jobs_target=rng.randrange(500, 10_001, 500))  # a figure, not signed yet
    # Reports jobs while signed, then is cancelled: its target leaves «تعهد شده», its
    # verified jobs stay «شغل تازه».
    cancelled = commitment(status="signed", jobs_target=rng.randrange(1_000, 20_001, 500))
    tranches = []
    for parent in rng.sample(roots, k=2):
        room = parent.jobs_target
        for _ in range(rng.randint(1, 2)):
            target = rng.randint(1, room // 2)
            room -= target
            tranches.append(commitment(parent=parent, status="in_execution", jobs_target=target))

    reporting = [*roots, *tranches, cancelled]
    for c in reporting:
        for _ in range(rng.randint(1, 4)):
            entry = commitment_services.progress_entry_create(
                actor=admin,
                commitment=c,
                period_end=days_ago(rng.randint(0, 540)),
                jobs_created=rng.randint(1, 900),
                county=rng.choice(counties),
                sector=rng.choice(sectors),
            )
            outcome = rng.choice(["verified", "verified", "submitted", "rejected"])
            if outcome == "verified":
                commitment_services.progress_entry_verify(actor=official, entry=entry)
            elif outcome == "rejected":
                commitment_services.progress_entry_reject(actor=official, entry=entry, reason="مستند ناقص")
    commitment_services.commitment_set_status(actor=admin, commitment=cancelled, status="cancelled")
    if rng.random() < 0.5:
        commitment_services.commitment_set_status(actor=admin, commitment=rng.choice(tranches), status="cancelled")

    def business(c, *, started_on, owner_code="") -> HomeBusiness:
        return registry_services.business_create(
            actor=admin,
            commitment=c,
            reference_code=f"HB-{next(serial)}",
            county=rng.choice(counties),
            sector=rng.choice(sectors),
            started_on=started_on,
            jobs=rng.randint(1, 6),
            owner_national_code=owner_code,
        )

    businesses = []
    for _ in range(rng.randint(14, 22)):
        code = national_code(rng) if rng.random() < 0.6 else ""
        businesses.append(business(rng.choice(reporting), started_on=days_ago(rng.randint(30, 800)), owner_code=code))
    # Owners registered again under other commitments: started later, earlier, and on
    # the same day (the smaller id counts then).
    for shifts in ([rng.randint(1, 200)], [-rng.randint(1, 200)], [0], [rng.randint(-200, 200), 0]):
        code = national_code(rng)
        first = business(rng.choice(reporting), started_on=days_ago(rng.randint(300, 800)), owner_code=code)
        businesses.append(first)
        for shift in shifts:
            other = rng.choice([c for c in reporting if c != first.commitment])
            businesses.append(
                business(other, started_on=first.started_on + datetime.timedelta(days=shift), owner_code=code)
            )

    return businesses


def random_checks(rng: random.Random, admin, businesses: list[HomeBusiness]) -> None:
    """None for about a third of the businesses, one to three for the others."""
    for b in businesses:
        if rng.random() < 0.3:
            continue  # never checked: «پایش‌نشده»
        span = (TODAY - b.started_on).days
        checked_on = None
        for _ in range(rng.randint(1, 3)):
            status = rng.choice(["active", "active", "semi_closed", "inactive"])
            # in any order of dates, sometimes twice on one day (the later check counts)
            if checked_on is None or rng.random() < 0.8:
                checked_on = b.started_on + datetime.timedelta(days=rng.randint(0, span))
            registry_services.continuity_check_create(
                actor=admin,
                business=b,
                checked_on=checked_on,
                status=status,
                reason="" if status == "active" else rng.choice(REASONS),
            )


# ---------------------------------------------------------------- the figures by hand


def by_hand() -> dict:
    """The five figures from the raw rows, by their definitions in DESIGN.md and core.glossary."""
    new_jobs = sum(
        e["jobs_created"]
        for e in ProgressEntry.objects.values("status", "is_baseline", "jobs_created")
        if e["status"] == "verified" and not e["is_baseline"]
    )
    pledged = sum(
        c["jobs_target"]
        for c in Commitment.objects.values("parent_id", "status", "instrument", "jobs_target")
        if c["parent_id"] is None
        and c["status"] != "cancelled"
        and c["instrument"] != "baseline"
        and c["jobs_target"] is not None
    )

    businesses = sorted(
        HomeBusiness.objects.values("id", "owner_code_hash", "started_on", "jobs"),
        key=lambda b: (b["started_on"], b["id"]),
    )
    first_of_owner: dict[str, int] = {}
    for b in businesses:
        if b["owner_code_hash"]:
            first_of_owner.setdefault(b["owner_code_hash"], b["id"])
    counted = [b for b in businesses if not b["owner_code_hash"] or first_of_owner[b["owner_code_hash"]] == b["id"]]
    latest: dict[int, str] = {}
    for check in sorted(
        ContinuityCheck.objects.values("business_id", "checked_on", "id", "status"),
        key=lambda c: (c["checked_on"], c["id"]),
    ):
        latest[check["business_id"]] = check["status"]

    return {
        "new_jobs": new_jobs,
        "new_jobs_target": NEW_JOBS_TARGET,
        "programme_percent": round(100 * new_jobs / NEW_JOBS_TARGET, 1),
        "pledged": pledged,
        "unchecked": sum(1 for b in counted if b["id"] not in latest),
        "still_active": sum(b["jobs"] for b in counted if latest.get(b["id"]) == "active"),
        # not asserted anywhere: that the data exercise what the figures leave out
        "duplicates": len(businesses) - len(counted),
    }


# ---------------------------------------------------------------- reading what an official sees


def shown(value, key: str) -> str:
    return persian.format_percent(value) if key == "programme_percent" else persian.format_number(value)


def by_testid(page: str, testid: str) -> str:
    found = re.findall(rf'data-testid="{testid}">([^<]*)<', page)
    assert len(found) == 1, (testid, found)
    return found[0]


def unchecked_on_business_list(page: str) -> str | None:
    """The «پایش‌نشده» count of the business list's summary line, None when it names none."""
    summary = re.search(r'<p class="hb-summary">(.*?)</p>', page, re.S).group(1)
    summary = " ".join(re.sub(r"<[^>]+>", "", summary).split())  # the labels link their definitions
    found = re.findall(rf"{glossary.label('unchecked')} ([۰-۹٬]+)", summary)
    assert len(found) <= 1, summary
    return found[0] if found else None


def build(official, kind, capture):
    with capture(execute=True):
        report = report_services.report_request(actor=official, kind=kind)
    report.refresh_from_db()
    assert report.status == "ready", report.error
    return pdf_text(report.pdf.path), workbook(report.xlsx.path)


def assert_report_carries(text, book, expected: dict, keys: tuple[str, ...]) -> None:
    for key in keys:
        label = glossary.label(key)
        assert numbers_on_line(text, label) == [expected[key]], (key, label)
        cell = summary_value(book, label)
        if key == "programme_percent":
            assert cell == pytest.approx(expected[key] / 100, abs=1e-12), (key, label)  # Excel keeps ٪ as a fraction
        else:
            assert cell == expected[key], (key, label)


# ---------------------------------------------------------------- the tests

TIMETABLE_FIGURES = ("new_jobs", "new_jobs_target", "programme_percent", "pledged", "still_active", "unchecked")
PATHOLOGY_FIGURES = ("still_active", "unchecked")


@pytest.mark.parametrize("seed", SEEDS)
def test_five_figures_agree_on_dashboard_list_pdfs_and_sheets(
    seed, official, admin_user, client, django_capture_on_commit_callbacks
):
    # Given a random province, whose pages an official has already opened once before
    # the continuity checks came in (a cached figure must not outlive a write)
    rng = random.Random(seed)
    businesses = random_province(rng, admin_user, official)
    client.force_login(official)
    anonymous = Client()
    assert client.get("/").status_code == client.get("/businesses/").status_code == 200
    assert anonymous.get("/public/").status_code == 200
    random_checks(rng, admin_user, businesses)
    expected = by_hand()
    assert expected["duplicates"] >= 5  # «تکراری» businesses exist and are left out
    assert expected["new_jobs"] > 0

    # When the official opens the dashboard and the business list
    dashboard = client.get("/").content.decode()
    business_list = client.get("/businesses/").content.decode()

    # Then the dashboard shows the programme's and the registry's figures
    for key, testid in (
        ("new_jobs", "new-jobs"),
        ("new_jobs_target", "new-jobs-target"),
        ("programme_percent", "programme-percent"),
        ("pledged", "pledged"),
        ("still_active", "still-active"),
        ("unchecked", "unchecked"),
    ):
        assert by_testid(dashboard, testid) == shown(expected[key], key), key
    assert by_testid(dashboard, "baseline-jobs") == "۱۴٬۰۰۰"
    # and the public page, anonymous, the same (the province's figures, not the public commitments' only)
    public = anonymous.get("/public/").content.decode()
    for key, testid in (
        ("new_jobs", "new-jobs"),
        ("new_jobs_target", "new-jobs-target"),
        ("programme_percent", "programme-percent"),
        ("pledged", "pledged"),
        ("still_active", "still-active"),
    ):
        assert by_testid(public, testid) == shown(expected[key], key), ("public", key)
    assert by_testid(public, "baseline-jobs") == "۱۴٬۰۰۰"
    # and the business list's summary carries «پایش‌نشده» too
    assert unchecked_on_business_list(business_list) == (
        persian.format_number(expected["unchecked"]) if expected["unchecked"] else None
    ), "unchecked"

    # And the reports carry the same numbers, in the PDF and on the Excel summary sheet
    text, book = build(official, "commitment_timetable", django_capture_on_commit_callbacks)
    assert_report_carries(text, book, expected, TIMETABLE_FIGURES)
    text, book = build(official, "pathology", django_capture_on_commit_callbacks)
    assert_report_carries(text, book, expected, PATHOLOGY_FIGURES)


def test_seeded_timetable_never_adds_the_baseline_to_the_pledges(official, django_capture_on_commit_callbacks):
    # Given the seeded facts: 14,000 baseline jobs, 30,000 (with the 6,000 tranche inside) and 15,000 pledged
    call_command("seed_kerman")

    # When an official asks for the timetable
    text, book = build(official, "commitment_timetable", django_capture_on_commit_callbacks)

    # Then 14,000 + 30,000 + 15,000 = 59,000 appears nowhere: the baseline is no pledge
    assert numbers_on_line(text, glossary.label("pledged")) == [45_000]
    assert numbers_on_line(text, glossary.label("baseline_jobs")) == [14_000]
    assert "۵۹٬۰۰۰" not in text
    cells = {v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row}
    assert 59_000 not in cells and 45_000 in cells
