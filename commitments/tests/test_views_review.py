"""views.py's review half: the figures beside an entry (form, entry page, queue), the
«بیش از هدف» flag, confirmation before verify/return/reopen, and reopening.

The Barakat case: a 30,000-job MoU (the `commitment` fixture) with a 6,000-job tranche.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import services
from commitments.models import ProgressEntry
from tests import factories as f
from tests.pages import FIGURE_LINK, text_of

from .test_views import post_entry

# ---------------------------------------------------------------- review with context, «بیش از هدف», confirm, reopen

OVER_BARAKAT = (
    "بیش از هدف: با این گزارش ۷٬۰۰۰ شغل از هدف ۶٬۰۰۰ شغل «اجرای ۶ هزار شغل با همکاری بنیاد برکت» — ۱٬۰۰۰ شغل بیشتر"
)


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


@pytest.fixture
def seven(staff, barakat):
    """The 7,000-job entry on the 6,000-job Barakat tranche, awaiting review."""
    barakat.reporters.add(staff)
    return services.progress_entry_create(
        actor=staff, commitment=barakat, period_end=datetime.date(2025, 4, 1), jobs_created=7_000
    )


def figure_cells(html: str) -> list[tuple[str, str]]:
    """(label, figure) of each cell, the label as read (a glossary link's words)."""
    cells = re.findall(r"<dt>(.*?)</dt><dd data-testid=\"figure-[a-z]+\">([^<]+)</dd>", html)
    return [(text_of(label), figure) for label, figure in cells]


CONTEXT_LABELS = ["هدف", "تحقق‌یافته", "در انتظار بررسی", "باقی‌مانده", "باقی‌مانده پس از در انتظار بررسی"]


def test_entry_form_shows_target_verified_awaiting_and_room_of_the_tranche_and_its_parent(client, staff, barakat):
    # given 1,000 verified and 500 awaiting on the tranche, 2,000 verified on the parent
    barakat.reporters.add(staff)
    for c, jobs, status in (
        (barakat, 1_000, "verified"),
        (barakat, 500, "submitted"),
        (barakat.parent, 2_000, "verified"),
    ):
        f.ProgressEntryFactory(commitment=c, jobs_created=jobs, status=status, entered_by=staff, verified_by=staff)
    client.force_login(staff)
    html = client.get(reverse("commitments:entry_create", args=[barakat.pk])).content.decode()
    assert figure_cells(html) == list(
        zip(
            CONTEXT_LABELS * 2,
            ["۶٬۰۰۰", "۱٬۰۰۰", "۵۰۰", "۵٬۰۰۰", "۴٬۵۰۰", "۳۰٬۰۰۰", "۳٬۰۰۰", "۵۰۰", "۲۷٬۰۰۰", "۲۶٬۵۰۰"],
            strict=True,
        )
    )
    # and the four glossary figures among them link their definitions, on both levels
    assert (
        FIGURE_LINK.findall(html)
        == [
            ("target", "هدف"),
            ("realised", "تحقق‌یافته"),
            ("awaiting", "در انتظار بررسی"),
            ("remaining", "باقی‌مانده"),
            ("realised", "تحقق‌یافته"),
        ]
        * 2
    )
    # and the hints the script fills in as the jobs are typed carry the counted jobs and the target
    assert 'data-counted="1500" data-target="6000"' in html and 'data-counted="3500" data-target="30000"' in html
    assert html.count('data-testid="over-hint"') == 2 and "hidden>" in html


def test_an_over_target_entry_is_saved_with_a_warning(client, staff, barakat):
    barakat.reporters.add(staff)
    client.force_login(staff)
    response = post_entry(client, barakat, jobs_created="۷۰۰۰", follow=True)
    html = response.content.decode()
    assert ProgressEntry.objects.get().jobs_created == 7_000
    assert '<li class="msg msg-warning" role="status">' + OVER_BARAKAT in html
    assert "۷٬۰۰۰ شغل ثبت شد" in html


def test_an_entry_within_the_target_gets_no_warning(client, staff, barakat):
    barakat.reporters.add(staff)
    client.force_login(staff)
    html = post_entry(client, barakat, jobs_created="۶۰۰۰", follow=True).content.decode()
    assert "msg-warning" not in html and "بیش از هدف:" not in html


def test_a_form_sent_back_with_errors_says_over_target_already(client, staff, barakat):
    barakat.reporters.add(staff)
    client.force_login(staff)
    response = post_entry(client, barakat, jobs_created="۷۰۰۰", period_end="فردا")
    assert response.status_code == 400
    assert 'data-template="بیش از هدف: با این گزارش {total}' in response.content.decode()
    assert f">{OVER_BARAKAT}</p>" in response.content.decode()
    assert ProgressEntry.objects.count() == 0


def test_the_official_sees_the_flag_and_context_on_the_entry_page_and_the_queue(official_client, seven):
    entry_page = official_client.get(reverse("commitments:entry", args=[seven.pk])).content.decode()
    queue = official_client.get(reverse("commitments:review_queue")).content.decode()
    for html in (entry_page, queue):
        assert f'data-testid="over-target">{OVER_BARAKAT}</p>' in html
        assert '<span class="flag-badge">بیش از هدف</span>' in html
        assert figure_cells(html) == list(
            zip(
                CONTEXT_LABELS * 2,
                ["۶٬۰۰۰", "۰", "۷٬۰۰۰", "۶٬۰۰۰", "۰", "۳۰٬۰۰۰", "۰", "۷٬۰۰۰", "۳۰٬۰۰۰", "۲۳٬۰۰۰"],
                strict=True,
            )
        )
    # and the question the verify button asks names the flag too
    assert f"تأیید شود؟ رقم تأییدشده در پیشخوان و گزارش‌های رسمی می‌آید.\n{OVER_BARAKAT}." in queue


def test_the_review_queue_is_paged_oldest_first_in_the_same_queries_for_1_and_60_entries(
    official_client, official, staff, commitment, program
):
    def queue(page=None) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = official_client.get(reverse("commitments:review_queue"), {"page": page} if page else {})
        assert response.status_code == 200
        return len(queries), response.content.decode()

    def cards(html: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'<h2><a href="/progress/(\d+)/">', html)]

    first = f.ProgressEntryFactory(commitment=commitment, entered_by=staff)
    one_queries, one = queue()
    assert cards(one) == [first.pk]
    authors = [staff, *(f.UserFactory(username=f"u{i}") for i in range(3))]
    for i in range(59):  # tranches, separate commitments and their own authors
        target = f.CommitmentFactory(program=program, parent=commitment if i % 2 else None, jobs_target=100)
        f.ProgressEntryFactory(commitment=target, jobs_created=150, entered_by=authors[i % 4])
        if i % 3 == 0:  # and verified jobs beside them, read from the summary
            f.ProgressEntryFactory(
                commitment=target, jobs_created=7, entered_by=authors[i % 4], status="verified", verified_by=official
            )
    oldest_first = list(
        ProgressEntry.objects.filter(status="submitted").order_by("created_at", "id").values_list("pk", flat=True)
    )

    sixty_queries, sixty = queue()
    last_queries, last = queue(page=2)

    assert (cards(sixty), cards(last)) == (oldest_first[:50], oldest_first[50:])
    assert one_queries == sixty_queries == last_queries <= 12
    assert "۶۰ گزارش در انتظار تأیید یا برگشت" in sixty
    assert "<span>صفحهٔ ۱ از ۲</span>" in sixty and '<a href="?page=2">بعدی ›</a>' in sixty
    assert "<span>صفحهٔ ۲ از ۲</span>" in last and '<a href="?page=1">‹ قبلی</a>' in last


