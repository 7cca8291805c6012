"""python manage.py create_api_token --organization "بانک رسالت" [--days 365] [--name …]

Prints the new token on a line of its own (and nothing else on stdout), once: it is stored
only hashed. Give it to the organisation's IT over a safe channel.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.services import api_token_create
from core import persian
from programs.models import Organization


class Command(BaseCommand):
    help = "برای یک دستگاه توکن API می‌سازد و آن را یک بار چاپ می‌کند."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="نام دقیق دستگاه، مثل «بانک رسالت».")
        parser.add_argument("--days", type=int, default=None, help="مدت اعتبار به روز (پیش‌فرض: بی‌انقضا).")
        parser.add_argument("--name", default="", help="نامی برای شناختن توکن در فهرست مدیریت.")

    def handle(self, *args, organization, days, name, **options):
        wanted = persian.normalize_letters(organization)
        found = Organization.objects.filter(name=wanted).first()
        if found is None:
            names = "، ".join(Organization.objects.order_by("name").values_list("name", flat=True)[:30])
            raise CommandError(f"دستگاهی به نام «{organization}» نیست. دستگاه‌ها: {names}")
        try:
            new = api_token_create(actor=None, organization=found, days=days, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        until = f" تا {persian.format_jalali(new.token.expires_at.date())}" if new.token.expires_at else " بی‌انقضا"
        self.stderr.write(f"توکن API برای «{found.name}»{until} ساخته شد؛ فقط همین یک بار نشان داده می‌شود:")
        self.stdout.write(new.raw)
