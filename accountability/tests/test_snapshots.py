"""A final deadline report freezes the figures it printed: later verified entries move
«امروز» and leave «آنچه به مجمع نمایندگان ارائه شد» as it was; a snapshot is never edited,
only superseded by the next final report."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from commitments import services
from reports.models import FigureSnapshot, Report
from reports.services import report_build, report_create, snapshot_update

TIR_5 = datetime.date(2026, 6, 26)  # 1405/04/05


def _verify(commitment, reporter, official, jobs, period_end=datetime.date(2025, 9, 22)):
    entry = services.progress_entry_create(
        actor=reporter, commitment=commitment, period_end=period_end, jobs_created=jobs
    )
    return services.progress_entry_verify(actor=official, entry=entry)


def _final(official, due=TIR_5, **kw):
    report = report_create(actor=official, kind=Report.Kind.COMMITMENT_TIMETABLE, due_on=due, **kw)
    report_build(report.pk, today=datetime.date(2026, 6, 26))
    report.refresh_from_db()
    return report


def test_snapshot_stays_while_today_moves(client, resalat, reporter, official):
    _verify(resalat, reporter, official, 1_000)
    report = _final(official)
    snapshot = report.snapshot
    assert snapshot.figures["facts"]["new_jobs"] == 1_000
    assert snapshot.figures["commitments"][str(resalat.pk)]["realised"] == 1_000
    assert snapshot.as_of == datetime.date(2026, 6, 26)

    _verify(resalat, reporter, official, 234, period_end=datetime.date(2025, 10, 22))

    snapshot.refresh_from_db()
    assert snapshot.figures["facts"]["new_jobs"] == 1_000
    html = client.get("/public/").content.decode()
    assert 'data-testid="then-new_jobs">۱٬۰۰۰<' in html
    assert 'data-testid="now-new_jobs">۱٬۲۳۴<' in html
    assert "آنچه به مجمع نمایندگان ارائه شد" in html
    detail = client.get(f"/public/commitments/{resalat.pk}/").content.decode()
    assert 'data-testid="realised">۱٬۲۳۴<' in detail
    assert 'data-testid="commitment-then-now"' in detail


def test_drafts_and_staff_reports_freeze_nothing(resalat, reporter, official):
    _final(official, is_draft=True)
    staff_report = report_create(actor=reporter, kind=Report.Kind.COMMITMENT_TIMETABLE, due_on=TIR_5)
    report_build(staff_report.pk)
    assert FigureSnapshot.objects.count() == 0


def test_a_later_final_report_supersedes_and_nothing_edits(resalat, reporter, official):
    first = _final(official).snapshot
    second = _final(official, due=datetime.date(2027, 6, 26)).snapshot
    first.refresh_from_db()
    assert first.superseded_by == second
    assert second.superseded_by is None
    with pytest.raises(ValidationError):
        snapshot_update(actor=official, snapshot=first, figures={})
    # Building the same report again freezes nothing new.
    assert report_build(second.report_id) is None
    assert FigureSnapshot.objects.count() == 2


def test_admin_offers_snapshots_read_only(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[FigureSnapshot]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_snapshot_csv_holds_the_frozen_figures_of_public_commitments(client, resalat, hidden, reporter, official):
    _verify(resalat, reporter, official, 50)
    snapshot = _final(official).snapshot
    assert snapshot.figures["all_public"] is False  # the hidden one was in the report
    text = client.get(f"/public/snapshots/{snapshot.pk}.csv").content.decode("utf-8-sig")
    assert "شغل تازه,50" in text
    assert f"{resalat.title},بانک رسالت,30000,50" in text
    assert hidden.title not in text


def test_dashboard_shows_the_tile_map_and_then_and_now_to_officials_only(client, resalat, reporter, official):
    _verify(resalat, reporter, official, 70)
    _final(official)
    _verify(resalat, reporter, official, 30, period_end=datetime.date(2025, 10, 22))
    client.force_login(official)
    html = client.get("/").content.decode()
    assert "kj-chart-tiles" in html
    assert 'data-testid="then-new_jobs">۷۰<' in html
    assert 'data-testid="now-new_jobs">۱۰۰<' in html
    client.force_login(reporter)
    html = client.get("/").content.decode()
    assert "kj-chart-tiles" in html
    assert 'data-testid="then-and-now"' not in html  # a reporter's dashboard is not the province's


def test_the_timetable_pdf_draws_the_county_tiles(resalat, reporter, official):
    from programs.models import County
    from tests.reports_reading import pdf_text

    county = County.objects.create(name="رفسنجان")
    entry = services.progress_entry_create(
        actor=reporter, commitment=resalat, period_end=datetime.date(2025, 9, 22), jobs_created=64, county=county
    )
    services.progress_entry_verify(actor=official, entry=entry)
    report = _final(official)
    text = pdf_text(report.pdf.path)
    assert "شغل تازه به تفکیک شهرستان" in text
    assert "رفسنجان" in text and "فهرج" in text and "۶۴" in text


def test_officials_download_the_report_that_carried_the_snapshot(client, resalat, official):
    report = _final(official)
    client.force_login(official)
    html = client.get("/").content.decode()
    assert f"/reports/{report.pk}/pdf/" in html
    assert client.get(f"/reports/{report.pk}/pdf/").status_code == 200
    client.logout()
    public = client.get("/public/").content.decode()
    assert f"/reports/{report.pk}/pdf/" not in public
    assert f"/public/snapshots/{report.snapshot.pk}.csv" in public
    assert client.get(f"/reports/{report.pk}/pdf/").status_code == 302  # to the login page


def test_snapshot_csv_keeps_a_formula_like_title_as_text(client, program, official):
    from tests import factories as f

    f.CommitmentFactory(program=program, title='=HYPERLINK("http://x")', jobs_target=10)
    snapshot = _final(official).snapshot
    text = client.get(f"/public/snapshots/{snapshot.pk}.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