def post_review(client, action, entry, **data):
    return client.post(reverse(f"commitments:{action}", args=[entry.pk]), {"version": entry.version, **data})


def state(entry):
    return (
        ProgressEntry.objects.filter(pk=entry.pk).values_list("status", "verified_by", "version").get(),
        entry.history.count(),
    )


@pytest.mark.parametrize(
    ("action", "data", "title", "yes"),
    [
        ("entry_verify", {}, "تأیید گزارش", "بله، تأیید شود"),
        ("entry_return", {"reason": "مستند ندارد"}, "برگشت گزارش به کارشناس", "بله، برگشت داده شود"),
    ],
)
def test_without_confirm_1_nothing_changes_and_a_confirmation_page_asks(
    official_client, seven, action, data, title, yes
):
    before = state(seven)
    response = post_review(official_client, action, seven, next="/review/", **data)
    # then nothing is written and the page asks, its form carrying confirm=1 and what was sent
    assert response.status_code == 200
    assert state(seven) == before
    html = response.content.decode()
    assert f'<h1 id="cf-h">{title}</h1>' in html
    assert f'<button type="submit" class="primary">{yes}</button>' in html and ">انصراف</a>" in html
    assert '<input type="hidden" name="confirm" value="1">' in html
    assert '<input type="hidden" name="next" value="/review/">' in html
    if "reason" in data:
        assert '<input type="hidden" name="reason" value="مستند ندارد">' in html
    # and answering yes does it
    official_client.post(reverse(f"commitments:{action}", args=[seven.pk]), {"version": 1, "confirm": "1", **data})
    assert state(seven)[0][0] == ("verified" if action == "entry_verify" else "rejected")


