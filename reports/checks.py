"""`manage.py check` warns where the reports' Persian font is missing (a worker deployed
without `make assets`): its reports would fail, each with the same Persian error."""

from __future__ import annotations

from django.core import checks

from .builders.pdf import FONT_FILES, missing_fonts


@checks.register(checks.Tags.files)
def vazirmatn_installed(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    missing = missing_fonts()
    if not missing:
        return []
    return [
        checks.Warning(
            "قلم وزیرمتن (Vazirmatn) برای PDF گزارش‌ها پیدا نشد: " + "، ".join(missing) + ". "
            "گزارش‌ها تا نصب آن ساخته نمی‌شوند.",
            hint="`make assets` را اجرا کنید (بستهٔ npm vazirmatn را در static/vendor می‌گذارد). "
            f"فایل‌های لازم: {', '.join(FONT_FILES)}",
            id="reports.W001",
        )
    ]
