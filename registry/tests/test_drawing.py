"""registry.drawing writes the worklist's list of commitments owing a report in Python: the
same HTML, byte for byte, as the template section it replaced (held here)."""

import datetime

import pytest
from django.template import engines
from django.template.loader import render_to_string

from commitments.figures import ReportingPeriod
from commitments.models import Commitment
from registry import drawing

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
