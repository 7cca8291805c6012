"""Forms as a person meets them: every value they see in Persian digits with separators,
whatever script they type in, and answered in Persian by the server (never by a browser's
English bubble). An edit form opened on an existing entry, business or check and sent back
as it was changes nothing: no history row, no new version, the same values."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from commitments.models import ProgressEntry
from core import persian
from registry.models import ContinuityCheck, HomeBusiness

from . import factories as f

pytestmark = pytest.mark.django_db

LATIN_DIGIT = re.compile(r"[0-9]")
# Inputs a person never sees or types: the CSRF token, one-time tokens, versions and formset counters.
HIDDEN = re.compile(
    r"csrfmiddlewaretoken|submission_token|version|TOTAL_FORMS|INITIAL_FORMS|MIN_NUM|MAX_NUM|-id$|-business$"
)


class FormReader(HTMLParser):
    """The fields of the form that holds `marker` (a field name), as a browser would send them."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker, self.forms, self.current = marker, [], None
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {"attrs": a, "fields": [], "shown": []}
            self.forms.append(self.current)
        if self.current is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file") or (kind == "checkbox" and "checked" not in a):
                return
            self.current["fields"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
            if kind != "hidden":
                self.current["shown"].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.current["fields"].append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.current["fields"].append((self.textarea, ""))

    def handle_data(self, data):
        if self.textarea and self.current:
            name, value = self.current["fields"][-1]
            self.current["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None

    def form(self) -> dict:
        for form in self.forms:
            if any(name == self.marker for name, _ in form["fields"]):
                return form
        raise AssertionError(f"no form with a field {self.marker}")


def read_form(html: str, marker: str) -> dict:
    reader = FormReader(marker)
    reader.feed(html)
    form = reader.form()
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value.removeprefix("\n") if name == marker else value)
    return {"attrs": form["attrs"], "data": data, "shown": form["shown"]}


def shown_latin(form: dict) -> list[tuple[str, str]]:
    return [(n, v) for n, v in form["shown"] if not HIDDEN.search(n) and LATIN_DIGIT.search(v)]


@pytest.fixture
def entry(staff, commitment):
    county = f.CountyFactory(name="کرمان")
    return f.ProgressEntryFactory(
        commitment=commitment,
        entered_by=staff,
        period_end=persian.make_jalali_date(1405, 8, 30),
        jobs_created=1_200,
        credit_paid=12_500_000_000,
        county=county,
        note="یادداشت",
    )


@pytest.fixture
def business(commitment):
    b = f.HomeBusinessFactory(
        commitment=commitment,
        reference_code="RS-1404-00125",
        started_on=persian.make_jalali_date(1404, 1, 10),
        jobs=12,
        loan_amount=12_500_000_000,
        status="semi_closed",
    )
    f.ContinuityCheckFactory(
        business=b, checked_on=persian.make_jalali_date(1404, 7, 1), status="semi_closed", reason="marketing"
    )
    return b


def snapshot(obj) -> tuple:
    obj.refresh_from_db()
    fields = [f.attname for f in obj._meta.concrete_fields]
    return tuple(getattr(obj, name) for name in fields), obj.history.count()


def test_entry_edit_form_shows_persian_digits_and_an_unchanged_send_changes_nothing(client, staff, entry):
    client.force_login(staff)
    url = reverse("commitments:entry", args=[entry.pk])
    form = read_form(client.get(url).content.decode(), "jobs_created")
    values = dict(form["shown"])
    assert values["period_end"] == "۱۴۰۵/۰۸/۳۰"
    assert values["jobs_created"] == "۱٬۲۰۰"
    assert values["credit_paid"] == "۱۲٬۵۰۰٬۰۰۰٬۰۰۰"
    assert not shown_latin(form)
    assert "novalidate" in form["attrs"]
    before = snapshot(entry)

    response = client.post(url, form["data"])
    assert response.status_code == 302
    assert snapshot(entry) == before
    assert "چیزی تغییر نکرده بود" in client.get(url).content.decode()

    # The same form with one figure typed anew, in Persian digits, is a change: read and saved.
    form["data"]["jobs_created"] = ["۱۲۵۰"]
    assert client.post(url, form["data"]).status_code == 302
    entry.refresh_from_db()
    assert (
        entry.jobs_created == 1_250
        and entry.version == before[0][[f.attname for f in ProgressEntry._meta.concrete_fields].index("version")] + 1
    )


def test_admin_business_form_shows_persian_digits_and_an_unchanged_save_writes_nothing(admin_client, business):
    url = reverse("admin:registry_homebusiness_change", args=[business.pk])
    form = read_form(admin_client.get(url).content.decode(), "reference_code")
    values = dict(form["shown"])
    assert values["reference_code"] == "RS-۱۴۰۴-۰۰۱۲۵"
    assert values["started_on"] == "۱۴۰۴/۰۱/۱۰"
    assert values["jobs"] == "۱۲"
    assert values["loan_amount"] == "۱۲٬۵۰۰٬۰۰۰٬۰۰۰"
    assert values["checks-0-checked_on"] == "۱۴۰۴/۰۷/۰۱"
    assert not shown_latin(form), shown_latin(form)
    check = business.checks.get()
    before = snapshot(business), snapshot(check)

    response = admin_client.post(url, form["data"])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (snapshot(business), snapshot(check)) == before


def test_admin_check_form_shows_persian_digits_and_an_unchanged_save_writes_nothing(admin_client, business):
    check = business.checks.get()
    url = reverse("admin:registry_continuitycheck_change", args=[check.pk])
    form = read_form(admin_client.get(url).content.decode(), "checked_on")
    assert dict(form["shown"])["checked_on"] == "۱۴۰۴/۰۷/۰۱"
    assert not shown_latin(form), shown_latin(form)
    before = snapshot(check)
    assert admin_client.post(url, form["data"]).status_code == 302
    assert snapshot(check) == before


def test_a_code_typed_in_persian_digits_is_stored_normalised_and_shown_in_persian(client, staff, commitment):
    client.force_login(staff)
    page = client.get(reverse("registry:create")).content.decode()
    form = read_form(page, "reference_code")
    assert "novalidate" in form["attrs"]
    county, sector = f.CountyFactory(name="بم"), f.SectorFactory(name="پوشاک")
    data = {
        **form["data"],
        "commitment": [str(commitment.pk)],
        "reference_code": ["rs-۱۴۰۴-۰۰۹۹۹"],
        "county": [str(county.pk)],
        "sector": [str(sector.pk)],
        "started_on": ["۱۴۰۴/۰۲/۰۱"],
        "jobs": ["٣"],  # Arabic-Indic
        "loan_amount": ["۵۰۰٬۰۰۰٬۰۰۰"],
    }
    response = client.post(reverse("registry:create"), data)
    assert response.status_code == 302
    business = HomeBusiness.objects.get()
    assert (business.reference_code, business.jobs, business.loan_amount) == ("RS-1404-00999", 3, 500_000_000)
    assert business.started_on == datetime.date(2025, 4, 21)
    detail = client.get(response["Location"]).content.decode()
    assert "RS-۱۴۰۴-۰۰۹۹۹" in detail and "RS-1404-00999" not in detail


def test_empty_forms_are_answered_in_persian_by_the_server(client, staff, official, entry, commitment):
    """With `novalidate` the browser sends an empty form as it is; the server names each missing field in Persian."""
    client.force_login(staff)
    # As a browser sends a form left empty: every field, each blank.
    form = read_form(client.get(reverse("registry:create")).content.decode(), "reference_code")
    blank = {name: "" if not HIDDEN.search(name) else values for name, values in form["data"].items()}
    response = client.post(reverse("registry:create"), blank)
    html = response.content.decode()
    assert response.status_code == 200 and HomeBusiness.objects.count() == 0
    errors = re.findall(r'class="hb-error">([^<]+)<', html)
    assert len(errors) >= 6, errors  # commitment, code, county, sector, start date, jobs
    assert all(not re.search(r"[A-Za-z]", e) for e in errors), errors

    url = reverse("commitments:entry_create", args=[commitment.pk])
    form = read_form(client.get(url).content.decode(), "jobs_created")
    blank = {name: "" if not HIDDEN.search(name) else values for name, values in form["data"].items()}
    response = client.post(url, blank)
    html = response.content.decode()
    assert response.status_code == 400 and ProgressEntry.objects.count() == 1
    assert "Please" not in html and "This field" not in html and "این فیلد لازم است" in html

    client.force_login(official)
    response = client.post(
        reverse("commitments:entry_return", args=[entry.pk]), {"version": entry.version, "reason": ""}, follow=True
    )
    html = response.content.decode()
    assert "دلیل برگشت را بنویسید" in html
    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert ContinuityCheck.objects.count() == 0


def test_every_site_form_is_marked_novalidate(client, staff, official, entry):
    pages = [reverse("login")]
    client.force_login(staff)
    for url in (reverse("registry:create"), reverse("registry:import"), reverse("commitments:entry", args=[entry.pk])):
        html = client.get(url).content.decode()
        forms = re.findall(r"<form\b[^>]*>", html)
        assert forms and all("novalidate" in tag for tag in forms), (url, forms)
    client.force_login(official)
    for url in (reverse("commitments:review_queue"), reverse("reports:list"), reverse("reports:dashboard"), *pages):
        forms = re.findall(r"<form\b[^>]*>", client.get(url).content.decode())
        assert forms and all("novalidate" in tag for tag in forms), (url, forms)
