"""`make restore FILE=…`: the archive of `make backup` back into an empty database
(pg_restore --jobs on PostgreSQL, loaddata for a SQLite archive)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import persian
from kerman_jobs import backup


class Command(BaseCommand):
    help = "بازگردانی پشتیبانِ make backup در پایگاه دادهٔ خالی (جدول‌ها با migrate ساخته می‌شوند)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="فایل ساخته‌شده با make backup (‎.tar‎ یا ‎.tar.gz‎)")
        parser.add_argument(
            "--force", action="store_true", help="پایگاه داده را اگر خالی نیست پاک کن و سپس بازگردان (بازگشت‌ناپذیر)"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="شمار کارهای هم‌زمان pg_restore (پیش‌فرض: RESTORE_JOBS یا شمار هسته‌ها)",
        )

    def handle(self, *args, **options):
        try:
            counts = backup.restore_backup(Path(options["file"]), force=options["force"], jobs=options["jobs"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(counts.values())
        self.stdout.write(
            f"بازگردانی انجام شد: {persian.format_number(total)} ردیف در {persian.format_number(len(counts))} جدول، "
            "هم‌شمار با فایل پشتیبان."
        )
