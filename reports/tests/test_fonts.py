"""Without the Persian font a report is refused, never drawn in another font: the report
fails with a Persian error that says what to do, and `manage.py check` warns beforehand."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from reports import services
from reports.builders import pdf
from reports.models import Report

pytestmark = pytest.mark.django_db

GONE = ("vendor/vazirmatn/Vazirmatn-Regular-missing.ttf", "vendor/vazirmatn/Vazirmatn-Bold.ttf")


def test_a_report_without_the_font_fails_with_a_persian_error(
    official, commitment, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pdf, "FONT_FILES", GONE)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=official, kind="credits")
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "قلم فارسی وزیرمتن" in report.error and "Vazirmatn-Regular-missing.ttf" in report.error
    assert "make assets" in report.error
    assert not report.pdf and not report.xlsx


def test_the_same_report_builds_with_the_font(official, commitment, django_capture_on_commit_callbacks):
    assert pdf.missing_fonts() == []
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=official, kind="credits")
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error


def test_manage_check_warns_when_the_font_files_are_missing(monkeypatch):
    out, err = io.StringIO(), io.StringIO()
    call_command("check", stdout=out, stderr=err)
    assert "reports.W001" not in out.getvalue() + err.getvalue()

    monkeypatch.setattr(pdf, "FONT_FILES", GONE)
    out, err = io.StringIO(), io.StringIO()
    call_command("check", stdout=out, stderr=err)
    said = out.getvalue() + err.getvalue()
    assert "reports.W001" in said and "وزیرمتن" in said and "Vazirmatn-Regular-missing.ttf" in said
