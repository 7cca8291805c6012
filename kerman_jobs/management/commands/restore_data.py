"""`make restore FILE=…`: the archive of `make backup` back into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import persian
from kerman_jobs import backup


class Command(BaseCommand):
    help = "بازگردانی پشتیبانِ make backup در پایگاه دادهٔ خالی (جدول‌ها با migrate ساخته می‌شوند)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="فایل ‎.tar.gz‎ ساخته‌شده با make backup")
        parser.add_argument(
            "--force", action="store_true", help="پایگاه داده را اگر خالی نیست پاک کن و سپس بازگردان (بازگشت‌ناپذیر)"
        )

    def handle(self, *args, **options):
        try:
            counts = backup.restore_backup(Path(options["file"]), force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(counts.values())
        self.stdout.write(
            f"بازگردانی انجام شد: {persian.format_number(total)} ردیف در {persian.format_number(len(counts))} جدول، "
            "هم‌شمار با فایل پشتیبان."
        )
