"""What people see, found wrong on the visual pass: figures that read wrong in Persian, and
admin pages that still spoke English or Gregorian."""

import json
import re

import pytest
from django.urls import reverse

from core import persian
from core.persian import make_jalali_date as J
from reports.models import Report

from . import factories as f

pytestmark = pytest.mark.django_db

LATIN_DIGIT = re.compile(r"[0-9]")
# Django's fa locale: «27 نوامبر 2026، ساعت 9:57».
GREGORIAN_MONTH = re.compile(r"(?:ژانویه|فوریه|مارس|آوریل|مه|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر)\s+[0-9۰-۹]{4}")
# A middle dot beside a Persian digit reads as the digit zero (۰): «۲۴ · ۱۰» looks like «۲۴ ۰ ۱۰».
DOT_BY_DIGIT = re.compile(r"[۰-۹]\s*·|·\s*[۰-۹]")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def businesses(commitment):
    county, sector = f.CountyFactory(name="کرمان"), f.SectorFactory(name="پوشاک")
    made = []
    for i, status in enumerate(["active", "semi_closed", "inactive", "active"]):
        b = f.HomeBusinessFactory(
            commitment=commitment, county=county, sector=sector, started_on=J(1403, 1, 10), status=status
        )
        f.ContinuityCheckFactory(
            business=b, checked_on=J(1404, 1, 10 + i), status=status, reason="" if status == "active" else "financing"
        )
        made.append(b)
    return made


@pytest.mark.parametrize("name", ["registry:list", "registry:cohorts"])
def test_registry_figures_are_never_separated_by_a_middle_dot(client, official, businesses, name):
    client.force_login(official)
    html = client.get(reverse(name)).content.decode()
    assert not DOT_BY_DIGIT.search(visible_text(html))


def test_business_list_summary_lists_counts_with_persian_commas(client, official, businesses):
    client.force_login(official)
    text = " ".join(visible_text(client.get(reverse("registry:list")).content.decode()).split())
    assert "۴ کسب‌وکار: فعال ۲، نیمه‌تعطیل ۱، غیرفعال ۱" in text


def test_admin_lists_show_jalali_times_and_persian_counts(admin_client, admin_user):
    for _ in range(3):
        Report.objects.create(kind="pathology", requested_by=admin_user)
    html = admin_client.get(reverse("admin:reports_report_changelist")).content.decode()
    results = html[html.index('id="result_list"') : html.index("</table>", html.index('id="result_list"'))]
    cells = " ".join(re.findall(r"<td[^>]*>(.*?)</td>", results, flags=re.S))
    assert not GREGORIAN_MONTH.search(cells)
    assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}", cells)
    assert "۰ از ۳ انتخاب" in html
    assert re.search(r"۳\s+گزارش", visible_text(html[html.index('class="paginator"') :]))


def test_admin_read_only_times_are_jalali(admin_client, admin_user):
    report = Report.objects.create(kind="credits", requested_by=admin_user)
    html = admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()
    readonly = " ".join(re.findall(r'<div class="readonly">(.*?)</div>', html, flags=re.S))
    assert readonly and not GREGORIAN_MONTH.search(readonly) and not LATIN_DIGIT.search(readonly)


def test_admin_speaks_persian_on_every_page(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    # Vazirmatn on the index too, not only on model pages.
    assert "css/admin-fa.css" in index and "js/admin-fa.js" in index
    for english in (">Commitments<", ">Programs<", ">Reports<", ">Axes<"):
        assert english not in index
    assert "تعهدها و پیشرفت" in index and "قفل ورود" in index
    catalog = admin_client.get(reverse("admin:jsi18n")).content.decode()
    for label in ("انتخاب همهٔ %s", "حذف همهٔ %s"):  # the reporter picker's buttons
        assert json.dumps(label)[1:-1] in catalog or label in catalog


def test_admin_history_page_is_persian_with_jalali_times(admin_client, commitment):
    commitment.title = "عنوان تازه"
    commitment.save()
    html = admin_client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk])).content.decode()
    start = html.index('id="change-history"')
    table = html[start : html.index("</table>", start)]
    for english in ("Object", "Comment", "Changed by", "Change reason", ">Changes<", "Choose a date"):
        assert english not in html[html.index('id="content"') :], english
    assert not GREGORIAN_MONTH.search(table)
    assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}", table)
    assert 'style="' not in html[html.index('id="content"') :]  # the CSP blocks style attributes


# ---------------------------------------------------------------- the crawl

# What may stay Latin in what a person reads, and why (the allow-list):
ALLOWED = [
    re.compile(r"https?://\S+"),  # addresses
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"[\w/\u0600-\u06ff\u200c-]+\.(?:pdf|xlsx|csv|png|jpe?g)\b", re.I),  # file names (and stored paths)
    re.compile(r"\b(?:PDF|CSV|xlsx|JPG|PNG)\b"),  # file formats, named as on the files themselves
    re.compile(r"\b[A-Z]{1,4}(?:-[۰-۹]+)+"),  # reference codes such as RS-۱۴۰۴-۰۰۱۲۵ (identifiers people type)
    re.compile(r"<unknown>"),  # django-axes' stored word for a request that sent no browser name (data)
    re.compile(r"\bAPI\b"),  # the partner interface's name, as its users (banks' IT) call it
]
LATIN_WORD = re.compile(r"[A-Za-z]+")
GREGORIAN_DATE = re.compile(
    r"(?:ژانویه|فوریه|مارس|آوریل|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر)"
    r"|(?:19|20)[0-9]{2}[-/][0-9]{1,2}[-/][0-9]{1,2}|[۱۲][۰۹][۰-۹]{2}[-/][۰-۹]{1,2}[-/][۰-۹]{1,2}"
)


