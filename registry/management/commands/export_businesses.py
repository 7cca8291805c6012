"""python manage.py export_businesses FILE --as USERNAME — the export page, from a shell.

The same rows and columns as the page's download (the import's columns but the owner's
national code), for the businesses that user may see. FILE ending in .csv gives CSV; anything else .xlsx.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import persian
from core.cli import active_user
from registry import exports
from registry.selectors import businesses_visible_to


class Command(BaseCommand):
    help = "خروجی کسب‌وکارهای خانگیِ قابل‌دیدن برای یک کاربر در فایل xlsx یا csv."

    def add_arguments(self, parser):
        parser.add_argument("file", help="مسیر فایل خروجی (.xlsx یا .csv)")
        parser.add_argument("--as", dest="username", required=True, help="نام کاربری که دسترسی او سنجیده می‌شود")

    def handle(self, *args, file: str, username: str, **options):
        user = active_user(username)
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f"پوشهٔ «{path.parent}» وجود ندارد.")
        businesses = businesses_visible_to(user)
        # Written beside the target and renamed at the end: a half-written file never
        # carries the final name.
        partial = path.with_name(f".{path.name}.partial")
        try:
            if path.suffix.lower() == ".csv":
                with partial.open("w", encoding="utf-8", newline="") as fh:
                    for chunk in exports.export_csv_chunks(businesses):
                        fh.write(chunk)
            else:
                exports.export_xlsx(businesses, str(partial))
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            self.style.SUCCESS(f"{persian.format_number(businesses.count())} کسب‌وکار در {path} نوشته شد.")
        )