def test_the_same_verify_sent_twice_verifies_once(official_client, official, seven):
    first = post_review(official_client, "entry_verify", seven, confirm="1")
    second = post_review(official_client, "entry_verify", seven, confirm="1")
    assert (first.status_code, second.status_code) == (302, 302)
    assert state(seven) == (("verified", official.pk, 2), 2)
    assert "دوباره بررسی کنید" in official_client.get(second["Location"]).content.decode()


def test_buttons_ask_first_in_a_dialog(official_client, seven):
    html = official_client.get(reverse("commitments:entry", args=[seven.pk])).content.decode()
    verify = re.search(r"<form[^>]*/verify/\"[^>]*>", html).group(0)
    assert 'data-confirm="گزارش ۷٬۰۰۰ شغل تا ۱۴۰۴/۰۱/۱۲ برای «اجرای ۶ هزار شغل' in verify
    assert 'data-confirm-yes="بله، تأیید شود"' in verify
    assert html.count('<input type="hidden" name="confirm" value="">') == 2


@pytest.fixture
def verified_seven(official, seven):
    return services.progress_entry_verify(actor=official, entry=seven, version=1)


def reopen(client, entry, reason="رقم با نامهٔ بانک نمی‌خواند", **extra):
    return client.post(
        reverse("commitments:entry_reopen", args=[entry.pk]),
        {"version": entry.version, "reason": reason, "confirm": "1", **extra},
    )


def test_reopen_button_is_for_officials_on_verified_entries(client, official, staff, verified_seven):
    url = reverse("commitments:entry", args=[verified_seven.pk])
    client.force_login(official)
    assert reverse("commitments:entry_reopen", args=[verified_seven.pk]) in client.get(url).content.decode()
    client.force_login(staff)
    assert "entry_reopen" not in client.get(url).content.decode() and "/reopen/" not in client.get(url).content.decode()


def test_official_reopens_with_a_reason_and_the_commitment_history_shows_it(official_client, verified_seven, barakat):
    response = reopen(official_client, verified_seven)
    assert response.status_code == 302
    verified_seven.refresh_from_db()
    assert (verified_seven.status, verified_seven.verified_by, verified_seven.verified_at) == ("submitted", None, None)
    html = official_client.get(response["Location"]).content.decode()
    assert "بازگشایی شد" in html and 'data-testid="entry-status">ارسال شده<' in html
    history = official_client.get(reverse("commitments:detail", args=[barakat.pk])).content.decode()
    assert '<td data-label="چرا">بازگشایی: رقم با نامهٔ بانک نمی‌خواند</td>' in history


def test_a_reopened_entry_leaves_the_cached_dashboard_at_once(official_client, verified_seven):
    def realised_new() -> str:
        html = official_client.get(reverse("reports:dashboard")).content.decode()
        return re.search(r'data-testid="new-jobs">([^<]+)<', html).group(1)

    assert realised_new() == "۷٬۰۰۰"
    assert realised_new() == "۷٬۰۰۰"  # now from the cache
    reopen(official_client, verified_seven)
    assert realised_new() == "۰"


def test_reopen_without_a_reason_is_a_persian_error_and_changes_nothing(official_client, verified_seven):
    before = state(verified_seven)
    response = reopen(official_client, verified_seven, reason="  ")
    assert response.status_code == 302
    assert state(verified_seven) == before
    assert "دلیل بازگشایی را بنویسید" in official_client.get(response["Location"]).content.decode()


def test_reopen_without_confirm_1_asks_and_changes_nothing(official_client, verified_seven):
    before = state(verified_seven)
    response = reopen(official_client, verified_seven, confirm="")
    assert response.status_code == 200 and state(verified_seven) == before
    assert '<button type="submit" class="primary">بله، بازگشایی شود</button>' in response.content.decode()


@pytest.mark.parametrize(("who", "expected"), [("staff", 403), ("other_staff", 403), ("anonymous", 302)])
def test_only_officials_may_reopen(client, request, verified_seven, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    before = state(verified_seven)
    response = reopen(client, verified_seven)
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert state(verified_seven) == before


def test_the_baseline_cannot_be_reopened_on_the_site(official_client, admin_user, commitment):
    baseline = services.progress_entry_create_baseline(
        actor=admin_user,
        commitment=f.CommitmentFactory(instrument="baseline", status="completed", jobs_target=None),
        period_end=datetime.date(2024, 6, 20),
        jobs_created=14_000,
        note="",
    )
    page = official_client.get(reverse("commitments:entry", args=[baseline.pk])).content.decode()
    assert "/reopen/" not in page
    before = state(baseline)
    response = reopen(official_client, baseline)
    assert response.status_code == 302 and state(baseline) == before
    assert "رقم پایه (شغل پایه) در سایت بازگشایی نمی‌شود" in official_client.get(response["Location"]).content.decode()
