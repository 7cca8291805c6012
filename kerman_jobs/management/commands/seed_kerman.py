"""Seed the facts of the Kerman home-business news report (../shared/kerman-news-article.txt).

Idempotent: every row is looked up by its natural key first, so a second run
changes nothing.
"""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from commitments import services
from commitments.models import Commitment, Milestone, ProgressEntry
from core import persian
from core.roles import CHAMBER_STAFF_GROUP, OFFICIALS_GROUP
from programs.models import County, Organization, Program, Sector
from reports.models import DeadlineRule

COUNTIES = [
    "کرمان",
    "رفسنجان",
    "سیرجان",
    "بم",
    "جیرفت",
    "زرند",
    "شهربابک",
    "بافت",
    "بردسیر",
    "راور",
    "کهنوج",
    "عنبرآباد",
    "منوجان",
    "رودبار جنوب",
    "قلعه‌گنج",
    "کوهبنان",
    "رابر",
    "ارزوئیه",
    "ریگان",
    "فهرج",
    "نرماشیر",
    "فاریاب",
    "انار",
]

SECTORS = [
    "صنایع دستی",
    "فرش دستباف",
    "پوشاک",
    "فرآوری مواد غذایی",
    "کسب‌وکار مجازی",
    "گیاهان دارویی",
]

ORGANIZATIONS = {
    "resalat": ("بانک رسالت", "bank"),
    "barakat": ("بنیاد برکت", "foundation"),
    "bahonar": ("مس شهید باهنر", "company"),
    "nazm": ("نظم آوران", "company"),
    "gohar": ("گهرزمین", "company"),
    "chamber": ("اتاق بازرگانی کرمان", "chamber"),
    "labour": ("اداره کل تعاون، کار و رفاه اجتماعی استان کرمان", "agency"),
    "governorate": ("استانداری کرمان", "agency"),
    "working_group": ("کارگروه اشتغال و سرمایه‌گذاری استان کرمان", "agency"),
    "assembly": ("مجمع نمایندگان استان کرمان", "agency"),
}

PROGRAM_NAME = "برنامه توسعه مشاغل خانگی استان کرمان"
BASELINE_TITLE = "مشاغل خانگی ایجادشده تا پیش از سامانه (رقم پایه)"
BASELINE_JOBS = 14_000


def jd(text: str):
    return persian.parse_jalali_date(text)


