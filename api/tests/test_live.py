"""The partner API through a real HTTP server (live_server) with `requests`, as a bank's
system would call it: the issue's «Done when», one test each."""

from __future__ import annotations

import datetime

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import token_hash
from commitments.figures import commitment_figures
from commitments.models import Commitment, ProgressEntry
from core import persian
from registry.models import HomeBusiness
from reports.figures import dashboard_figures

from .conftest import row_counts

TIMEOUT = 20


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def post(live_server, path, token, body, **headers):
    return requests.post(
        f"{live_server.url}/api/v1/{path}", json=body, headers={**bearer(token), **headers}, timeout=TIMEOUT
    )


def get(live_server, path, token, **params):
    return requests.get(f"{live_server.url}/api/v1/{path}", params=params, headers=bearer(token), timeout=TIMEOUT)


def entry_body(commitment, **extra):
    return {"commitment": commitment.pk, "period_end": "۱۴۰۵/۰۸/۲۰", "jobs_created": 47, **extra}


@pytest.fixture(autouse=True)
def _today_after_the_dates(monkeypatch):
    # The entries below end on 20 Aban 1405; «پایان دوره نمی‌تواند در آینده باشد» holds them
    # to today, which the test fixes after it whatever the real date.
    monkeypatch.setattr(persian, "local_today", lambda: datetime.date(2026, 12, 1))


def test_resalat_entry_is_reviewed_on_the_site_and_then_counts_everywhere(live_server, live_province):
    p = live_province
    before_dashboard = dashboard_figures(Commitment.objects.all())["new_jobs"]

    answer = post(live_server, "progress-entries/", p.tokens["resalat"], entry_body(p.resalat_mou, county=p.county.pk))

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "submitted"
    assert body["period_end"] == "2026-11-11"
    assert body["period_end_jalali"] == "1405/08/20"
    entry = ProgressEntry.objects.get(pk=body["id"])
    assert (entry.commitment, entry.jobs_created, entry.county) == (p.resalat_mou, 47, p.county)
    # The history says who: the organisation's token, not a person and not nobody.
    record = entry.history.get()
    assert record.history_user.get_full_name() == "توکن API — بانک رسالت"
    assert record.history_change_reason == "ثبت گزارش پیشرفت"
    # Not a figure until an official verifies it.
    assert dashboard_figures(Commitment.objects.all())["new_jobs"] == before_dashboard

    site = Client()
    site.force_login(p.official)
    queue = site.get(reverse("commitments:review_queue"))
    assert reverse("commitments:entry", args=[entry.pk]) in queue.content.decode()
    assert "توکن API — بانک رسالت" in queue.content.decode()
    verified = site.post(
        reverse("commitments:entry_verify", args=[entry.pk]), {"version": entry.version, "confirm": "1"}
    )
    assert verified.status_code == 302
    entry.refresh_from_db()
    assert entry.status == ProgressEntry.Status.VERIFIED

    # In every figure: the dashboard's «شغل تازه», the commitment's ladder, the API's own.
    assert dashboard_figures(Commitment.objects.all())["new_jobs"] == before_dashboard + 47
    ladder = {fig.commitment.pk: fig for fig in commitment_figures(Commitment.objects.all())}
    assert ladder[p.resalat_mou.pk].realised == 47
    listed = {c["id"]: c for c in get(live_server, "commitments/", p.tokens["resalat"]).json()["results"]}
    assert listed[p.resalat_mou.pk]["figures"]["realised"] == {"label": "تحقق‌یافته", "value": 47}
    assert listed[p.resalat_mou.pk]["figures"]["remaining"]["value"] == 30_000 - 47
    entries = get(live_server, "progress-entries/", p.tokens["resalat"], commitment=p.resalat_mou.pk).json()
    assert [(e["id"], e["status"]) for e in entries["results"]] == [(entry.pk, "verified")]


