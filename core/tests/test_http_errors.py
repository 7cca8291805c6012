"""The HTTP edges in Persian: a GET on a POST-only address (405) and a refused CSRF token (403)."""

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import ProgressEntry
from reports.models import Report

pytestmark = pytest.mark.django_db


def test_a_get_on_a_post_only_address_is_a_persian_405_page(client, official):
    client.force_login(official)
    # when someone opens the report-request address in the browser
    response = client.get(reverse("reports:request"))
    # then the answer says so in Persian, keeps its status and Allow, and nothing was asked for
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "این نشانی این درخواست را نمی‌پذیرد" in page
    assert "هیچ چیز ثبت یا تغییر داده نشد" in page
    assert '<html lang="fa" dir="rtl">' in page
    assert Report.objects.count() == 0


def test_a_405_for_an_anonymous_caller_is_persian_too(client):
    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert "این نشانی این درخواست را نمی‌پذیرد" in response.content.decode()


def test_a_post_without_its_csrf_token_is_refused_in_persian(official, commitment):
    # given a browser whose form lost its CSRF token
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(official)
    # when it posts a report request
    response = browser.post(reverse("reports:request"), {"kind": "credits"})
    # then the answer is the Persian page, without Django's English reason, and nothing is saved
    assert response.status_code == 403
    page = response.content.decode()
    assert "فرم پذیرفته نشد" in page
    assert "هیچ چیز ثبت نشد" in page
    assert "CSRF" not in page and "Forbidden" not in page
    # rendered as a page of the site (its navigation for the signed-in user), not a bare template
    assert 'aria-label="پیمایش اصلی"' in page
    assert Report.objects.count() == 0
    assert ProgressEntry.objects.count() == 0
