"""The bench's hostile files (kerman_jobs/benchmark/hostile.py) are what they claim: each,
built small here, is refused by the import for the reason the bench measures it for, and
writes nothing. The full-size run and its time and memory are `make bench --only hostile`."""

import pytest

from kerman_jobs.benchmark import hostile
from registry import import_files, imports
from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


def refused(staff, path) -> str:
    with path.open("rb") as upload:
        result = imports.import_businesses(actor=staff, upload=upload, filename=path.name)
    assert not result.ok and HomeBusiness.objects.count() == 0
    return " ".join(e.message for e in result.errors)


def test_the_repeated_rows_file_stops_at_the_error_cap(staff, commitment, places, tmp_path):
    # each repeat is a duplicate code: reading stops at the listed-errors cap, long before
    # the row limit, so the answer stays small however many rows the file repeats
    path = tmp_path / "repeated.xlsx"
    hostile.repeated_rows_xlsx(path, commitment.pk, rows=5_000)
    with path.open("rb") as upload:
        result = imports.import_businesses(actor=staff, upload=upload, filename=path.name)
    assert result.errors_capped and len(result.errors) == import_files.MAX_ERRORS + 1
    assert "تکراری است" in result.errors[0].message
    assert HomeBusiness.objects.count() == 0


def test_the_bad_rows_file_fills_the_upload_limit_and_its_errors_are_capped(staff, commitment, places, tmp_path):
    path = tmp_path / "bad.csv"
    hostile.bad_rows_csv(path, 200_000)
    assert 199_000 < path.stat().st_size < 200_000
    with path.open("rb") as upload:
        result = imports.import_businesses(actor=staff, upload=upload, filename=path.name)
    assert result.errors_capped and len(result.errors) == import_files.MAX_ERRORS + 1
    assert HomeBusiness.objects.count() == 0


def test_the_blank_rows_file_ends_at_the_blank_run(staff, commitment, places, tmp_path):
    path = tmp_path / "blank.xlsx"
    hostile.blank_rows_xlsx(path, rows=import_files.MAX_BLANK_RUN * 3)
    refused(staff, path)  # a header and nothing else: refused, nothing written


def test_the_unpacking_bomb_is_refused_before_it_is_opened(staff, commitment, places, tmp_path, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_UNPACKED_BYTES", 5 * 1024 * 1024)
    path = tmp_path / "bomb.xlsx"
    hostile.unpacking_bomb_xlsx(path, unpacked_mb=8)
    assert path.stat().st_size < 1024 * 1024
    assert "پس از باز شدن بیش از اندازه بزرگ است" in refused(staff, path)
