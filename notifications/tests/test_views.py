"""«اعلان‌ها» and «تنظیمات اعلان»: one's own notices only; opening one marks it read."""

import pytest
from django.urls import reverse

from notifications.models import Notification, Preference
from notifications.services import Notice, notify

pytestmark = pytest.mark.django_db


def notice_for(user, key="entry:1:returned:v2", url="/progress/1/"):
    [n] = notify(
        users=[user],
        notice=Notice(
            kind="entry_returned", event_key=key, title="گزارش برگشت خورد", body="دلیل برگشت: سند ندارد", url=url
        ),
    )
    return n


def test_the_list_shows_ones_own_notices_and_the_unread_count(client, cast):
    mine = notice_for(cast["sara"])
    notice_for(cast["reza"], key="entry:2:returned:v2")
    client.force_login(cast["sara"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('data-testid="notification"') == 1
    assert "دلیل برگشت: سند ندارد" in page
    assert 'data-testid="unread-count" aria-label="۱ اعلان خوانده‌نشده">۱</span>' in page
    assert reverse("notifications:open", args=[mine.pk]) in page


def test_opening_a_notice_marks_it_read_and_goes_where_the_work_is(client, cast):
    n = notice_for(cast["sara"])
    client.force_login(cast["sara"])
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert (response.status_code, response["Location"]) == (302, "/progress/1/")
    n.refresh_from_db()
    assert n.read_at is not None
    assert 'data-testid="unread-count"' not in client.get(reverse("notifications:list")).content.decode()


def test_anothers_notice_is_a_404_and_stays_unread(client, cast):
    n = notice_for(cast["reza"])
    client.force_login(cast["sara"])
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert client.get("/notifications/99999/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_an_offsite_link_is_never_followed(client, cast):
    n = notice_for(cast["sara"], url="https://evil.example/")
    client.force_login(cast["sara"])
    assert client.get(reverse("notifications:open", args=[n.pk]))["Location"] == "/notifications/"


def test_mark_all_read(client, cast):
    notice_for(cast["sara"])
    notice_for(cast["sara"], key="entry:3:returned:v2")
    client.force_login(cast["sara"])
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert Notification.objects.filter(recipient=cast["sara"], read_at__isnull=True).count() == 0


def test_settings_are_saved_per_kind(client, cast):
    client.force_login(cast["sara"])
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "تنظیمات اعلان" in page and "خلاصهٔ روزانه" in page
    data = {kind: "now" for kind in [k for k, _ in Notification._meta.get_field("kind").choices]}
    data["entry_returned"] = "digest"
    data["milestone_due"] = "none"
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    assert dict(Preference.objects.filter(user=cast["sara"]).exclude(channel="now").values_list("kind", "channel")) == {
        "entry_returned": "digest",
        "milestone_due": "none",
    }


def test_a_bad_setting_is_refused_in_persian_and_nothing_changes(client, cast):
    client.force_login(cast["sara"])
    data = {kind: "now" for kind, _ in Notification._meta.get_field("kind").choices}
    data["entry_returned"] = "sms"
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 400
    assert "گزینهٔ انتخاب‌شده شناخته نیست" in response.content.decode()
    assert Preference.objects.count() == 0


def test_the_pages_need_a_login(client):
    for name in ("notifications:list", "notifications:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