def test_barakat_posts_on_its_tranche_only(live_server, live_province):
    p = live_province
    token = p.tokens["barakat"]

    listed = get(live_server, "commitments/", token).json()
    assert [c["id"] for c in listed["results"]] == [p.barakat_tranche.pk]

    on_tranche = post(live_server, "progress-entries/", token, entry_body(p.barakat_tranche, jobs_created=12))
    assert on_tranche.status_code == 201, on_tranche.text
    before = row_counts()
    for other in (p.resalat_mou, p.resalat_pledge, p.gohar_mou):
        refused = post(live_server, "progress-entries/", token, entry_body(other))
        assert refused.status_code == 404, other
        assert refused.json()["detail"] == "تعهد پیدا نشد."
    assert row_counts() == before
    assert ProgressEntry.objects.filter(entered_by__username__startswith="api-org-").count() == 1


def test_gohar_zamin_sees_none_of_resalats_commitments(live_server, live_province):
    p = live_province
    token = p.tokens["gohar"]
    business = HomeBusiness.objects.create(
        commitment=p.resalat_mou,
        reference_code="RS-1",
        county=p.county,
        sector=p.sector,
        started_on=datetime.date(2026, 1, 1),
    )
    post(live_server, "progress-entries/", p.tokens["resalat"], entry_body(p.resalat_mou))
    before = row_counts()

    commitments = get(live_server, "commitments/", token).json()
    assert [c["id"] for c in commitments["results"]] == [p.gohar_mou.pk]
    assert get(live_server, "progress-entries/", token).json()["count"] == 0
    assert get(live_server, "progress-entries/", token, commitment=p.resalat_mou.pk).json()["count"] == 0
    assert get(live_server, "businesses/", token).json()["count"] == 0
    check = post(
        live_server,
        "continuity-checks/",
        token,
        {"business": business.pk, "checked_on": "1405/08/01", "status": "active"},
    )
    assert check.status_code == 404
    entry = post(live_server, "progress-entries/", token, entry_body(p.resalat_mou))
    assert entry.status_code == 404
    # Its own MoU is only «آماده امضا»: visible, and refused with the site's words.
    own = post(live_server, "progress-entries/", token, entry_body(p.gohar_mou))
    assert own.status_code == 400
    assert "آماده امضا" in own.json()["errors"]["non_field_errors"][0]
    assert row_counts() == before


def test_missing_wrong_expired_and_revoked_tokens(live_server, live_province):
    p = live_province
    expired = ApiToken.objects.get(token_hash=token_hash(p.tokens["barakat"]))
    expired.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    expired.save()
    revoked = ApiToken.objects.get(token_hash=token_hash(p.tokens["gohar"]))
    revoked.revoked_at = timezone.now()
    revoked.save()
    url = f"{live_server.url}/api/v1/progress-entries/"
    body = entry_body(p.resalat_mou)
    before = row_counts()

    cases = [
        ({}, 401, "فرستاده نشده"),
        (bearer("not-a-token-anybody-made"), 401, "شناخته نیست"),
        ({"Authorization": f"Token {p.tokens['resalat']}"}, 401, "Bearer"),
        (bearer(p.tokens["barakat"]), 403, "اعتبار این توکن"),
        (bearer(p.tokens["gohar"]), 403, "باطل شده"),
    ]
    for headers, status, words in cases:
        for answer in (
            requests.post(url, json=body, headers=headers, timeout=TIMEOUT),
            requests.get(url, headers=headers, timeout=TIMEOUT),
        ):
            assert answer.status_code == status, (headers, answer.text)
            assert words in answer.json()["detail"]
    assert row_counts() == before
    assert ApiToken.objects.get(pk=revoked.pk).last_used_at is None


