"""commitments.drawing writes the review queue's cards in Python: the same HTML, byte for
byte, as the template loop and includes it replaced (held here), over every branch a card
can take: one's own entry (no forms), over target, a tranche's parent, a note over lines,
evidence, no county or sector, a name or only a username."""

import datetime
import re

import pytest
from django.template import engines
from django.urls import reverse

from commitments import services
from commitments.models import ProgressEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

# templates/commitments/review_queue.html's loop before its cards were drawn in Python.
OLD_LOOP = (
    "{% load commitments_ui %}"
    "{% for card in cards %}{% with e=card.entry %}\n"
    '<article class="card review-item{% if card.flags %} is-over{% endif %}">\n'
    '  <h2><a href="{% url \'commitments:entry\' e.pk %}">{{ e.jobs_created|fa_number }} شغل تا {{ e.period_end|jdate }}</a>{% if card.flags %} <span class="flag-badge">بیش از هدف</span>{% endif %}</h2>\n'
    '  <p><a href="{% url \'commitments:detail\' e.commitment.pk %}">{{ e.commitment.title }}</a> <small class="muted">— {{ e.commitment.organization }}</small></p>\n'
    '  {% include "commitments/_over_target.html" with flags=card.flags %}\n'
    "  {% review_context card.review %}\n"
    '  <dl class="facts">\n'
    '    <div><dt>شهرستان / رسته</dt><dd>{{ e.county|default:"—" }} / {{ e.sector|default:"—" }}</dd></div>\n'
    "    <div><dt>اعتبار پرداخت\u200cشده</dt><dd>{{ e.credit_paid|fa_number }} ریال</dd></div>\n"
    "    <div><dt>ثبت\u200cکننده</dt><dd>{{ e.entered_by.get_full_name|default:e.entered_by.username }} — {{ e.created_at|jdatetime }}</dd></div>\n"
    "    <div><dt>مستند</dt><dd>{% if e.evidence %}<a href=\"{% url 'commitments:entry_evidence' e.pk %}\">دریافت</a>{% else %}—{% endif %}</dd></div>\n"
    '    {% if e.note %}<div class="wide"><dt>توضیح</dt><dd>{{ e.note|linebreaksbr }}</dd></div>{% endif %}\n'
    "  </dl>\n"
    '  {% include "commitments/_review_forms.html" with entry=e actions=card.actions may_review=card.may_review next=request.path verify_label="تأیید" %}\n'
    "</article>\n"
    "{% endwith %}{% empty %}\n"
    '<p class="card empty">گزارشی در انتظار بررسی نیست.</p>\n'
    "{% endfor %}"
)
HOSTILE = "کارگاه <b>\"فرش\"</b> & 'دستباف'"


def _csrf_free(html: str) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", html)


def test_review_cards_are_the_template_loop_byte_for_byte(client, commitment, barakat, staff):
    reviewer = f.make_official("official_reporter")
    reviewer.groups.add(*f.make_staff("someone_else").groups.all())
    commitment.reporters.add(reviewer)
    barakat.reporters.add(staff)
    staff.first_name, staff.last_name = "زهرا", "<کرمانی>"
    staff.save()
    county, sector = f.CountyFactory(), f.SectorFactory()
    day = datetime.date(2025, 4, 1)
    services.progress_entry_create(
        actor=reviewer, commitment=commitment, period_end=day, jobs_created=40, note=HOSTILE + "\nخط دوم"
    )
    over = services.progress_entry_create(
        actor=staff,
        commitment=barakat,
        period_end=day,
        jobs_created=7_000,
        county=county,
        sector=sector,
        credit_paid=1_250_000,
    )
    ProgressEntry.objects.filter(pk=over.pk).update(evidence="evidence/x.pdf")
    services.progress_entry_create(actor=staff, commitment=barakat, period_end=day, jobs_created=3)

    client.force_login(reviewer)
    response = client.get(reverse("commitments:review_queue"))
    page = response.content.decode()
    cards = response.context["cards"]
    old = engines["django"].from_string(OLD_LOOP).render({"cards": cards}, request=response.wsgi_request)
    assert len(cards) == 3
    assert _csrf_free(old) in _csrf_free(page)
    # every branch drawn: self-review, over target, evidence, a note over lines, a tranche's parent
    for text in ('data-testid="self-review"', "is-over", "دریافت", "<br>", "تعهد مادر", "&lt;کرمانی&gt;"):
        assert text in page
    assert page.count('class="review-actions"') == 2 and "&lt;b&gt;" in page and "<b>" not in page
