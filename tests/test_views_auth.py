"""Login and logout in Persian, roles after login, and throttled failures."""

import pytest
from django.urls import reverse

PASSWORD = "pass-for-tests-1405"


def test_login_page_is_persian_and_right_to_left(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "ورود به سامانه" in html and "نام کاربری" in html and "گذرواژه" in html


def test_a_wrong_password_is_explained_in_persian(client, official):
    response = client.post("/accounts/login/", {"username": "official", "password": "wrong"})
    assert response.status_code == 200
    assert "لطفا نام کاربری و گذرواژه‌ای قابل قبول وارد کنید" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("who", ["official", "staff"])
def test_officials_and_staff_log_in_to_the_dashboard(client, official, staff, who):
    response = client.post("/accounts/login/", {"username": who, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert "پیشخوان" in html
    assert ("مقام استانی" if who == "official" else "کارشناس اتاق بازرگانی") in html


def test_staff_get_an_enter_progress_entry_point(client, staff, commitment):
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert reverse("commitments:entry_create", args=[commitment.pk]) in html


def test_login_returns_to_the_page_asked_for(client, official, commitment):
    target = reverse("commitments:detail", args=[commitment.pk])
    response = client.post(
        f"/accounts/login/?next={target}", {"username": "official", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_logout_is_a_post_and_ends_the_session(client, official):
    client.force_login(official)
    response = client.post("/accounts/logout/")
    # A page that says so, with the way back in; not a silent login form.
    html = response.content.decode()
    assert response.status_code == 200 and "از سامانه خارج شدید" in html and 'href="/accounts/login/"' in html
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_five_failures_lock_out_even_the_right_password(client, staff):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "staff", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "ورود موقتاً بسته شد" in response.content.decode()
    assert "_auth_user_id" not in client.session
