"""The import's limits (registry.import_files): rows, unpacked size and compression of an
.xlsx, a run of blank rows, time and listed errors. Each hostile file is built here, scaled
down with the module's limits so the tests stay fast; each hit writes nothing and says so
in Persian, on the page and from the command alike."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry import import_files, imports
from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = ["کد پیگیری", "تعهد", "شهرستان", "رسته", "تاریخ شروع", "تعداد شغل", "مبلغ تسهیلات (ریال)"]


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


def row(commitment, code, jobs="1"):
    return [code, str(commitment.pk), "کرمان", "صنایع دستی", "1404/01/10", jobs, "0"]


def csv_bytes(rows) -> bytes:
    return "\n".join(",".join(r) for r in [HEADER, *rows]).encode()


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r in [HEADER, *rows]:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(staff, content: bytes):
    return imports.import_businesses(actor=staff, upload=io.BytesIO(content))


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


TOO_MANY_ROWS = "فایل بیش از ۵ ردیف داده دارد؛ فهرست را در چند فایل کوچک‌تر جدا کنید و هر کدام را جداگانه وارد کنید."


@pytest.mark.parametrize("build", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_more_rows_than_the_limit_are_refused_and_nothing_is_written(staff, commitment, places, monkeypatch, build):
    monkeypatch.setattr(import_files, "MAX_ROWS", 5)
    # five rows are fine, six are one too many
    assert run(staff, build([row(commitment, f"R-{i}") for i in range(5)])).created == 5
    HomeBusiness.objects.all().delete()

    result = run(staff, build([row(commitment, f"R-{i}") for i in range(6)]))

    assert errors_of(result) == [(None, "", TOO_MANY_ROWS)]
    assert HomeBusiness.objects.count() == 0


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_openpyxl_opens_it(
    staff, commitment, places, monkeypatch
):
    content = xlsx_bytes([row(commitment, f"U-{i}") for i in range(50)])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(m.file_size for m in archive.infolist())
    monkeypatch.setattr(import_files, "MAX_UNPACKED_BYTES", unpacked - 1)

    result = run(staff, content)

    assert len(result.errors) == 1 and "پس از باز شدن بیش از اندازه بزرگ است" in result.errors[0].message
    assert HomeBusiness.objects.count() == 0


def test_a_zip_bomb_is_refused_by_its_compression_ratio(staff, commitment, places):
    # given a real workbook with 5 MB of blanks packed beside it: under the size limit,
    # but it unpacks more than 100-fold, as no spreadsheet of real rows does
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes([row(commitment, "BOMB")]))) as source:
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as bomb:
            for member in source.infolist():
                bomb.writestr(member, source.read(member))
            bomb.writestr("xl/padding.xml", b" " * 5_000_000)
    content = packed.getvalue()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
    assert sum(m.file_size for m in members) < import_files.MAX_UNPACKED_BYTES
    ratio = sum(m.file_size for m in members) / sum(m.compress_size for m in members)
    assert ratio > import_files.MAX_COMPRESSION_RATIO

    result = run(staff, content)

    assert len(result.errors) == 1 and "برابر حجم خودش" in result.errors[0].message
    assert HomeBusiness.objects.count() == 0


@pytest.mark.parametrize("build", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_run_of_blank_rows_ends_the_sheet(staff, commitment, places, monkeypatch, build):
    monkeypatch.setattr(import_files, "MAX_BLANK_RUN", 10)
    blank = [" "] + [""] * 6
    # nine blank rows are a gap; ten end the sheet, and a bad row after them is never read
    rows = [row(commitment, "B-1"), *[blank] * 9, row(commitment, "B-2"), *[blank] * 10, row(commitment, "B-3", "x")]
    rows += [blank] * 5_000

    result = run(staff, build(rows))

    assert (errors_of(result), result.rows, result.created) == ([], 2, 2)
    assert sorted(HomeBusiness.objects.values_list("reference_code", flat=True)) == ["B-1", "B-2"]


def test_a_file_that_takes_longer_than_the_time_budget_is_refused(staff, commitment, places, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_SECONDS", -1)  # already over: no clock in the test

    result = run(staff, csv_bytes([row(commitment, "T-1")]))

    assert errors_of(result) == [
        (
            None,
            "",
            "بررسی فایل بیش از −۱ ثانیه طول کشید و نیمه‌کاره ماند؛ فهرست را در چند فایل کوچک‌تر جدا کنید و هر کدام را جداگانه وارد کنید.",
        )
    ]
    assert HomeBusiness.objects.count() == 0


def test_listed_errors_stop_at_the_limit_and_reading_stops_after_one_more(staff, commitment, places, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ERRORS", 5)

    result = run(staff, csv_bytes([row(commitment, f"E-{i}", jobs="x") for i in range(1_000)]))

    assert [e.row for e in result.errors] == [2, 3, 4, 5, 6, None]
    assert result.errors[-1].message == import_files.too_many_errors()
    assert result.errors[-1].message.startswith("… و خطاهای بیشتر: پس از ۵ خطای بالا، خواندن فایل ایستاد.")
    assert (result.rows, result.errors_capped) == (6, True)
    assert HomeBusiness.objects.count() == 0


def test_the_page_lists_at_most_the_limit_and_stays_small(client, staff, commitment, places):
    # given 12.7 MB's worth of bad rows, scaled down: 5,000 rows with a bad number each
    content = csv_bytes([row(commitment, f"P-{i}", jobs="x" * 200) for i in range(5_000)])
    client.force_login(staff)

    response = client.post(reverse("registry:import"), {"file": SimpleUploadedFile("bad.csv", content)})

    html = response.content.decode()
    assert response.status_code == 400
    assert len(response.content) < 1024 * 1024
    assert "بیش از ۲۰۰ خطا در فایل پیدا شد؛ ۲۰۰ خطای نخست در زیر آمده است." in html
    assert html.count('data-label="ایراد"') == 201
    assert HomeBusiness.objects.count() == 0


def test_the_page_states_the_limits_in_persian(client, staff):
    client.force_login(staff)

    html = client.get(reverse("registry:import")).content.decode()

    assert ("اندازهٔ فایل: حداکثر ۱۲ مگابایت (فایل اکسل پس از باز شدن حداکثر ۱۰۰ مگابایت) و ۱۰۰٬۰۰۰ ردیف داده؛") in html
    assert "پس از ۱٬۰۰۰ ردیف خالیِ پشت‌سرهم، بقیهٔ برگه خوانده نمی‌شود." in html
    assert "بررسی فایل حداکثر ۶۰ ثانیه طول می‌کشد و از ۲۰۰ خطا بیشتر فهرست نمی‌شود." in html


def test_the_command_has_the_same_limits(tmp_path, staff, commitment, places, monkeypatch, capsys):
    monkeypatch.setattr(import_files, "MAX_ROWS", 5)
    monkeypatch.setattr(import_files, "MAX_ERRORS", 3)
    too_long = tmp_path / "long.csv"
    too_long.write_bytes(csv_bytes([row(commitment, f"C-{i}") for i in range(6)]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(commitment, f"D-{i}", jobs="x") for i in range(5)]))

    with pytest.raises(CommandError, match=r"^۱ خطا در فایل"):
        call_command("import_businesses", str(too_long), "--as", "staff")
    assert TOO_MANY_ROWS in capsys.readouterr().err
    with pytest.raises(CommandError, match=r"^بیش از ۳ خطا در فایل"):
        call_command("import_businesses", str(bad), "--as", "staff")
    assert "… و خطاهای بیشتر" in capsys.readouterr().err
    assert HomeBusiness.objects.count() == 0
