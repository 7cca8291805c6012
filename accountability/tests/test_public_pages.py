"""The public pages as an anonymous visitor reads them: only verified figures, only
public commitments, cached (≤ 5 queries), rate limited, Persian and Jalali."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from commitments import services
from commitments.models import Commitment
from core import glossary, persian
from tests import factories as f

from .conftest import HIDDEN_TITLE, RESALAT_TITLE

INDEX = "/public/"


def _entry(commitment, user, jobs, **kw):
    return services.progress_entry_create(
        actor=user, commitment=commitment, period_end=datetime.date(2025, 9, 22), jobs_created=jobs, **kw
    )


def test_public_needs_no_login_and_is_persian_rtl(client, resalat):
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert RESALAT_TITLE in html
    assert "<form" not in html  # no forms on the public pages
    assert "<script" not in html
    # Jalali: the due date 2028-03-19 is 1406/12/29 (Persian digits).
    assert persian.format_jalali(resalat.due_on) in html
    assert 'property="og:description"' in html


def test_submitted_changes_nothing_and_verified_appears(client, resalat, reporter, official):
    entry = _entry(resalat, reporter, 1_250)
    html = client.get(INDEX).content.decode()
    assert f'data-testid="realised-{resalat.pk}">۰<' in html

    services.progress_entry_verify(actor=official, entry=entry)

    html = client.get(INDEX).content.decode()
    assert f'data-testid="realised-{resalat.pk}">۱٬۲۵۰<' in html
    detail = client.get(reverse("public:commitment", args=[resalat.pk])).content.decode()
    assert 'data-testid="realised">۱٬۲۵۰<' in detail


def test_cached_public_pages_take_at_most_five_queries(
    client, resalat, prepared, django_assert_max_num_queries, private_cache
):
    pages = [INDEX, reverse("public:commitment", args=[resalat.pk]), reverse("public:feed")]
    for page in pages:
        assert client.get(page).status_code == 200  # warms the cache
    for page in pages:
        with django_assert_max_num_queries(5):
            assert client.get(page).status_code == 200


def test_hidden_and_baseline_are_not_public(client, resalat, hidden, official):
    html = client.get(INDEX).content.decode()
    assert HIDDEN_TITLE not in html
    assert client.get(reverse("public:commitment", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("public:commitment", args=[999_999])).status_code == 404
    baseline = f.CommitmentFactory(program=resalat.program, instrument="baseline", jobs_target=None, title="پایه")
    assert client.get(reverse("public:commitment", args=[baseline.pk])).status_code == 404


def test_prepared_mou_shows_as_prepared_with_no_figure(client, prepared):
    html = client.get(reverse("public:commitment", args=[prepared.pk])).content.decode()
    assert "آماده امضا" in html
    assert 'data-testid="no-figure"' in html
    assert 'data-testid="realised"' not in html


def test_status_rule_is_on_the_page_in_the_glossary_words(client, resalat):
    html = client.get(INDEX).content.decode()
    assert glossary.PUBLIC_STATUS_RULE in html
    for word in ("طبق برنامه", "عقب از برنامه", "محقق شده", "لغو شده"):
        assert f"«{word}»" in html
    assert glossary.label("public_status") in html


def test_only_officials_decide_what_is_public(resalat, reporter, official):
    with pytest.raises(PermissionDenied):
        services.commitment_set_public(actor=reporter, commitment=resalat, is_public=False)
    resalat.refresh_from_db()
    assert resalat.is_public is True

    services.commitment_set_public(actor=official, commitment=resalat, is_public=False)
    resalat.refresh_from_db()
    assert resalat.is_public is False
    assert resalat.history.first().history_change_reason == "برداشتن از صفحهٔ عمومی"


def test_taking_a_commitment_off_hides_it_at_once(client, resalat, official):
    assert RESALAT_TITLE in client.get(INDEX).content.decode()
    services.commitment_set_public(actor=official, commitment=resalat, is_public=False)
    assert RESALAT_TITLE not in client.get(INDEX).content.decode()


def test_rate_limit_answers_429_in_persian(client, resalat, settings, private_cache):
    settings.PUBLIC_RATE_LIMIT = 3
    codes = [client.get(INDEX).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get(INDEX)
    assert response.status_code == 429
    assert "درخواست‌ها بیش از اندازه" in response.content.decode()
    assert response["Retry-After"]


def test_public_pages_take_get_only(client, resalat):
    assert client.post(INDEX).status_code == 405


def test_feed_is_atom_with_status_changes_and_verifications(client, resalat, reporter, official):
    entry = _entry(resalat, reporter, 40)
    services.progress_entry_verify(actor=official, entry=entry)
    services.commitment_set_status(actor=official, commitment=resalat, status=Commitment.Status.COMPLETED)
    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert f"«{RESALAT_TITLE}»: تکمیل شده" in titles
    assert f"«{RESALAT_TITLE}»: ۴۰ شغل تأیید شد" in titles
    assert f"«{RESALAT_TITLE}»: در حال اجرا" in titles


def test_csp_header_is_the_sites(client, resalat):
    response = client.get(INDEX)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp


def test_survival_at_three_six_twelve_months_is_shown(client, resalat):
    business = f.HomeBusinessFactory(commitment=resalat, started_on=datetime.date(2025, 3, 21))
    f.ContinuityCheckFactory(business=business, checked_on=datetime.date(2025, 7, 1), status="active")
    other = f.HomeBusinessFactory(commitment=resalat, started_on=datetime.date(2025, 3, 21))
    f.ContinuityCheckFactory(
        business=other, checked_on=datetime.date(2025, 7, 2), status="inactive", reason="marketing"
    )
    html = client.get(INDEX).content.decode()
    assert "۳ ماه: ٪۵۰" in html


def test_official_toggles_public_on_the_commitment_page_staff_cannot(client, resalat, reporter, official):
    url = reverse("commitments:set_public", args=[resalat.pk])
    client.force_login(reporter)
    assert client.post(url, {"is_public": "0"}).status_code == 403
    resalat.refresh_from_db()
    assert resalat.is_public is True

    client.force_login(official)
    page = client.get(reverse("commitments:detail", args=[resalat.pk])).content.decode()
    assert "در صفحهٔ عمومی (بدون ورود) دیده می‌شود." in page
    assert client.post(url, {"is_public": "0"}).status_code == 302
    resalat.refresh_from_db()
    assert resalat.is_public is False
    client.logout()
    assert client.get(reverse("public:commitment", args=[resalat.pk])).status_code == 404


def test_query_strings_share_one_cached_page(client, resalat, private_cache):
    first = client.get(INDEX + "?a=1").content.decode()
    assert f'property="og:url" content="http://testserver{INDEX}"' in first
    assert client.get(INDEX + "?b=2").content == client.get(INDEX).content
