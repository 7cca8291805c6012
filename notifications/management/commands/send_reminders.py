"""python manage.py send_reminders [--date 1405/09/30]: the daily notices, as beat runs them."""

from django.core.management.base import BaseCommand, CommandError

from core import persian
from notifications import reminders, services


class Command(BaseCommand):
    help = "یادآوری‌های روزانه: پایان دورهٔ گزارش، مهلت‌های نزدیک و گذشته، پیگیری و خلاصهٔ روزانه."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="روز اجرا به تاریخ شمسی، مثل 1405/09/30 یا ۱۴۰۵/۰۹/۳۰ (پیش‌فرض: امروز)")

    def handle(self, *args, date=None, **options):
        day = None
        if date:
            try:
                day = persian.parse_jalali_date(date)
            except persian.PersianValueError as exc:
                raise CommandError(str(exc)) from None
        result = reminders.run(day)
        # Whatever waits (this run's e-mails if no worker takes them, an earlier outage's)
        # goes now; the claim keeps a worker and this from sending one twice.
        sent = services.deliver_pending(min_age_seconds=0)
        shown = persian.format_jalali(day or persian.local_today())
        self.stdout.write(
            f"یادآوری‌های {shown}: {persian.format_number(result.notices)} اعلان تازه؛ "
            f"{persian.format_number(sent)} رایانامهٔ در انتظار فرستاده شد "
            f"(رایانامه‌هایی که کارگزار Celery همان لحظه فرستاد در این شمار نیست)؛ "
            f"{persian.format_number(result.digests)} خلاصهٔ روزانه."
        )
