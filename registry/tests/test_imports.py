"""The import/export engine: every row checked first, all or nothing, round trip unchanged."""

import datetime
import io
import math

import openpyxl
import pytest
from django.db import connection

from core.persian import make_jalali_date as J
from registry import exports, import_files, imports
from registry.models import BusinessFigure, HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = ["کد پیگیری", "تعهد", "شهرستان", "رسته", "تاریخ شروع", "تعداد شغل", "مبلغ تسهیلات (ریال)"]


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


def xlsx(rows, header=HEADER) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv_file(lines, encoding="utf-8") -> io.BytesIO:
    return io.BytesIO("\n".join(lines).encode(encoding))


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_a_file_with_good_and_bad_rows_writes_nothing_and_names_each_bad_row(
    staff, commitment, other_commitment, places
):
    # given a bank's sheet: rows 2 and 8 are fine, every other row has one mistake
    title = commitment.title
    upload = xlsx(
        [
            ["RS-1", title, "کرمان", "صنایع دستی", "1404/01/10", 2, 12_500_000],
            ["RS-2", title, "تهران", "صنایع دستی", "1404/01/10", 1, 0],
            ["RS-3", title, "کرمان", "صنایع دستی", "1405/12/30", 1, 0],
            ["RS-1", title, "کرمان", "صنایع دستی", "1404/01/11", 1, 0],
            ["RS-5", other_commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0],
            ["RS-6", title, "کرمان", "نجاری", "1404/01/10", 1, 0],
            ["RS-7", title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0],
            ["RS-8", title, "کرمان", "صنایع دستی", "1404/01/10", "دو", 0],
        ]
    )

    # when
    result = imports.import_businesses(actor=staff, upload=upload, filename="bank.xlsx")

    # then nothing is written and each bad row is named with its reason
    assert HomeBusiness.objects.count() == 0
    assert HomeBusiness.history.count() == 0
    assert result.created == 0 and result.rows == 8
    assert errors_of(result) == [
        (3, "شهرستان", "شهرستان «تهران» شناخته نیست؛ نام را همان‌طور بنویسید که در فهرست شهرستان‌های سامانه آمده است."),
        (4, "تاریخ شروع", "سال ۱۴۰۵ کبیسه نیست و اسفند آن ۳۰ روز ندارد؛ آخرین روز اسفند ۲۹ است."),
        (5, "کد پیگیری", "کد پیگیری «RS-1» تکراری است؛ در ردیف ۲ همین فایل هم آمده است."),
        (
            6,
            "تعهد",
            "تعهد «تعهد دیگر» در فهرست تعهدهایی که شما گزارش‌دهندهٔ آن هستید نیست؛ "
            "شناسه یا عنوان دقیق یکی از تعهدهای خودتان را بنویسید.",
        ),
        (7, "رسته", "رسته «نجاری» شناخته نیست؛ نام را همان‌طور بنویسید که در فهرست رسته‌های سامانه آمده است."),
        (9, "تعداد شغل", "«دو» عدد صحیح نیست؛ فقط رقم بنویسید (با یا بدون جداکننده، مثل ۱۲٬۵۰۰٬۰۰۰)."),
    ]


def test_the_fixed_file_imports_with_history(staff, commitment, places):
    upload = xlsx([["RS-1", commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 2, 12_500_000]])

    result = imports.import_businesses(actor=staff, upload=upload, filename="bank.xlsx")

    assert result.ok and result.created == 1
    business = HomeBusiness.objects.get()
    assert (business.reference_code, business.commitment, business.started_on, business.jobs, business.loan_amount) == (
        "RS-1",
        commitment,
        J(1404, 1, 10),
        2,
        12_500_000,
    )
    assert business.status == "unchecked"  # a file is no check: «پایش‌نشده» until the first one
    record = business.history.get()
    assert (record.history_user, record.history_type, record.history_change_reason) == (
        staff,
        "+",
        "ورود گروهی از فایل bank.xlsx",
    )


@pytest.mark.parametrize("title", ["وضعیت", "status"])
def test_a_status_column_cannot_make_a_business_active(staff, commitment, places, title):
    # given a bank's sheet that says its businesses are active (no check behind it)
    upload = xlsx(
        [
            ["RS-1", commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "فعال"],
            ["RS-2", commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "غیرفعال"],
        ],
        header=[*HEADER, title],
    )

    # when it is imported
    result = imports.import_businesses(actor=staff, upload=upload)

    # then the column is not read: both are «پایش‌نشده», and the result says so
    assert result.ok and result.created == 2
    assert sorted(HomeBusiness.objects.values_list("status", flat=True)) == ["unchecked", "unchecked"]
    assert result.status_ignored is True
    assert result.notice == (
        "ستون «وضعیت» فایل خوانده نشد: وضعیت فقط از پایش استمرار می‌آید و کسب‌وکارهای تازه "
        "تا نخستین پایششان «پایش‌نشده»اند."
    )