def latin_findings(text: str, data_words: set[str]) -> list[str]:
    """Latin words and digits, and Gregorian dates, outside the allow-list and outside the
    data people typed in Latin on purpose (login names and reference codes)."""
    for pattern in ALLOWED:
        text = pattern.sub(" ", text)
    found = []
    for match in GREGORIAN_DATE.finditer(text):
        found.append(f"Gregorian «{match.group(0)}»")
    for token in re.findall(r"\S+", text):
        bare = token.strip("()«»[]{}.,،؛:;!?\"'")
        if bare in data_words:
            continue
        if LATIN_WORD.search(bare) or LATIN_DIGIT.search(bare):
            found.append(f"«{token}»")
    return found


@pytest.fixture
def populated(official, staff, admin_user, commitment):
    """Something on every page: named people, a tranche, milestones, entries in every state
    with evidence, businesses with checks, a duplicate owner, reports, a deadline rule."""
    from django.core.files.base import ContentFile

    from reports.models import DeadlineRule

    for user, (first, last) in (
        (staff, ("زهرا", "کرمانی")),
        (official, ("علی", "رفسنجانی")),
        (admin_user, ("مدیر", "سامانه")),
    ):
        user.first_name, user.last_name = first, last
        user.save()
    from programs.models import Organization, Program

    # The factories number names with Latin digits («نهاد 1»): data, renamed as people would type them.
    for model in (Organization, Program):
        for obj in model.objects.all():
            model.objects.filter(pk=obj.pk).update(name=persian.persian_digits(obj.name))
            model.history.filter(id=obj.pk).update(name=persian.persian_digits(obj.name))
    county, sector = f.CountyFactory(name="کرمان"), f.SectorFactory(name="پوشاک")
    tranche = f.CommitmentFactory(
        program=commitment.program,
        organization=commitment.organization,
        parent=commitment,
        title="بخش برکت",
        jobs_target=6_000,
    )
    commitment.reporters.add(staff)
    tranche.reporters.add(staff)
    f.MilestoneFactory(commitment=commitment, title="جدول زمان‌بندی", responsible=commitment.organization)
    for status in ("submitted", "verified", "rejected"):
        entry = f.ProgressEntryFactory(
            commitment=commitment,
            entered_by=staff,
            county=county,
            sector=sector,
            status=status,
            jobs_created=1_200,
            credit_paid=12_500_000_000,
            verified_by=None if status == "submitted" else official,
            review_note="شهرستان را اصلاح کنید" if status == "rejected" else "",
            note="یادداشت",
        )
    entry.evidence.save("نامه.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    for i, status in enumerate(("active", "semi_closed", "inactive")):
        b = f.HomeBusinessFactory(
            commitment=tranche if i else commitment,
            reference_code=f"RS-1404-{i:05d}",
            county=county,
            sector=sector,
            started_on=J(1403, 1, 10),
            status=status,
            owner_national_code="0012345679" if i < 2 else "",
        )
        f.ContinuityCheckFactory(
            business=b, checked_on=J(1404, 1, 10), status=status, reason="" if status == "active" else "financing"
        )
    Report.objects.create(kind="pathology", requested_by=official, status="failed", error="ساخت گزارش انجام نشد.")
    DeadlineRule.objects.create(title="گزارش آسیب‌شناسی", jalali_month=4, jalali_day=5, report_kind="pathology")
    # The worker's timetable has each kind of schedule (the migrations add a crontab and an interval).
    from django.utils import timezone
    from django_celery_beat.models import ClockedSchedule, SolarSchedule

    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunset", latitude="30.28", longitude="57.07")


def test_no_latin_word_digit_or_gregorian_date_on_any_page_as_any_role(client, official, staff, admin_user, populated):
    from django.contrib.auth import get_user_model

    from core.roles import CHAMBER_STAFF_GROUP, OFFICIALS_GROUP

    from .crawl import walk

    # Login names are Latin by necessity (data, shown where a login name is asked for), and
    # so are the groups' code names, which the code finds roles by (shown only on the group's form).
    data_words = set(get_user_model().objects.values_list("username", flat=True)) | {
        OFFICIALS_GROUP,
        CHAMBER_STAFF_GROUP,
    }
    problems: dict[str, list[str]] = {}
    visited = 0
    seen: set[str] = set()
    for role, user, start in (
        ("official", official, ["/"]),
        ("staff", staff, ["/"]),
        ("admin", admin_user, ["/", "/admin/"]),
        ("visitor", None, ["/accounts/login/", "/public/"]),  # signed out: sign-in and public pages
    ):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for path, _, text in walk(client, start):
            visited += 1
            seen.add(path)
            found = latin_findings(text, data_words)
            if found:
                problems[f"{role} {path}"] = sorted(set(found))[:12]
    assert visited > 60, visited
    # The worker's timetable is read too: each kind of schedule, its list and its form.
    for model in ("periodictask", "crontabschedule", "intervalschedule", "clockedschedule", "solarschedule"):
        assert any(re.fullmatch(rf"/admin/django_celery_beat/{model}/\d+/change/", p) for p in seen), model
    assert not problems, "\n".join(f"{where}: {' '.join(found)}" for where, found in sorted(problems.items()))
