"""python manage.py check_summaries [--repair]: the summary tables against the raw rows.

Recomputes the verified-jobs summary from the progress entries and the registry's
summaries from the businesses and checks, prints each difference in Persian and exits
non-zero when there is one. With --repair it rewrites what differs (in one transaction
per summary) and exits zero.
"""

from django.core.management.base import BaseCommand, CommandError

from commitments import summaries as commitment_summaries
from core import persian
from registry import summaries as registry_summaries


class Command(BaseCommand):
    help = "جدول‌های خلاصه را از ردیف‌های خام دوباره حساب و مقایسه می‌کند؛ با --repair اختلاف را اصلاح می‌کند."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="اختلاف‌ها را با بازنویسی جدول‌های خلاصه اصلاح کن.")

    def handle(self, *args, repair: bool = False, **options):
        if repair:
            mended = commitment_summaries.repair() + registry_summaries.repair()
            if mended:
                self.stdout.write(f"{persian.format_number(mended)} ردیف خلاصه اصلاح شد.")
            else:
                self.stdout.write("جدول‌های خلاصه با ردیف‌های خام یکی بودند؛ چیزی اصلاح نشد.")
            return
        problems = commitment_summaries.differences() + registry_summaries.differences()
        if not problems:
            self.stdout.write("جدول‌های خلاصه با ردیف‌های خام یکی است.")
            return
        for line in problems:
            self.stdout.write(line)
        raise CommandError(
            f"{persian.format_number(len(problems))} اختلاف میان جدول‌های خلاصه و ردیف‌های خام؛ "
            "با «python manage.py check_summaries --repair» اصلاح کنید."
        )
