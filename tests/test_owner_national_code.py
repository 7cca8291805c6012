"""The owner's national code is shown to nobody: not on any page, in any export, nor in any
report file, in Latin or Persian digits; and the dashboard counts each owner once."""

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from commitments.models import Commitment
from core.persian import make_jalali_date as J
from registry import services as registry_services
from reports import services as report_services
from reports.figures import dashboard_figures
from reports.models import Report
from tests.pages import export_file

from . import factories as f
from .reports_reading import pdf_text

pytestmark = pytest.mark.django_db

CODE = "0012345679"
PERSIAN_CODE = "۰۰۱۲۳۴۵۶۷۹"


@pytest.fixture
def registered(staff, commitment, other_commitment):
    """One owner entered by Bob through the service, and again under another commitment."""
    county, sector = f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")
    mine = registry_services.business_create(
        actor=staff,
        commitment=commitment,
        reference_code="MINE-1",
        county=county,
        sector=sector,
        started_on=J(1403, 1, 10),
        jobs=2,
        owner_national_code="۰۰۱-۲۳۴۵۶۷-۹",
    )
    theirs = f.HomeBusinessFactory(
        commitment=other_commitment,
        reference_code="THEIRS-1",
        county=county,
        sector=sector,
        started_on=J(1403, 2, 1),
        jobs=5,
        owner_national_code=CODE,
    )
    registry_services.continuity_check_create(actor=staff, business=mine, checked_on=J(1403, 6, 1), status="active")
    f.ContinuityCheckFactory(business=theirs, checked_on=J(1403, 6, 1), status="inactive", reason="financing")
    theirs.status = "inactive"
    theirs.save()
    return mine, theirs


def secrets(business) -> tuple[str, ...]:
    return (CODE, PERSIAN_CODE, business.owner_code_hash)


def assert_hidden(content: str, business, where: str) -> None:
    for secret in secrets(business):
        assert secret not in content, f"{secret!r} in {where}"


def pages(mine, commitment) -> list[str]:
    return [
        reverse("reports:dashboard"),
        reverse("registry:list"),
        reverse("registry:detail", args=[mine.pk]),
        reverse("registry:cohorts"),
        reverse("registry:worklist"),
        reverse("registry:duplicates"),
        reverse("commitments:detail", args=[commitment.pk]),
        reverse("reports:list"),
    ]


@pytest.mark.parametrize("who", ["official", "staff", "admin_user"])
def test_no_page_shows_the_code(client, request, who, registered, commitment):
    mine, _ = registered
    client.force_login(request.getfixturevalue(who))
    urls = pages(mine, commitment)
    if who == "admin_user":
        urls += [
            reverse("admin:registry_homebusiness_changelist"),
            reverse("admin:registry_homebusiness_change", args=[mine.pk]),
            reverse("admin:registry_homebusiness_history", args=[mine.pk]),
        ]

    seen = ""
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        assert_hidden(response.content.decode(), mine, url)
        seen += response.content.decode()
    # the pages did show the business itself (its code read with Persian digits): the search ran over real content
    assert "MINE-۱" in seen and "تکراری" in seen


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_export_holds_the_code_or_its_hash(client, official, registered, fmt):
    mine, _ = registered
    client.force_login(official)

    response = export_file(client, {"format": fmt})

    content = b"".join(response.streaming_content)
    text = content.decode("utf-8") if fmt == "csv" else _xlsx_text(content)
    assert "MINE-1" in text
    assert_hidden(text, mine, fmt)


@pytest.mark.parametrize("kind", ["pathology", "commitment_timetable", "credits"])
def test_no_report_file_holds_the_code(official, registered, kind, django_capture_on_commit_callbacks):
    mine, _ = registered
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_request(actor=official, kind=kind)
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error

    pdf = Path(report.pdf.path)
    assert_hidden(pdf_text(pdf), mine, f"{kind} PDF text")
    assert_hidden(pdf.read_bytes().decode("latin-1"), mine, f"{kind} PDF bytes")
    workbook = _xlsx_text(Path(report.xlsx.path).read_bytes())
    assert_hidden(workbook, mine, f"{kind} Excel")
    if kind == "pathology":
        assert "MINE-1" in workbook  # its registry listing has the business itself


def _xlsx_text(content: bytes) -> str:
    """Every part of the workbook, uncompressed: cells, shared strings, sheet names."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_dashboard_counts_the_owner_once(registered, commitment, other_commitment):
    figures = dashboard_figures(Commitment.objects.all())

    # Bob's business (2 jobs, active) counts; the later one of the same owner (5 jobs) does not
    assert (figures["still_active"], figures["registered_jobs"]) == (2, 2)
