"""The glossary: one Persian name and definition per figure, on a page anyone may read."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from core import glossary


def test_the_glossary_uses_the_design_words():
    # ../shared/DESIGN.md, "The figures": these exact words, one meaning each.
    words = {f.label for f in glossary.entries()}
    assert {
        "شغل پایه",
        "شغل تازه",
        "هدف شغل تازه",
        "تعهد شده",
        "تخصیص‌یافته",
        "تحقق‌یافته",
        "باقی‌مانده",
        "پایش‌نشده",
        "فعال",
        "نیمه‌تعطیل",
        "غیرفعال",
        "هنوز فعال",
        "بیش از هدف",
        "تکراری",
    } <= words
    # no two figures share a name: a word means one thing
    assert len(words) == len(glossary.FIGURES)


def test_an_unknown_figure_cannot_reach_a_page():
    with pytest.raises(KeyError):
        glossary.label("realised_total")


def test_a_figure_label_links_its_definition():
    html = Template('{% figure "new_jobs" %}').render(Context())
    assert html.startswith('<a class="figure-label" href="/glossary/#new_jobs" title="مجموع شغل گزارش‌های پیشرفت')
    assert html.endswith(">شغل تازه</a>")


@pytest.mark.django_db
def test_the_glossary_page_is_open_and_lists_every_figure(client):
    response = client.get(reverse("glossary"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>تعریف شاخص‌ها</h1>" in html
    for f in glossary.entries():
        assert f'id="{f.key}"' in html and f"<dt>{f.label}</dt>" in html
