"""Persian digits in the admin's page links (Django's paginator_number prints 1, 2, 3)."""

import re

from django import template
from django.contrib.admin.templatetags.admin_list import paginator_number
from django.utils.safestring import mark_safe

from core import persian

register = template.Library()

_LINK_TEXT = re.compile(r">(\d+)<")


@register.simple_tag
def fa_paginator_number(cl, i):
    # Only the visible number changes; the link's ?p=2 stays ASCII.
    html = str(paginator_number(cl, i))
    return mark_safe(_LINK_TEXT.sub(lambda m: ">" + persian.persian_digits(m.group(1)) + "<", html))
