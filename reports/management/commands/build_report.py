"""`python manage.py build_report KIND`: the same build a worker runs, from the shell."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import persian
from core.cli import active_user
from reports import services
from reports.models import Report
from reports.tasks import build_report_task


class Command(BaseCommand):
    help = "یک گزارش (PDF و اکسل) را همین‌جا می‌سازد و نشانی فایل‌هایش را چاپ می‌کند."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Report.Kind.values, help="نوع گزارش")
        parser.add_argument("--draft", action="store_true", help="پیش‌نویس")
        parser.add_argument("--due", help="مهلت به تاریخ شمسی، مثل ۱۴۰۵/۰۴/۰۵")
        parser.add_argument("--as", dest="username", help="به نام این کاربر (پیش‌فرض: گزارش کل استان)")

    def handle(self, *args, kind: str, draft: bool, due: str | None, username: str | None, **options):
        try:
            due_on = persian.parse_jalali_date(due) if due else None
        except persian.PersianValueError as exc:
            raise CommandError(str(exc)) from exc
        actor = active_user(username) if username else None
        with transaction.atomic():
            report = services.report_create(
                actor=actor, kind=kind, due_on=due_on, is_draft=draft, reason="ساخت از خط فرمان"
            )
        # The task itself, run here: the same claim, retries and failure record as a worker.
        build_report_task.apply(args=[report.id])
        report.refresh_from_db()
        if report.status != Report.Status.READY:
            raise CommandError(f"گزارش {persian.persian_digits(report.id)} ساخته نشد: {report.error}")
        self.stdout.write(self.style.SUCCESS(f"گزارش {report.get_kind_display()} آماده است:"))
        self.stdout.write(report.pdf.path)
        self.stdout.write(report.xlsx.path)
