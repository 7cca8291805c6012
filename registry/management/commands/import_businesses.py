"""python manage.py import_businesses FILE --as USERNAME — the import page, from a shell."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import persian
from core.cli import active_user
from registry import imports


class Command(BaseCommand):
    help = "ورود کسب‌وکارهای خانگی از فایل xlsx یا csv؛ فقط وقتی همهٔ ردیف‌ها درست باشند چیزی ذخیره می‌شود."

    def add_arguments(self, parser):
        parser.add_argument("file", help="مسیر فایل xlsx یا csv")
        parser.add_argument("--as", dest="username", required=True, help="نام کاربری کارشناس گزارش‌دهنده")

    def handle(self, *args, file: str, username: str, **options):
        user = active_user(username)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"فایل «{file}» پیدا نشد.")
        with path.open("rb") as upload:
            result = imports.import_businesses(actor=user, upload=upload, filename=path.name)
        if result.errors:
            for error in result.errors:
                where = f"ردیف {persian.persian_digits(error.row)}" if error.row else "فایل"
                column = f" — ستون «{error.column}»" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            found = (
                f"بیش از {persian.format_number(len(result.errors) - 1)}"
                if result.errors_capped
                else persian.format_number(len(result.errors))
            )
            raise CommandError(f"{found} خطا در فایل؛ هیچ ردیفی ذخیره نشد. خطاها را اصلاح کنید و دوباره وارد کنید.")
        self.stdout.write(self.style.SUCCESS(f"{persian.format_number(result.created)} کسب‌وکار ثبت شد."))
        if result.notice:
            self.stdout.write(result.notice)
        for note in result.flagged:
            # Imported, but the owner was already registered: «تکراری», counted once.
            self.stdout.write(f"ردیف {persian.persian_digits(note.row)}: {note.message}")