def test_a_file_without_a_status_column_gets_no_notice(staff, commitment, places):
    upload = xlsx([["RS-1", commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0]])

    result = imports.import_businesses(actor=staff, upload=upload)

    assert result.created == 1 and (result.status_ignored, result.notice) == (False, "")


def test_persian_and_arabic_digits_and_letters_are_accepted(staff, commitment, places):
    # Arabic kaf/yeh in names, Persian and Arabic-Indic digits, separators, a half-space
    upload = csv_file(
        [
            "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع,تعداد شغل,مبلغ تسهیلات (ریال)",
            f'۱۲۳-الف,{commitment.pk},كرمان,صنايع‌دستي,١٤٠٤/٠١/١٠,۳,"۱۲٬۵۰۰٬۰۰۰"',
            f"HB-2,{commitment.title.replace('ی', 'ي')},کرمان,صنایع دستی,۱۴۰۴-۲-۵,,",
        ]
    )

    result = imports.import_businesses(actor=staff, upload=upload)

    assert errors_of(result) == []
    rows = list(
        HomeBusiness.objects.order_by("reference_code").values_list(
            "reference_code", "started_on", "jobs", "loan_amount"
        )
    )
    assert rows == [("123-الف", J(1404, 1, 10), 3, 12_500_000), ("HB-2", J(1404, 2, 5), 1, 0)]


def test_english_headers_blank_lines_and_extra_columns(staff, commitment, places):
    upload = csv_file(
        [
            "reference_code,commitment,county,sector,started_on,phone",
            f"A-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10,09120000000",
            ",,,,,",
            f"A-2,{commitment.pk},کرمان,صنایع دستی,1404/01/32,",
        ]
    )

    result = imports.import_businesses(actor=staff, upload=upload)

    # the blank line still counts in the numbering, as the spreadsheet shows it
    assert errors_of(result) == [(4, "تاریخ شروع", "فروردین ۳۱ روز دارد؛ روز ۳۲ وجود ندارد.")]
    assert result.rows == 2
    assert HomeBusiness.objects.count() == 0


def test_a_missing_column_is_reported_once_by_name(staff, commitment, places):
    upload = xlsx(
        [["A-1", commitment.title, "صنایع دستی", "1404/01/10"], ["A-2", commitment.title, "صنایع دستی", "1404/01/10"]],
        header=["کد پیگیری", "تعهد", "رسته", "تاریخ شروع"],
    )

    result = imports.import_businesses(actor=staff, upload=upload)

    assert errors_of(result) == [
        (
            1,
            "شهرستان",
            "ستون «شهرستان» در سطر اول فایل نیست؛ سطر اول باید عنوان ستون‌ها باشد و این ستون را داشته باشد.",
        )
    ]
    assert HomeBusiness.objects.count() == 0


def test_a_code_already_registered_is_refused(staff, commitment, places):
    f.HomeBusinessFactory(reference_code="OLD-1", commitment=commitment)
    upload = xlsx([["OLD-1", commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0]])

    result = imports.import_businesses(actor=staff, upload=upload)

    assert errors_of(result) == [
        (2, "کد پیگیری", "کد پیگیری «OLD-1» پیش‌تر در سامانه ثبت شده است؛ ردیف تکراری را از فایل حذف کنید.")
    ]
    assert HomeBusiness.objects.count() == 1


def test_look_alike_codes_are_one_business_in_the_file_and_against_the_database(staff, commitment, places):
    f.HomeBusinessFactory(reference_code="OLD-1", commitment=commitment)
    rows = [
        [code, commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0]
        for code in ("AB-12", "ab-12", "AB\u200c-12", "\u200eAB-12", "old-\u200b1")
    ]

    result = imports.import_businesses(actor=staff, upload=xlsx(rows))

    twice = "کد پیگیری «AB-12» تکراری است؛ در ردیف ۲ همین فایل هم آمده است."
    assert errors_of(result) == [
        (3, "کد پیگیری", twice),
        (4, "کد پیگیری", twice),
        (5, "کد پیگیری", twice),
        (6, "کد پیگیری", "کد پیگیری «OLD-1» پیش‌تر در سامانه ثبت شده است؛ ردیف تکراری را از فایل حذف کنید."),
    ]
    assert list(HomeBusiness.objects.values_list("reference_code", flat=True)) == ["OLD-1"]


