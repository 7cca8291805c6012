"""«<script>», quotes and formula starts typed into every text field come out inert.

Every user-editable text field of every model gets a value that starts with one of
= + - @ and carries «<script>alert(1)</script>», double and single quotes and Persian.
Then every page that shows them must hold only the escaped form; the PDFs carry the
typed characters and no HTML entity (read back with pypdf and pdftotext; both give the
Latin run in visual order, brackets mirrored, inside a right-to-left line); and in every Excel file (reports and the registry
export) and the CSV export, a value starting with = + - @ is stored as text, never as a
formula.
"""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse
from pypdf import PdfReader

from core.persian import persian_digits
from registry.imports import cell_text
from reports import services as report_services
from reports.models import DeadlineRule
from tests.pages import export_file

from . import factories as f
from .reports_reading import pdf_text

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA_STARTS = ("=", "+", "-", "@")


def evil(n: int, label: str) -> str:
    """Unique per field (names are unique), starting with = + - @ in turn."""
    return f"{FORMULA_STARTS[n % 4]}{SCRIPT} \"دو\" 'تک' {label}"


@pytest.fixture
def everything(commitment, staff, official):
    n = iter(range(100))
    org = f.OrganizationFactory(name=evil(next(n), "نهاد"))
    partner = f.OrganizationFactory(name=evil(next(n), "شریک"))
    owner = f.OrganizationFactory(name=evil(next(n), "متولی"))
    program = f.ProgramFactory(name=evil(next(n), "برنامه"), owner=owner)
    county = f.CountyFactory(name=evil(next(n), "شهرستان"))
    sector = f.SectorFactory(name=evil(next(n), "رسته"))
    commitment.program = program
    commitment.organization = org
    commitment.title = evil(next(n), "تعهد")
    commitment.venue = evil(next(n), "محل")
    commitment.save()
    commitment.partners.add(partner)
    tranche = f.CommitmentFactory(
        program=program, organization=org, parent=commitment, title=evil(next(n), "بخش"), jobs_target=100
    )
    for user in (staff, official):
        user.first_name, user.last_name = evil(next(n), "نام"), evil(next(n), "خانوادگی")
        user.save()
    milestone = f.MilestoneFactory(
        commitment=commitment,
        title=evil(next(n), "مهلت"),
        responsible=org,
        due_on=datetime.date(2027, 6, 26),
        report_kind="commitment_timetable",
    )
    program_milestone = f.MilestoneFactory(
        commitment=None, program=program, title=evil(next(n), "مهلت برنامه"), responsible=org
    )
    verified = f.ProgressEntryFactory(
        commitment=commitment,
        entered_by=staff,
        county=county,
        sector=sector,
        note=evil(next(n), "توضیح"),
        status="verified",
        verified_by=official,
        credit_paid=5_000_000,
    )
    submitted = f.ProgressEntryFactory(
        commitment=commitment, entered_by=staff, county=county, sector=sector, note=evil(next(n), "در انتظار")
    )
    returned = f.ProgressEntryFactory(
        commitment=commitment,
        entered_by=staff,
        note=evil(next(n), "برگشتی"),
        status="rejected",
        verified_by=official,
        review_note=evil(next(n), "دلیل برگشت"),
    )
    business = f.HomeBusinessFactory(
        commitment=commitment,
        reference_code=evil(next(n), "کد")[:64],
        county=county,
        sector=sector,
        status="inactive",
        loan_amount=9_000_000,
    )
    check = f.ContinuityCheckFactory(
        business=business, status="inactive", reason="financing", note=evil(next(n), "پایش"), checked_by=staff
    )
    rule = DeadlineRule.objects.create(
        title=evil(next(n), "مهلت سالانه"), jalali_month=4, jalali_day=5, report_kind="pathology"
    )
    return {
        "commitment": commitment,
        "tranche": tranche,
        "milestones": [milestone, program_milestone],
        "entries": [verified, submitted, returned],
        "business": business,
        "check": check,
        "objects": [
            *(org, partner, owner, program, county, sector, commitment, tranche, milestone, program_milestone),
            *(verified, submitted, returned, business, check, rule),
        ],
    }


def assert_escaped(response, where: str) -> None:
    assert response.status_code == 200, where
    html = response.content.decode()
    assert SCRIPT not in html, f"unescaped <script> on {where}"
    # A reference code is read with Persian digits («alert(۱)»); other text as typed.
    assert ESCAPED in html or persian_digits(ESCAPED) in html, f"the text is not shown on {where}"
    # Quotes inside attributes (value="…", title="…") must not close them.
    assert '"دو"' not in re.sub(r">[^<]*<", "><", html), f"raw double quote inside a tag on {where}"


