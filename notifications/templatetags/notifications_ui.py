from django import template

from notifications import selectors

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """The count beside «اعلان‌ها» in the navigation: one query per page."""
    return selectors.unread_count(user)