def test_an_official_reports_on_no_commitment_so_imports_nothing(official, commitment, places):
    upload = xlsx([["A-1", commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0]])

    result = imports.import_businesses(actor=official, upload=upload)

    assert [e.row for e in result.errors] == [2]
    assert HomeBusiness.objects.count() == 0


def test_a_csv_not_in_utf8_gets_a_clear_error_and_writes_nothing(staff, commitment, places):
    # Excel's "CSV (Comma delimited)" on a Persian Windows: Windows-1256, Arabic yeh
    lines = [",".join(HEADER), f"A-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10,1,0"]
    upload = csv_file([line.replace("ی", "ي") for line in lines], encoding="cp1256")

    result = imports.import_businesses(actor=staff, upload=upload)

    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert "CSV UTF-8" in result.errors[0].message
    assert HomeBusiness.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.7\n\x00\x01binary", "نه اکسل (xlsx) است نه CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "اکسل قدیمی (xls)"),
        (b"PK\x03\x04not really a workbook", "نه اکسل (xlsx) است نه CSV"),
        (b"   \n", "فایل خالی است"),
    ],
)
def test_files_that_are_neither_xlsx_nor_csv_are_refused(staff, content, words):
    result = imports.import_businesses(actor=staff, upload=io.BytesIO(content), filename="list.xlsx")

    assert len(result.errors) == 1 and words in result.errors[0].message
    assert HomeBusiness.objects.count() == 0