def test_every_page_shows_the_text_escaped(client, official, staff, admin_user, everything):
    c = everything["commitment"]
    official_pages = {
        "dashboard": reverse("reports:dashboard"),
        "commitment": reverse("commitments:detail", args=[c.pk]),
        "tranche": reverse("commitments:detail", args=[everything["tranche"].pk]),
        "review queue": reverse("commitments:review_queue"),
        "registry": reverse("registry:list"),
        "business": reverse("registry:detail", args=[everything["business"].pk]),
        "cohorts": reverse("registry:cohorts"),
        "worklist": reverse("registry:worklist"),
        **{f"entry {e.status}": reverse("commitments:entry", args=[e.pk]) for e in everything["entries"]},
    }
    client.force_login(official)
    for where, url in official_pages.items():
        assert_escaped(client.get(url), where)

    # Staff see their own entries' edit form, with the note inside a textarea.
    client.force_login(staff)
    for entry in everything["entries"]:
        assert_escaped(client.get(reverse("commitments:entry", args=[entry.pk])), f"staff entry {entry.status}")
    assert_escaped(client.get(reverse("commitments:detail", args=[c.pk])), "staff commitment")

    client.force_login(admin_user)
    for obj in everything["objects"]:
        opts = obj._meta
        assert_escaped(client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")), opts.model_name)
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert_escaped(client.get(change), f"admin {opts.model_name} {obj.pk}")
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert_escaped(client.get(history), f"admin history {opts.model_name} {obj.pk}")
    assert admin.site.is_registered(DeadlineRule)


def test_reports_page_pdf_and_excel_keep_the_text_inert(
    client, official, everything, django_capture_on_commit_callbacks
):
    built = []
    for kind in ("commitment_timetable", "pathology", "credits"):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_services.report_request(actor=official, kind=kind)
        report.refresh_from_db()
        assert report.status == "ready", report.error
        built.append(report)

    client.force_login(official)
    assert client.get(reverse("reports:list")).status_code == 200

    for report in built:
        # The PDF carries the typed characters themselves, never HTML entities: WeasyPrint
        # got escaped HTML once and unescaped it once. Both pypdf and pdftotext give the
        # Latin run in visual order inside the right-to-left line («script/<)1(alert>…»),
        # so the check is on its pieces and on the absence of any entity.
        for reader, text in (
            ("pypdf", "".join(page.extract_text() for page in PdfReader(report.pdf.path).pages)),
            ("pdftotext", pdf_text(report.pdf.path)),
        ):
            assert "alert" in text and "script" in text, f"{report.kind}/{reader}: the typed text is missing"
            assert text.count("script") == 2 * text.count("alert"), f"{report.kind}/{reader}"
            for entity in ("&lt;", "&gt;", "&amp;", "&quot;", "&#x27;", "&#39;"):
                assert entity not in text, f"{report.kind}/{reader}: {entity} in the PDF (escaped twice)"
            assert "'تک'" in text and '"' in text, f"{report.kind}/{reader}: quotes lost"

        cells = formula_like_cells(openpyxl.load_workbook(report.xlsx.path))
        assert cells, f"{report.kind}: no user text starting with = + - @ reached the Excel file"
        assert {c.data_type for c in cells} == {"s"}, [(c.coordinate, c.data_type) for c in cells if c.data_type != "s"]
        assert any(SCRIPT in c.value for c in cells)


def formula_like_cells(book) -> list:
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
    ]


def test_registry_excel_export_stores_formula_starts_as_text(client, official, everything):
    client.force_login(official)
    response = export_file(client)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = formula_like_cells(book)
    # reference code, commitment, county and sector of the one business
    assert len(cells) == 4
    assert {c.data_type for c in cells} == {"s"}
    assert sorted(c.value for c in cells) == sorted(
        [
            everything["business"].reference_code,
            everything["commitment"].title,
            everything["business"].county.name,
            everything["business"].sector.name,
        ]
    )


def test_registry_csv_export_guards_formula_starts_and_imports_back_unchanged(client, official, everything):
    client.force_login(official)
    response = export_file(client, {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    _header, row = list(csv.reader(io.StringIO(text)))
    business = everything["business"]
    typed = [business.reference_code, everything["commitment"].title, business.county.name, business.sector.name]
    # Each typed value leaves with an apostrophe in front, so a spreadsheet shows it as text...
    assert row[:4] == ["'" + value for value in typed]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
    # ...and the import takes the apostrophe off again: the round trip is unchanged.
    assert [cell_text(cell) for cell in row[:4]] == typed
