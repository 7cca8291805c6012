"""manage.py import_businesses FILE --as USERNAME: the page's import from a shell."""

import pytest
from django.core.management import CommandError, call_command

from commitments.models import HomeBusiness

from . import factories as f

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


def test_unknown_user_or_file(tmp_path, staff):
    with pytest.raises(CommandError, match="کاربر فعالی با نام «nobody» نیست"):
        call_command("import_businesses", str(tmp_path / "x.csv"), "--as", "nobody")
    with pytest.raises(CommandError, match="پیدا نشد"):
        call_command("import_businesses", str(tmp_path / "x.csv"), "--as", "staff")
