"""The glossary page: what each figure means («تعریف شاخص‌ها»). Open to anyone: the
definitions are what every page, report and (later) the public pages point to."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import glossary


@require_GET
def glossary_page(request: HttpRequest) -> HttpResponse:
    groups = [(name, [f for f in glossary.entries() if f.group == name]) for name in glossary.GROUPS]
    return render(request, "core/glossary.html", {"groups": groups})