def test_a_nul_byte_anywhere_in_a_csv_is_refused_and_nothing_is_written(staff, commitment, places):
    lines = [",".join(HEADER)] + [f"N-{i},{commitment.title},کرمان,صنایع دستی,1404/01/10,1,0" for i in range(2000)]
    content = "\n".join(lines).encode()
    assert len(content) > 100_001
    content = content[:100_000] + b"\x00" + content[100_000:]

    result = imports.import_businesses(actor=staff, upload=io.BytesIO(content))

    assert errors_of(result) == [
        (
            None,
            "",
            "این فایل CSV نویسهٔ تهی (NUL) دارد و متن سالم نیست؛ فایل را در اکسل باز کنید و دوباره "
            "با قالب «CSV UTF-8» یا xlsx ذخیره کنید.",
        )
    ]
    assert HomeBusiness.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(staff, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_FILE_BYTES", 100)

    result = imports.import_businesses(actor=staff, upload=io.BytesIO(b"a" * 101))

    assert "حجم فایل بیش از" in result.errors[0].message


def test_an_excel_date_cell_is_read_as_the_gregorian_date_it_is(staff, commitment, places):
    upload = xlsx([["A-1", commitment.title, "کرمان", "صنایع دستی", datetime.datetime(2025, 3, 30), 1, 0]])

    assert imports.import_businesses(actor=staff, upload=upload).ok
    assert HomeBusiness.objects.get().started_on == datetime.date(2025, 3, 30)


def test_an_excel_date_cell_outside_the_jalali_years_is_refused_by_row(staff, commitment, places):
    upload = xlsx(
        [
            ["A-1", commitment.title, "کرمان", "صنایع دستی", datetime.datetime(2025, 3, 30), 1, 0],
            ["A-2", commitment.title, "کرمان", "صنایع دستی", datetime.datetime(1900, 1, 1), 1, 0],
        ]
    )

    result = imports.import_businesses(actor=staff, upload=upload)

    assert errors_of(result) == [
        (
            3,
            "تاریخ شروع",
            "تاریخ میلادی ۱۹۰۰/۰۱/۰۱ پذیرفته نیست؛ سال شمسی باید بین ۱۳۰۰ و ۱۵۰۰ باشد، مثل ۱۴۰۵.",
        )
    ]
    assert HomeBusiness.objects.count() == 0


def test_a_future_start_is_refused(staff, commitment, places):
    upload = xlsx([["A-1", commitment.title, "کرمان", "صنایع دستی", "1499/01/01", 1, 0]])

    result = imports.import_businesses(actor=staff, upload=upload)

    assert errors_of(result) == [
        (2, "تاریخ شروع", "تاریخ شروع در آینده است؛ فقط کسب‌وکاری ثبت می‌شود که راه افتاده است.")
    ]


def test_a_valid_10000_row_file_imports_in_a_bounded_number_of_queries(
    staff, commitment, places, django_assert_max_num_queries
):
    rows = [
        [f"BULK-{i:05d}", commitment.title, "کرمان", "صنایع دستی", f"1404/{i % 12 + 1:02d}/{i % 28 + 1:02d}", 1, i]
        for i in range(10_000)
    ]
    upload = xlsx(rows)

    # Inserts go in batches: the database's batch size (SQLite takes ~80 history rows
    # a statement, PostgreSQL the engine's 2,000), two tables, plus a few look-ups.
    history_fields = HomeBusiness.history.model._meta.concrete_fields
    rows_per_insert = min(imports.BATCH_SIZE, connection.ops.bulk_batch_size(history_fields, rows))
    # The summaries (registry.summaries) in the same transaction: a few reads per 2,000
    # businesses, a few for the sums, and their per-business rows in batches.
    figure_fields = BusinessFigure._meta.concrete_fields
    figures_per_insert = min(2000, connection.ops.bulk_batch_size(figure_fields, rows))
    summary_queries = 6 * math.ceil(10_000 / 2000) + 12 + math.ceil(10_000 / figures_per_insert)
    with django_assert_max_num_queries(2 * math.ceil(10_000 / rows_per_insert) + 15 + summary_queries):
        result = imports.import_businesses(actor=staff, upload=upload, filename="big.xlsx")

    assert result.ok and result.created == 10_000
    assert HomeBusiness.objects.count() == 10_000
    assert HomeBusiness.history.filter(history_user=staff).count() == 10_000
    assert HomeBusiness.objects.get(reference_code="BULK-00013").started_on == J(1404, 2, 14)


# ---------------------------------------------------------------- export and round trip


def _snapshot():
    return sorted(
        HomeBusiness.objects.values_list(
            "reference_code", "commitment_id", "county_id", "sector_id", "started_on", "jobs", "loan_amount"
        )
    )


@pytest.fixture
def registered(staff, commitment, places):
    county, sector = places
    other_county = f.CountyFactory(name="بم")
    f.HomeBusinessFactory(commitment=commitment, reference_code="=1+2", county=county, sector=sector, jobs=3)
    f.HomeBusinessFactory(
        commitment=commitment,
        reference_code="00123",
        county=other_county,
        sector=sector,
        started_on=J(1403, 12, 30),
        loan_amount=987_654_321,
    )
    f.HomeBusinessFactory(commitment=commitment, reference_code="@BANK", county=county, sector=sector)
    return _snapshot()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_export_then_import_gives_back_identical_rows(staff, registered, kind):
    # given an export of the registry
    buffer = io.BytesIO()
    if kind == "xlsx":
        exports.export_xlsx(HomeBusiness.objects.all(), buffer)
    else:
        buffer.write("".join(exports.export_csv_chunks(HomeBusiness.objects.all())).encode("utf-8"))
    buffer.seek(0)

    # when the rows are gone and the file is imported again
    HomeBusiness.objects.all().delete()
    result = imports.import_businesses(actor=staff, upload=buffer, filename=f"export.{kind}")

    # then
    assert errors_of(result) == []
    assert _snapshot() == registered


def test_the_xlsx_export_is_right_to_left_with_numbers_as_numbers_and_no_formulas(registered):
    buffer = io.BytesIO()
    exports.export_xlsx(HomeBusiness.objects.all(), buffer)
    buffer.seek(0)

    sheet = openpyxl.load_workbook(buffer).active

    assert sheet.sheet_view.rightToLeft is True
    assert [c.value for c in sheet[1]] == [*HEADER, "وضعیت"]
    formula_row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "=1+2")
    assert formula_row[0].data_type == "s"
    assert formula_row[4].value == "۱۴۰۴/۰۱/۰۱"
    assert formula_row[5].value == 3 and formula_row[5].data_type == "n"


def test_the_csv_export_starts_with_a_bom_and_guards_formulas(registered):
    text = "".join(exports.export_csv_chunks(HomeBusiness.objects.all()))

    assert text.startswith("\ufeffکد پیگیری,تعهد,")
    assert "'=1+2," in text and "'@BANK," in text


# ---------------------------------------------------------------- the owner's national code

CODE = "0012345679"
OTHER_CODE = "2987654324"
WITH_CODE = [*HEADER, "کد ملی"]


