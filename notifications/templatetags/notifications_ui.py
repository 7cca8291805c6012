from django import template

from notifications import selectors

register = template.Library()


@register.simple_tag
def nav_counts(user) -> dict:
    """The navigation's two badges in one query: {"pending": entries awaiting an official's
    review (None, and not counted, for anyone else), "unread": the person's unread notices}."""
    return selectors.nav_counts(user)
