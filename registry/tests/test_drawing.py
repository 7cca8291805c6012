"""registry.drawing writes the worklist's list of commitments owing a report in Python: the
same HTML, byte for byte, as the template section it replaced (held here)."""

import datetime

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse

from commitments.figures import ReportingPeriod
from commitments.models import Commitment
from core import persian
from registry import drawing, survival
from registry.views import WORKLIST_MONTHS
from tests import factories as f

# templates/registry/worklist.html's «نیازمند گزارش» section before its rows were drawn in Python.
OWING = (
    "{% if owing_rows %}\n"
    '<section class="card callout" aria-labelledby="owing-h" data-testid="owing-reports">\n'
    '  <h2 id="owing-h">{% figure "needs_report" %}</h2>\n'
    '  <ul class="action-list">\n'
    "    {% for c, period in owing_rows %}\n"
    '    <li><span>{{ c.title }} <small class="muted">— گزارش دورهٔ {{ period.start|jdate }} تا {{ period.end|jdate }}</small></span>\n'
    '      <a class="button primary" href="{% url \'commitments:entry_create\' c.pk %}">ثبت پیشرفت</a></li>\n'
    "    {% endfor %}\n"
    "  </ul>\n"
    "</section>\n"
    "{% endif %}\n"
)
HOSTILE = "کارگاه <b>\"فرش\"</b> & 'دستباف'"


@pytest.mark.django_db
def test_owing_rows_are_the_template_loop_byte_for_byte():
    rows = [
        (Commitment(pk=7, title=HOSTILE), ReportingPeriod(datetime.date(2026, 3, 21), datetime.date(2026, 6, 21))),
        (
            Commitment(pk=12345, title="تعهد ۲"),
            ReportingPeriod(datetime.date(2025, 12, 22), datetime.date(2026, 3, 20)),
        ),
    ]
    old = engines["django"].from_string(OWING).render({"owing_rows": rows})
    new = render_to_string("registry/_owing.html", {"rows": drawing.owing_rows(rows)})
    assert new + "\n" == old  # the worklist writes the newline after {{ owing_html }}, as after the old section
    assert engines["django"].from_string(OWING).render({"owing_rows": []}) == "\n"  # none: nothing drawn
    assert "&lt;b&gt;" in new and "/commitments/12345/" in new


# templates/registry/list.html's and worklist.html's row loops before the rows were drawn in Python.
LIST_LOOP = (
    "  {% for b in page.object_list %}\n"
    "  <tr>\n"
    '    <td data-label=""><a href="{% url \'registry:detail\' b.pk %}"><bdi>{{ b.reference_code|fa_digits }}</bdi></a></td>\n'
    '    <td data-label="تعهد">{{ b.commitment.title }}</td>\n'
    '    <td data-label="شهرستان">{{ b.county.name }}</td>\n'
    '    <td data-label="رسته">{{ b.sector.name }}</td>\n'
    '    <td data-label="تاریخ شروع" class="hb-num">{{ b.started_on|jdate }}</td>\n'
    '    <td data-label="شغل" class="hb-num">{{ b.jobs|fa_number }}</td>\n'
    '    <td data-label="تسهیلات (ریال)" class="hb-num">{{ b.loan_amount|fa_number }}</td>\n'
    "    {# One span: on a phone the stacked cell keeps the status and «تکراری» side by side. #}\n"
    '    <td data-label="وضعیت"><span>{% include "registry/_status.html" with status=b.status label=b.get_status_display %}{% if b.is_duplicate %} {% include "registry/_duplicate.html" with counted=b.is_counted %}{% endif %}</span></td>\n'
    "  </tr>\n"
    "  {% endfor %}"
)
WORKLIST_LOOP = (
    "  {% for b in page.object_list %}\n"
    "  <tr>\n"
    '    <td data-label=""><a href="{% url \'registry:detail\' b.pk %}"><bdi>{{ b.reference_code|fa_digits }}</bdi></a></td>\n'
    '    <td data-label="تعهد">{{ b.commitment.title }}</td>\n'
    '    <td data-label="شهرستان">{{ b.county.name }}</td>\n'
    '    <td data-label="رسته">{{ b.sector.name }}</td>\n'
    '    <td data-label="تاریخ شروع" class="hb-num">{{ b.started_on|jdate }}</td>\n'
    '    <td data-label="آخرین پایش" class="hb-num">{% if b.last_checked %}{{ b.last_checked|jdate }}{% else %}هرگز{% endif %}</td>\n'
    '    <td data-label="وضعیت">{% include "registry/_status.html" with status=b.status label=b.get_status_display %}</td>\n'
    "  </tr>\n"
    "  {% endfor %}"
)


def _drawn_rows(html: str) -> str:
    return html[html.index("<tbody>\n") + len("<tbody>\n") : html.index("\n  </tbody>")]


def test_business_rows_are_the_template_loop_byte_for_byte(client, official, commitment, other_commitment):
    commitment.title = HOSTILE
    commitment.save()
    county, sector = f.CountyFactory(name="کرمان <شهر>"), f.SectorFactory(name="صنایع دستی")
    code = "0012345679"
    f.HomeBusinessFactory(
        commitment=commitment,
        reference_code="MINE-1",
        county=county,
        sector=sector,
        started_on=datetime.date(2024, 3, 29),
        owner_national_code=code,
        status="active",
        jobs=3,
        loan_amount=1_500_000_000,
    )
    f.HomeBusinessFactory(
        commitment=other_commitment,
        reference_code="THEIRS-1",
        county=county,
        sector=sector,
        started_on=datetime.date(2024, 5, 21),
        owner_national_code=code,
        status="semi_closed",
    )
    f.HomeBusinessFactory(commitment=commitment, reference_code="ALONE-12", county=county, sector=sector)
    client.force_login(official)
    response = client.get(reverse("registry:list"))
    page = response.content.decode()
    old = engines["django"].from_string(LIST_LOOP).render({"page": response.context["page"]})
    assert _drawn_rows(page) == old
    assert page.count('<span class="hb-duplicate"') == 2 and "&lt;شهر&gt;" in page and "&lt;b&gt;" in page
    counted = {b.is_counted for b in response.context["page"].object_list if b.is_duplicate}
    assert counted == {True, False}  # both titles of «تکراری» drawn


def test_worklist_rows_are_the_template_loop_byte_for_byte(client, staff, commitment):
    since = survival.add_jalali_months(persian.local_today(), -WORKLIST_MONTHS)
    never = f.HomeBusinessFactory(commitment=commitment, reference_code="NEVER-1", started_on=since)
    checked = f.HomeBusinessFactory(commitment=commitment, reference_code="OLD-1", started_on=since, status="active")
    f.ContinuityCheckFactory(business=checked, checked_on=since - datetime.timedelta(days=3))
    client.force_login(staff)
    response = client.get(reverse("registry:worklist"))
    page = response.content.decode()
    listed = list(response.context["page"].object_list)
    assert {b.reference_code for b in listed} == {never.reference_code, checked.reference_code}
    old = engines["django"].from_string(WORKLIST_LOOP).render({"page": response.context["page"]})
    assert _drawn_rows(page) == old
    assert "هرگز" in old and old.count("hb-status-") == 2