def test_bad_national_codes_are_bad_rows_and_nothing_is_written(staff, commitment, places):
    t = commitment.title
    upload = xlsx(
        [
            ["N-1", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "۰۰۱۲۳۴۵۶۷۹"],  # fine
            ["N-2", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "012345679"],
            ["N-3", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "0012345678"],
            ["N-4", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "00123A5679"],
            ["N-5", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "1111111111"],
            ["N-6", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "۱" * 10_000],
            ["N-7", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, ""],  # fine: the code is optional
        ],
        header=WITH_CODE,
    )

    result = imports.import_businesses(actor=staff, upload=upload, filename="bank.xlsx")

    assert errors_of(result) == [
        (3, "کد ملی", "کد ملی باید ۱۰ رقم باشد؛ این کد ۹ رقم دارد."),
        (4, "کد ملی", "رقم کنترل کد ملی درست نیست؛ کد را دوباره از کارت ملی بخوانید."),
        (5, "کد ملی", "کد ملی فقط از رقم ساخته می‌شود؛ حرف یا نشانهٔ دیگری در آن هست. ۱۰ رقم کد را از کارت ملی بنویسید."),
        (6, "کد ملی", "کد ملی با ده رقم یکسان معتبر نیست؛ کد را دوباره از کارت ملی بخوانید."),
        (7, "کد ملی", "کد ملی باید ۱۰ رقم باشد؛ متنی که وارد شده بسیار بلندتر است."),
    ]
    assert HomeBusiness.objects.count() == 0 and result.flagged == []


def test_rows_of_an_owner_already_registered_are_imported_and_flagged_by_number(
    staff, commitment, other_commitment, places
):
    # given the owner of CODE already registered under a commitment Bob may not see
    f.HomeBusinessFactory(commitment=other_commitment, owner_national_code=CODE, started_on=J(1403, 1, 1))
    t = commitment.title
    upload = xlsx(
        [
            ["N-1", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, "۰۰۱-۲۳۴۵۶۷-۹"],  # known, elsewhere
            ["N-2", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, OTHER_CODE],  # new
            ["N-3", t, "کرمان", "صنایع دستی", "1404/01/11", 1, 0, f"\u200c{OTHER_CODE}"],  # as row 3
            ["N-4", t, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, None],  # no code
        ],
        header=WITH_CODE,
    )

    # when
    result = imports.import_businesses(actor=staff, upload=upload, filename="bank.xlsx")

    # then every row is written, and rows 2 and 4 are reported; the hidden commitment is not named
    assert errors_of(result) == [] and result.created == 4
    assert [(n.row, n.column, n.message) for n in result.flagged] == [
        (
            2,
            "کد ملی",
            "صاحب این کسب‌وکار با همین کد ملی در تعهدی دیگر هم ثبت شده است؛ تکراری علامت خورد و یک بار شمرده می‌شود.",
        ),
        (
            4,
            "کد ملی",
            "صاحب این کسب‌وکار با همین کد ملی در تعهد «تفاهم‌نامه آزمایشی» هم ثبت شده است؛ تکراری علامت خورد و یک بار شمرده می‌شود.",
        ),
    ]
    stored = dict(HomeBusiness.objects.filter(commitment=commitment).values_list("reference_code", "owner_code_last3"))
    assert stored == {"N-1": "679", "N-2": "324", "N-3": "324", "N-4": ""}


def test_a_code_excel_stored_as_a_number_gets_its_leading_zeros_back(staff, commitment, places):
    # Excel drops the zeros of 0012345679 typed into a number cell: 12345679
    upload = xlsx([["N-1", commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, 12345679]], header=WITH_CODE)

    result = imports.import_businesses(actor=staff, upload=upload, filename="bank.xlsx")

    assert errors_of(result) == []
    assert HomeBusiness.objects.get().owner_code_last3 == "679"


def test_the_export_writes_neither_the_code_nor_its_hash(staff, commitment, places):
    imports.import_businesses(
        actor=staff,
        upload=xlsx([["N-1", commitment.title, "کرمان", "صنایع دستی", "1404/01/10", 1, 0, CODE]], header=WITH_CODE),
        filename="bank.xlsx",
    )
    owner_hash = HomeBusiness.objects.get().owner_code_hash

    text = "".join(exports.export_csv_chunks(HomeBusiness.objects.all()))
    buffer = io.BytesIO()
    exports.export_xlsx(HomeBusiness.objects.all(), buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active

    # the import's columns but the code, then the status for the reader
    assert [c.value for c in sheet[1]] == [*HEADER, "وضعیت"]
    assert text.splitlines()[0] == "\ufeff" + ",".join([*HEADER, "وضعیت"])
    cells = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    for secret in (CODE, "۰۰۱۲۳۴۵۶۷۹", owner_hash):
        assert secret not in text and secret not in cells
