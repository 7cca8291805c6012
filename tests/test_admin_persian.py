"""The admin as a person reads it: Persian group names and full names, plurals said once,
the ZWNJ in «فعالیت‌های اخیر», Jalali axes logs without a Gregorian drill-down, the
reporters picker offering chamber staff only, and the evidence link through the
access-checked download. On the site: one success message per action, and a page that
says «از سامانه خارج شدید» after logging out."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessLog
from django.core.files.base import ContentFile
from django.urls import reverse

from core.roles import CHAMBER_STAFF_GROUP, OFFICIALS_GROUP
from reports.models import Report

from . import factories as f

pytestmark = pytest.mark.django_db


def visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def named(staff, official):
    staff.first_name, staff.last_name = "زهرا", "کرمانی"
    staff.save()
    official.first_name, official.last_name = "علی", "رفسنجانی"
    official.save()
    return staff, official


def test_reporters_picker_offers_chamber_staff_only(admin_client, admin_user, named, commitment):
    staff, _ = named
    html = admin_client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk])).content.decode()
    picker = html[html.index('name="reporters"') : html.index("</select>", html.index('name="reporters"'))]
    offered = set(map(int, re.findall(r'<option value="(\d+)"', picker)))
    assert offered == {staff.pk}
    assert "زهرا کرمانی" in picker


def test_evidence_links_to_the_access_checked_download(admin_client, commitment, staff):
    entry = f.ProgressEntryFactory(commitment=commitment, entered_by=staff)
    entry.evidence.save("scan.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    html = admin_client.get(reverse("admin:commitments_progressentry_change", args=[entry.pk])).content.decode()
    download = reverse("commitments:entry_evidence", args=[entry.pk])
    assert f'href="{download}"' in html and ">scan.pdf<" in html
    assert "/media/" not in html
    assert admin_client.get(download).status_code == 200


def test_groups_and_people_are_named_in_persian(admin_client, named, commitment):
    staff, _ = named
    f.ProgressEntryFactory(commitment=commitment, entered_by=staff)
    users = visible(admin_client.get(reverse("admin:auth_user_changelist")).content.decode())
    assert "کارشناسان اتاق بازرگانی" in users and "مقام‌های استانی" in users
    assert CHAMBER_STAFF_GROUP not in users and OFFICIALS_GROUP not in users
    groups = visible(admin_client.get(reverse("admin:auth_group_changelist")).content.decode())
    assert "کارشناسان اتاق بازرگانی" in groups and CHAMBER_STAFF_GROUP not in groups

    html = admin_client.get(reverse("admin:commitments_progressentry_changelist")).content.decode()
    cells = re.findall(r'<td class="field-entered_by[^"]*">(.*?)</td>', html, flags=re.S)
    assert cells == ["زهرا کرمانی"]


def test_plurals_said_once_and_the_zwnj_kept(admin_client, commitment):
    index = visible(admin_client.get(reverse("admin:index")).content.decode())
    assert "فعالیت‌های اخیر" in index and "فعالیتهای" not in index
    for name in ("commitments_commitment", "auth_user"):
        html = admin_client.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert "ها های" not in html and " های انتخاب" not in html
    html = admin_client.get(reverse("admin:commitments_commitment_changelist")).content.decode()
    assert "حذف موارد انتخاب‌شده از تعهدها" in html


def test_axes_log_shows_jalali_times_without_a_gregorian_drill_down(admin_client):
    AccessLog.objects.create(username="staff", ip_address="127.0.0.1", user_agent="test", path_info="/accounts/login/")
    html = admin_client.get(reverse("admin:axes_accesslog_changelist")).content.decode()
    assert 'class="xfull"' not in html  # Django's date hierarchy: Gregorian years and months
    cells = " ".join(re.findall(r'<t[dh] class="field-attempt_time[^"]*">(.*?)</t[dh]>', html, flags=re.S))
    assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}", cells), cells


def message_count(html: str, text: str) -> int:
    return len(re.findall(r'<li class="msg[^"]*"[^>]*>[^<]*' + re.escape(text), html))


def test_one_success_message_per_action(client, staff, official, commitment, django_capture_on_commit_callbacks):
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request"), {"kind": "credits"}, follow=True)
    assert Report.objects.count() == 1
    said = re.findall(r"<li class=\"msg[^>]*>([^<]+)</li>", response.content.decode())
    assert len(said) == 1 and "«" in said[0], said

    client.force_login(staff)
    business = f.HomeBusinessFactory(commitment=commitment)
    response = client.post(
        reverse("registry:check_create", args=[business.pk]),
        {"checked_on": "۱۴۰۴/۰۷/۰۱", "status": "active", "reason": "", "note": ""},
        follow=True,
    )
    html = response.content.decode()
    said = re.findall(r'<li class="msg msg-success"[^>]*>([^<]+)</li>', html)
    assert len(said) == 1, said


def test_logging_out_says_so(client, official):
    client.force_login(official)
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert "از سامانه خارج شدید" in visible(response.content.decode())