class Command(BaseCommand):
    help = "داده‌های پایهٔ استان کرمان را (یک‌بار و بدون تکرار) ثبت می‌کند."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="کاربران نمایشی admin، official و staff را با گذرواژهٔ DEMO_PASSWORD (یا گذرواژه‌ای تازه) می‌سازد.",
        )

    @transaction.atomic
    def handle(self, *args, demo_users: bool = False, **options):
        User = get_user_model()
        officials, _ = Group.objects.get_or_create(name=OFFICIALS_GROUP)
        chamber_staff, _ = Group.objects.get_or_create(name=CHAMBER_STAFF_GROUP)

        admin, created_admin = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "مدیر سامانه"}
        )
        if created_admin:
            admin.set_unusable_password()
            admin.save()

        for name in COUNTIES:
            County.objects.get_or_create(name=name)
        for name in SECTORS:
            Sector.objects.get_or_create(name=name)
        orgs = {}
        for key, (name, kind) in ORGANIZATIONS.items():
            orgs[key], _ = Organization.objects.get_or_create(name=name, defaults={"kind": kind})

        program, _ = Program.objects.get_or_create(
            name=PROGRAM_NAME,
            defaults={
                # The employment working group's figure: 12,000 *new* opportunities.
                "jobs_target": 12_000,
                "starts_on": jd("1403/03/01"),
                "ends_on": jd("1406/12/29"),
                "owner": orgs["working_group"],
            },
        )

        def commitment(title: str, **fields) -> Commitment:
            existing = Commitment.objects.filter(program=program, title=title).first()
            if existing:
                return existing
            partners = fields.pop("partners", [])
            obj = Commitment(program=program, title=title, **fields)
            return services.commitment_save(actor=admin, commitment=obj, partners=partners, reason="داده‌های پایه")

        # The 14,000 jobs created before the system are not a promise: they are held by a
        # baseline record with no target, kept apart from every commitment figure.
        baseline = commitment(
            BASELINE_TITLE,
            organization=orgs["labour"],
            instrument=Commitment.Instrument.BASELINE,
            venue="نشست شورای گفت‌وگوی دولت و بخش خصوصی استان کرمان",
            status=Commitment.Status.COMPLETED,
            jobs_target=None,
            signed_on=jd("1403/03/01"),
            due_on=jd("1403/03/31"),
        )
        resalat = commitment(
            "تفاهم‌نامه ۳۰ هزار شغل خانگی بانک رسالت در استان کرمان",
            organization=orgs["resalat"],
            instrument=Commitment.Instrument.MOU,
            venue="استانداری کرمان",
            status=Commitment.Status.SIGNED,
            jobs_target=30_000,
            signed_on=jd("1403/03/15"),
            due_on=jd("1406/12/29"),
            partners=[orgs["barakat"]],
        )
        barakat = commitment(
            "اجرای ۶ هزار شغل با همکاری بنیاد برکت",
            organization=orgs["resalat"],
            parent=resalat,
            instrument=Commitment.Instrument.AGREEMENT,
            venue="استانداری کرمان",
            status=Commitment.Status.IN_EXECUTION,
            jobs_target=6_000,
            signed_on=jd("1403/03/15"),
            due_on=jd("1405/12/29"),
            partners=[orgs["barakat"]],
        )
        commitment(
            "تعهد ۱۵ هزار شغل خانگی بانک رسالت در ستاد فرماندهی اقتصاد مقاومتی",
            organization=orgs["resalat"],
            instrument=Commitment.Instrument.PLEDGE,
            venue="ستاد فرماندهی اقتصاد مقاومتی",
            status=Commitment.Status.SIGNED,
            jobs_target=15_000,
            signed_on=jd("1403/03/20"),
            due_on=jd("1406/12/29"),
        )
        for key in ("bahonar", "nazm", "gohar"):
            commitment(
                f"تفاهم‌نامه اشتغال خانگی با {orgs[key].name}",
                organization=orgs[key],
                instrument=Commitment.Instrument.MOU,
                status=Commitment.Status.PREPARED,
                jobs_target=None,
                partners=[orgs["chamber"]],
            )

        if not baseline.progress_entries.filter(is_baseline=True).exists():
            services.progress_entry_create_baseline(
                actor=admin,
                commitment=baseline,
                period_end=jd("1403/03/31"),
                jobs_created=BASELINE_JOBS,
                note="۱۴ هزار شغل خانگی ایجادشده به گفتهٔ معاون اقتصادی استاندار کرمان.",
            )

        # Both deliverables are due by 5 Tir; the seed pins the next one.
        next_5_tir = persian.next_jalali_occurrence(4, 5)
        milestones = [
            (
                "ارائه جدول زمان‌بندی تعهد اشتغال مجمع نمایندگان",
                orgs["chamber"],
                Milestone.ReportKind.COMMITMENT_TIMETABLE,
            ),
            (
                "ارائه گزارش تحقیقات آسیب‌شناسی توسعه مشاغل خانگی",
                orgs["labour"],
                Milestone.ReportKind.PATHOLOGY,
            ),
        ]
        for title, responsible, kind in milestones:
            Milestone.objects.get_or_create(
                program=program,
                title=title,
                defaults={"responsible": responsible, "due_on": next_5_tir, "report_kind": kind},
            )
            # 5 Tir recurs every year: reports/ builds drafts before it and the final pack on the day.
            DeadlineRule.objects.get_or_create(
                jalali_month=4, jalali_day=5, report_kind=kind, defaults={"title": f"{title} (۵ تیر هر سال)"}
            )

        if demo_users:
            self._demo_users(User, admin, officials, chamber_staff, [resalat, barakat])

        self.stdout.write(
            self.style.SUCCESS(
                f"داده‌های پایه آماده است: {persian.format_number(Commitment.objects.count())} تعهد، "
                f"{persian.format_number(County.objects.count())} شهرستان، "
                f"{persian.format_number(ProgressEntry.objects.filter(status='verified').count())} گزارش تأییدشده."
            )
        )

    def _demo_users(self, User, admin, officials, chamber_staff, staff_commitments):
        password = os.environ.get("DEMO_PASSWORD") or ""
        generated = False
        if not password:
            password = secrets.token_urlsafe(9)
            generated = True

        official = self._user(User, "official", "مقام استانی")
        staff = self._user(User, "staff", "کارشناس اتاق بازرگانی")
        # Example addresses (example.com never receives mail), so that `make run` shows the
        # notices' e-mails on the console; an address someone set is kept.
        for user in (admin, official, staff):
            if not user.email:
                user.email = f"{user.username}@example.com"
                user.save(update_fields=["email"])
        official.groups.add(officials)
        staff.groups.add(chamber_staff)
        for commitment in staff_commitments:
            # add() of a reporter already there still signals an m2m change, and the
            # history would record a «تغییر» that changed nothing.
            if not commitment.reporters.filter(pk=staff.pk).exists():
                commitment.reporters.add(staff)

        changed = []
        for user in (admin, official, staff):
            # Set the password only when it differs, so a second run changes nothing.
            if generated and user.has_usable_password():
                continue
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
                changed.append(user.username)
        if generated and changed:
            self.stdout.write(f"گذرواژهٔ کاربران نمایشی ({', '.join(changed)}): {password}")
        elif changed:
            self.stdout.write(f"گذرواژهٔ کاربران نمایشی ({', '.join(changed)}) از DEMO_PASSWORD تنظیم شد.")
        else:
            self.stdout.write("کاربران نمایشی از قبل آماده‌اند؛ گذرواژه‌ها تغییری نکردند.")

    def _user(self, User, username: str, first_name: str):
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user
