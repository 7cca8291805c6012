"""What the registry adds to other apps' pages without those apps importing it."""

from django import template

from core.roles import is_official
from registry import figures
from registry.models import HomeBusiness

register = template.Library()


@register.simple_tag
def still_active_jobs(commitment_ids) -> int:
    """Jobs in the businesses of these commitments (a commitment and the tranches the
    reader may see, as the page lists them) whose latest check says active: «هنوز فعال»
    (a business never checked is «پایش‌نشده» and not counted); each owner once."""
    return figures.still_active_jobs(
        figures.business_status_counts(HomeBusiness.objects.filter(commitment_id__in=list(commitment_ids)))
    )


@register.simple_tag
def sees_duplicates(user) -> bool:
    """Whether the menu offers the list of duplicate owners: officials only."""
    return is_official(user)
