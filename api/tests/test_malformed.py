"""Malformed requests, each through the real HTTP server: a 4xx, a Persian message (every
message in the answer, not only the headline), JSON, and no row written anywhere."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import requests

from core import persian
from registry.models import HomeBusiness

from .conftest import row_counts

PERSIAN = re.compile(r"[\u0600-\u06ff]")
TIMEOUT = 30


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setattr(persian, "local_today", lambda: datetime.date(2026, 12, 1))


def _messages(value) -> list[str]:
    if isinstance(value, dict) and "message" in value:  # a batch's row error: {row, field, message}
        return [value["message"]]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    if isinstance(value, list):
        return [m for v in value for m in _messages(v)]
    return [value] if isinstance(value, str) else []


def cases(p, business):
    """(name, method, path, body or raw bytes, extra headers, expected status)."""
    c = p.resalat_mou.pk
    entry = {"commitment": c, "period_end": "1405/08/20", "jobs_created": 5}

    def e(**changes):
        body = {**entry, **changes}
        return {k: v for k, v in body.items() if v is not ...}

    def row(**changes):
        base = {"reference_code": "MX-1", "commitment": c, "county": p.county.pk, "sector": p.sector.pk}
        return {**base, "started_on": "1404/01/10", **changes}

    check = {"business": business.pk, "checked_on": "1405/08/01", "status": "active"}
    json_ct = {"Content-Type": "application/json"}
    return [
        ("jobs as words", "post", "progress-entries/", e(jobs_created="abc"), {}, 400),
        ("jobs as true", "post", "progress-entries/", e(jobs_created=True), {}, 400),
        ("jobs as a fraction", "post", "progress-entries/", e(jobs_created=12.5), {}, 400),
        ("negative jobs", "post", "progress-entries/", e(jobs_created=-5), {}, 400),
        ("zero jobs", "post", "progress-entries/", e(jobs_created=0), {}, 400),
        ("huge jobs", "post", "progress-entries/", e(jobs_created=10**30), {}, 400),
        ("huge jobs in Persian digits", "post", "progress-entries/", e(jobs_created="۱" * 25), {}, 400),
        ("credit past bigint", "post", "progress-entries/", e(credit_paid=10**20), {}, 400),
        ("negative credit", "post", "progress-entries/", e(credit_paid=-1), {}, 400),
        ("commitment as words", "post", "progress-entries/", e(commitment="تعهد"), {}, 400),
        ("commitment null", "post", "progress-entries/", e(commitment=None), {}, 400),
        ("commitment as a list", "post", "progress-entries/", e(commitment=[c]), {}, 400),
        ("commitment missing", "post", "progress-entries/", e(commitment=...), {}, 400),
        ("commitment nobody has", "post", "progress-entries/", e(commitment=987654321), {}, 404),
        ("Gregorian with slashes", "post", "progress-entries/", e(period_end="2026/11/11"), {}, 400),
        ("Jalali month 13", "post", "progress-entries/", e(period_end="1405/13/01"), {}, 400),
        ("30 Esfand of a common year", "post", "progress-entries/", e(period_end="1404/12/30"), {}, 400),
        ("date without separators", "post", "progress-entries/", e(period_end="20261111"), {}, 400),
        ("date as a number", "post", "progress-entries/", e(period_end=14050820), {}, 400),
        ("ISO date out of range", "post", "progress-entries/", e(period_end="1899-01-01"), {}, 400),
        ("ISO date that does not exist", "post", "progress-entries/", e(period_end="2026-02-30"), {}, 400),
        ("Jalali written ISO-style, month 13", "post", "progress-entries/", e(period_end="1405-13-01"), {}, 400),
        ("period in the future", "post", "progress-entries/", e(period_end="1406/01/01"), {}, 400),
        ("unknown field", "post", "progress-entries/", e(jobs_creatd=5), {}, 400),
        ("note too long", "post", "progress-entries/", e(note="ی" * 4001), {}, 400),
        ("note as a number", "post", "progress-entries/", e(note=12), {}, 400),
        ("county nobody has", "post", "progress-entries/", e(county=99999), {}, 400),
        ("body is a list", "post", "progress-entries/", [entry], {}, 400),
        ("body is a string", "post", "progress-entries/", "سلام", {}, 400),
        ("broken JSON", "post", "progress-entries/", b'{"commitment": ', json_ct, 400),
        ("NaN", "post", "progress-entries/", b'{"commitment": 1, "jobs_created": NaN}', json_ct, 400),
        ("a 5,000-digit number", "post", "progress-entries/", b'{"jobs_created": ' + b"9" * 5000 + b"}", json_ct, 400),
        ("deep nesting", "post", "progress-entries/", b"[" * 100_000 + b"]" * 100_000, json_ct, 400),
        ("not UTF-8", "post", "progress-entries/", '{"note": "سلام"}'.encode("utf-16"), json_ct, 400),
        ("text/plain", "post", "progress-entries/", json.dumps(entry).encode(), {"Content-Type": "text/plain"}, 415),
        (
            "a form",
            "post",
            "progress-entries/",
            b"commitment=1&jobs_created=5",
            {"Content-Type": "application/x-www-form-urlencoded"},
            415,
        ),
        ("oversize body", "post", "progress-entries/", e(note="x" * (2 * 1024 * 1024)), {}, 413),
        ("Idempotency-Key too long", "post", "progress-entries/", entry, {"Idempotency-Key": "k" * 200}, 422),
        ("batch not under businesses", "post", "businesses/", {"rows": [row()]}, {}, 400),
        (
            "batch too long",
            "post",
            "businesses/",
            {"businesses": [row(reference_code=f"MX-{i}") for i in range(1001)]},
            {},
            413,
        ),
        ("batch row with true", "post", "businesses/", {"businesses": [row(jobs=True)]}, {}, 400),
        ("batch row not an object", "post", "businesses/", {"businesses": [row(), "MX-2"]}, {}, 400),
        ("batch row unknown field", "post", "businesses/", {"businesses": [row(phone="0913")]}, {}, 400),
        ("batch empty", "post", "businesses/", {"businesses": []}, {}, 400),
        ("batch code twice", "post", "businesses/", {"businesses": [row(), row()]}, {}, 400),
        (
            "batch Gregorian date with slashes",
            "post",
            "businesses/",
            {"businesses": [row(started_on="2025/03/01")]},
            {},
            400,
        ),
        (
            "batch on another's commitment",
            "post",
            "businesses/",
            {"businesses": [row(commitment=p.gohar_mou.pk)]},
            {},
            400,
        ),
        ("check with an unknown status", "post", "continuity-checks/", {**check, "status": "open"}, {}, 400),
        (
            "check semi-closed without a reason",
            "post",
            "continuity-checks/",
            {**check, "status": "semi_closed"},
            {},
            400,
        ),
        ("check of business «x»", "post", "continuity-checks/", {**check, "business": "x"}, {}, 400),
        (
            "check before the business started",
            "post",
            "continuity-checks/",
            {**check, "checked_on": "1390/01/01"},
            {},
            400,
        ),
        ("PUT", "put", "progress-entries/", entry, {}, 405),
        ("HTML wanted", "get", "progress-entries/", None, {"Accept": "text/html"}, 406),
        ("page past the end", "get", "progress-entries/?page=999", None, {}, 404),
        ("unknown status filter", "get", "businesses/?status=open", None, {}, 400),
        ("impossible date filter", "get", "progress-entries/?period_from=1405/13/01", None, {}, 400),
    ]


def test_malformed_requests_get_a_persian_4xx_and_change_nothing(live_server, live_province):
    p = live_province
    business = HomeBusiness.objects.create(
        commitment=p.resalat_mou,
        reference_code="RS-77",
        county=p.county,
        sector=p.sector,
        started_on=datetime.date(2025, 1, 1),
    )
    all_cases = cases(p, business)
    assert len(all_cases) >= 30
    before = row_counts()
    failures = []
    for name, method, path, body, headers, status in all_cases:
        send = {"headers": {"Authorization": f"Bearer {p.tokens['resalat']}", **headers}, "timeout": TIMEOUT}
        if isinstance(body, bytes):
            send["data"] = body
        elif body is not None:
            send["json"] = body
        answer = requests.request(method, f"{live_server.url}/api/v1/{path}", **send)
        try:
            data = answer.json()
        except ValueError:
            failures.append(f"{name}: not JSON ({answer.status_code}) {answer.text[:200]}")
            continue
        messages = [data.get("detail", ""), *_messages(data.get("errors", {}))]
        if answer.status_code != status:
            failures.append(f"{name}: {answer.status_code} instead of {status}: {data}")
        elif not all(PERSIAN.search(m) for m in messages if m):
            failures.append(f"{name}: a message is not Persian: {data}")
        elif not data.get("detail"):
            failures.append(f"{name}: no detail: {data}")
    assert failures == [], "\n".join(failures)
    assert row_counts() == before