def test_one_idempotency_key_writes_once(live_server, live_province):
    p = live_province
    body = entry_body(p.resalat_mou)
    key = {"Idempotency-Key": "3f1c2a9e-entry-1405-08"}

    first = post(live_server, "progress-entries/", p.tokens["resalat"], body, **key)
    after_first = row_counts()
    again = post(live_server, "progress-entries/", p.tokens["resalat"], body, **key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert row_counts() == after_first
    assert ProgressEntry.objects.filter(commitment=p.resalat_mou, is_baseline=False).count() == 1

    # The same key for another body is a client's mistake, and writes nothing.
    other = post(live_server, "progress-entries/", p.tokens["resalat"], {**body, "jobs_created": 48}, **key)
    assert other.status_code == 422
    assert "پیش‌تر برای درخواست دیگری" in other.json()["detail"]
    # Another organisation's token has keys of its own.
    barakat = post(live_server, "progress-entries/", p.tokens["barakat"], entry_body(p.barakat_tranche), **key)
    assert barakat.status_code == 201
    assert row_counts()["entries"] == after_first["entries"] + 1


def test_a_batch_with_one_bad_row_writes_nothing_and_names_the_row(live_server, live_province):
    p = live_province

    def row(code, **extra):
        return {
            "reference_code": code,
            "commitment": p.barakat_tranche.pk,
            "county": p.county.pk,
            "sector": "صنایع دستی",
            "started_on": "1404/11/05",
            **extra,
        }

    before = row_counts()
    bad = post(
        live_server,
        "businesses/",
        p.tokens["barakat"],
        {"businesses": [row("BK-1"), row("BK-2", started_on="1404/13/01"), row("BK-3", jobs=2)]},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"row": 2, "field": "started_on", "message": "ماه ۱۳ وجود ندارد؛ ماه باید بین ۱ و ۱۲ باشد."}
    ]
    assert "هیچ کسب‌وکاری ثبت نشد" in bad.json()["detail"]
    assert row_counts() == before

    good = post(
        live_server,
        "businesses/",
        p.tokens["barakat"],
        {"businesses": [row("BK-1"), row("BK-2", started_on="2026-01-25"), row("BK-3", jobs=2)]},
    )
    assert good.status_code == 201, good.text
    assert good.json()["created"] == 3
    record = HomeBusiness.history.filter(reference_code="BK-3").get()
    assert record.history_user.get_full_name() == "توکن API — بنیاد برکت"

    listed = get(live_server, "businesses/", p.tokens["barakat"], page_size=2).json()
    assert listed["count"] == 3 and len(listed["results"]) == 2 and listed["next"]
    only = get(live_server, "businesses/", p.tokens["barakat"], code="bk-2").json()
    assert [(b["reference_code"], b["started_on"], b["started_on_jalali"]) for b in only["results"]] == [
        ("BK-2", "2026-01-25", "1404/11/05")
    ]
    assert get(live_server, "businesses/", p.tokens["resalat"]).json()["count"] == 3  # its tranche's businesses


def test_continuity_check_sets_the_business_status(live_server, live_province):
    p = live_province
    business = HomeBusiness.objects.create(
        commitment=p.barakat_tranche,
        reference_code="BK-9",
        county=p.county,
        sector=p.sector,
        started_on=datetime.date(2026, 1, 1),
    )
    answer = post(
        live_server,
        "continuity-checks/",
        p.tokens["barakat"],
        {"business": business.pk, "checked_on": "۱۴۰۵/۰۸/۰۱", "status": "semi_closed", "reason": "marketing"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["business_status"] == "semi_closed"
    business.refresh_from_db()
    assert business.status == HomeBusiness.Status.SEMI_CLOSED
    assert business.checks.get().checked_by.get_full_name() == "توکن API — بنیاد برکت"


def test_throttled_per_token(live_server, live_province, settings):
    settings.API_RATE = "3/minute"
    p = live_province
    statuses = [get(live_server, "commitments/", p.tokens["resalat"]).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = get(live_server, "commitments/", p.tokens["resalat"])
    assert "بیش از حد مجاز" in throttled.json()["detail"]
    # Another organisation's token is counted apart.
    assert get(live_server, "commitments/", p.tokens["barakat"]).status_code == 200


def test_two_requests_at_once_with_one_key_write_once(live_server, live_province):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need PostgreSQL (SQLite serialises them)")
    p = live_province
    key = {"Idempotency-Key": "race-1405"}
    before = row_counts()
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda _: post(live_server, "progress-entries/", p.tokens["resalat"], entry_body(p.resalat_mou), **key),
                range(4),
            )
        )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert row_counts()["entries"] == before["entries"] + 1


def test_the_example_client_runs(live_server, live_province):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "docs" / "api-client.py"
    run = subprocess.run(
        [sys.executable, str(script), "--url", live_server.url, "--token", live_province.tokens["resalat"]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "entry: 201" in run.stdout
    assert "same key again: 201 replayed" in run.stdout
    assert "batch: 201 {'created': 2" in run.stdout
    assert "check: 201" in run.stdout
    assert "refused: 400" in run.stdout
    assert ProgressEntry.objects.filter(entered_by__first_name="توکن API — بانک رسالت").count() == 1
