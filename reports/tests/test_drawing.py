"""reports.drawing writes the dashboard's long lists in Python: the same HTML, byte for byte,
as the template loops it replaced (held here), over every branch a row can take."""

import datetime

import pytest
from django.template import engines

from commitments.figures import CommitmentFigures, ReportingPeriod
from commitments.models import Commitment
from programs.models import Organization
from reports import drawing

# templates/reports/_ladder.html's table body and templates/reports/_reportable.html
# before their rows were drawn in Python.
LADDER_LOOP = (
    "{% load commitments_ui %}<tbody>"
    '{% figure_name "target" as l_target %}{% figure_name "allocated" as l_allocated %}{% figure_name "unallocated" as l_unallocated %}{% figure_name "realised" as l_realised %}{% figure_name "commitment_percent" as l_percent %}\n'
    "    {% for f in figures %}\n"
    '    <tr class="depth-{{ f.depth }}">\n'
    '      <td data-label="تعهد"><a href="{% url \'commitments:detail\' f.commitment.pk %}">{% if f.depth %}<span class="tranche-mark" aria-hidden="true">↲</span> {% endif %}{{ f.commitment.title }}</a><br><small class="muted">{{ f.commitment.organization }}</small></td>\n'
    '      <td data-label="وضعیت"><span class="status status-{{ f.commitment.status }}">{{ f.commitment.get_status_display }}</span>{% if f.owes %}{% needs_report f.owes %}{% endif %}</td>\n'
    '      <td data-label="{{ l_target }}" class="num">{% if f.target %}{{ f.target|fa_number }}{% else %}<span class="muted">بدون رقم</span>{% endif %}</td>\n'
    '      <td data-label="{{ l_allocated }}" class="num">{% if f.tranche_ids %}{{ f.allocated|fa_number }}{% else %}—{% endif %}</td>\n'
    '      <td data-label="{{ l_unallocated }}" class="num">{% if f.target %}{{ f.unallocated|fa_number }}{% else %}—{% endif %}</td>\n'
    '      <td data-label="{{ l_realised }}" class="num">{{ f.realised|fa_number }}</td>\n'
    '      <td data-label="{{ l_percent }}">{{ f.percent|progress_svg:110 }} {% if f.percent is not None %}<span class="pct">{{ f.percent|fa_percent }}</span>{% endif %}</td>\n'
    '      <td data-label="مهلت و پیش\u200cبینی">{% if f.commitment.due_on %}{{ f.commitment.due_on|jdate }}<br>{% endif %}\n'
    '        <span class="outlook outlook-{% if f.outlook.on_track is True %}ok{% elif f.outlook.on_track is False %}late{% else %}unknown{% endif %}">{{ f.outlook.label }}</span></td>\n'
    "    </tr>\n"
    "    {% endfor %}\n"
    "    </tbody>"
)
REPORTABLE = (
    '{% load commitments_ui %}  <ul class="action-list">\n'
    "    {% for c in reportable %}\n"
    '    <li><span>{{ c.title }} <small class="muted">— {{ c.organization }}</small>{% if c.owes %}{% needs_report c.owes %}{% endif %}</span>\n'
    '      {% if c.status == "prepared" or c.status == "cancelled" %}<span class="muted small">({{ c.get_status_display }}؛ گزارش ثبت نمی\u200cشود)</span>\n'
    '      {% else %}<a class="button primary" href="{% url \'commitments:entry_create\' c.pk %}">ثبت پیشرفت</a>{% endif %}</li>\n'
    "    {% endfor %}\n"
    "  </ul>\n"
)

PERIOD = ReportingPeriod(datetime.date(2026, 3, 21), datetime.date(2026, 6, 21))
HOSTILE = "کارگاه <b>\"فرش\"</b> & 'دستباف'"


def _commitment(pk, status, *, due_on=None, title=None, org="بنیاد <علوی> & شرکا"):
    c = Commitment(pk=pk, title=title or f"تعهد {pk}", status=status, due_on=due_on)
    c.organization = Organization(pk=pk, name=org)
    return c


def _ladder():
    S = Commitment.Status
    rows = [
        # depth, status, target, allocated, realised, tranches, due, on_track, owes
        (0, S.SIGNED, 30000, 12000, 4321, [2, 3], datetime.date(2027, 3, 20), True, PERIOD),
        (1, S.IN_EXECUTION, None, 0, 7, [], None, None, None),
        (2, S.COMPLETED, 500, 0, 500, [], datetime.date(2025, 1, 1), False, None),
        (0, S.PREPARED, 0, 0, 0, [], datetime.date(2026, 12, 1), None, PERIOD),
        (1, S.CANCELLED, 1200, 1500, 1300, [9], None, True, None),
        (0, S.SIGNED, 1000, 0, 333, [], None, False, None),
    ]
    figures = []
    for i, (depth, status, target, allocated, realised, tranches, due, on_track, owes) in enumerate(rows, start=1):
        fig = CommitmentFigures(
            commitment=_commitment(i, status, due_on=due, title=HOSTILE if i == 2 else None),
            target=target,
            allocated=allocated,
            realised=realised,
            realised_own=realised,
            credit_paid=0,
            depth=depth,
            tranche_ids=tranches,
        )
        fig.outlook = {"on_track": on_track, "label": "در <مسیر>" if on_track else "نامعلوم"}
        fig.owes = owes
        figures.append(fig)
    return figures


@pytest.mark.django_db
def test_ladder_rows_are_the_template_loop_byte_for_byte():
    figures = _ladder()
    old = engines["django"].from_string(LADDER_LOOP).render({"figures": figures})
    new = "<tbody>\n    " + drawing.ladder_rows(figures) + "\n    </tbody>"
    assert new == old
    assert "&lt;b&gt;" in new and "<b>" not in new  # escaped, as the template escaped


@pytest.mark.django_db
def test_reportable_rows_are_the_template_loop_byte_for_byte():
    S = Commitment.Status
    rows = []
    for i, (status, owes) in enumerate(
        [(S.SIGNED, PERIOD), (S.IN_EXECUTION, None), (S.PREPARED, None), (S.CANCELLED, PERIOD), (S.COMPLETED, None)],
        start=1,
    ):
        c = _commitment(i, status, title=HOSTILE if i == 1 else None)
        c.owes = owes
        rows.append(c)
    old = engines["django"].from_string(REPORTABLE).render({"reportable": rows})
    new = engines["django"].get_template("reports/_reportable.html").render({"rows": drawing.reportable_rows(rows)})
    assert new == old
    assert new.count("ثبت پیشرفت") == 3 and new.count("گزارش ثبت نمی‌شود") == 2
