"""manage.py import_businesses FILE --as USERNAME: the page's import from a shell."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع,تعداد شغل,مبلغ تسهیلات (ریال)"


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


def test_a_bad_file_exits_non_zero_prints_each_bad_row_and_writes_nothing(tmp_path, staff, commitment, places, capsys):
    path = tmp_path / "bank.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                f"A-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10,1,0",
                f"A-2,{commitment.pk},کرمان,صنایع دستی,1405/12/30,1,0",
                f"A-3,{commitment.pk},شیراز,صنایع دستی,1404/01/10,1,0",
            ]
        ),
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as exc:
        call_command("import_businesses", str(path), "--as", "staff")

    assert "۲ خطا در فایل؛ هیچ ردیفی ذخیره نشد" in str(exc.value)
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "ردیف ۳ — ستون «تاریخ شروع»: سال ۱۴۰۵ کبیسه نیست و اسفند آن ۳۰ روز ندارد؛ آخرین روز اسفند ۲۹ است.",
        "ردیف ۴ — ستون «شهرستان»: شهرستان «شیراز» شناخته نیست؛ نام را همان‌طور بنویسید که در فهرست شهرستان‌های سامانه آمده است.",
    ]
    assert HomeBusiness.objects.count() == 0


def test_a_good_file_prints_the_count(tmp_path, staff, commitment, places, capsys):
    path = tmp_path / "bank.csv"
    path.write_text(
        "\ufeff" + "\n".join([HEADER, f"A-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10,2,0"]), encoding="utf-8"
    )

    call_command("import_businesses", str(path), "--as", "staff")

    assert capsys.readouterr().out.strip() == "۱ کسب‌وکار ثبت شد."
    assert HomeBusiness.objects.get().jobs == 2


def test_a_file_with_a_status_column_is_told_it_was_not_read(tmp_path, staff, commitment, places, capsys):
    path = tmp_path / "bank.csv"
    path.write_text("\n".join([HEADER + ",وضعیت", f"A-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10,2,0,فعال"]))

    call_command("import_businesses", str(path), "--as", "staff")

    assert capsys.readouterr().out.splitlines() == [
        "۱ کسب‌وکار ثبت شد.",
        "ستون «وضعیت» فایل خوانده نشد: وضعیت فقط از پایش استمرار می‌آید و کسب‌وکارهای تازه "
        "تا نخستین پایششان «پایش‌نشده»اند.",
    ]
    assert HomeBusiness.objects.get().status == "unchecked"


def test_unknown_user_or_file(tmp_path, staff):
    with pytest.raises(CommandError, match="کاربر فعالی با نام «nobody» نیست"):
        call_command("import_businesses", str(tmp_path / "x.csv"), "--as", "nobody")
    with pytest.raises(CommandError, match="پیدا نشد"):
        call_command("import_businesses", str(tmp_path / "x.csv"), "--as", "staff")


def test_export_writes_only_what_the_user_may_see_and_imports_back(
    tmp_path, staff, commitment, other_commitment, places, capsys
):
    # given one business on the staff member's commitment and one on another
    county, sector = places
    f.HomeBusinessFactory(commitment=commitment, reference_code="MINE-1", county=county, sector=sector, jobs=2)
    f.HomeBusinessFactory(commitment=other_commitment, reference_code="THEIRS-1", county=county, sector=sector)
    # when they export to CSV and to Excel
    csv_path, xlsx_path = tmp_path / "out.csv", tmp_path / "out.xlsx"
    call_command("export_businesses", str(csv_path), "--as", "staff")
    call_command("export_businesses", str(xlsx_path), "--as", "staff")
    # then both hold their business only, and nothing half-written is left beside them
    assert capsys.readouterr().out.count("۱ کسب‌وکار در") == 2
    text = csv_path.read_text(encoding="utf-8")
    assert "MINE-1" in text and "THEIRS-1" not in text
    sheet = load_workbook(xlsx_path, read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["MINE-1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.xlsx"]
    # and the CSV goes back in through the import unchanged
    HomeBusiness.objects.filter(reference_code="MINE-1").delete()
    call_command("import_businesses", str(csv_path), "--as", "staff")
    assert HomeBusiness.objects.get(reference_code="MINE-1").jobs == 2


def test_export_refuses_an_unknown_user(tmp_path):
    with pytest.raises(CommandError, match="کاربر فعالی با نام «nobody» نیست"):
        call_command("export_businesses", str(tmp_path / "x.xlsx"), "--as", "nobody")
    assert list(tmp_path.iterdir()) == []


def test_a_good_file_prints_rows_whose_owner_is_already_registered(tmp_path, staff, commitment, places, capsys):
    path = tmp_path / "bank.csv"
    path.write_text(
        "\n".join(
            [
                HEADER + ",کد ملی",
                f"A-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10,1,0,0012345679",
                f"A-2,{commitment.pk},کرمان,صنایع دستی,1404/01/10,1,0,۰۰۱۲۳۴۵۶۷۹",
            ]
        ),
        encoding="utf-8",
    )

    call_command("import_businesses", str(path), "--as", "staff")

    assert capsys.readouterr().out.splitlines()[1:] == [
        "ردیف ۳: صاحب این کسب‌وکار با همین کد ملی در تعهد «تفاهم‌نامه آزمایشی» هم ثبت شده است؛ "
        "تکراری علامت خورد و یک بار شمرده می‌شود."
    ]
    assert HomeBusiness.objects.count() == 2
