"""`make backup`: every table and every uploaded file in one archive under backups/
(pg_dump's custom format on PostgreSQL, JSON on SQLite)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from kerman_jobs import backup


class Command(BaseCommand):
    help = "پشتیبان کامل: همهٔ داده‌ها و فایل‌های بارگذاری‌شده در یک فایل در پوشهٔ backups/ (‎.tar‎ با pg_dump در PostgreSQL، ‎.tar.gz‎ در SQLite)"

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", help="پوشهٔ مقصد (پیش‌فرض: BACKUP_DIR یا backups/)")

    def handle(self, *args, **options):
        directory = Path(options["output_dir"]) if options["output_dir"] else None
        path = backup.create_backup(directory)
        self.stdout.write(f"پشتیبان ساخته شد: {path}")
        self.stdout.write(f"بازگردانی در پایگاه دادهٔ خالی: make restore FILE={path}")
