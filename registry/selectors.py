"""Reads of the registry that depend on who is looking, and the list helpers its pages share.

A business is visible to whoever may see its commitment (commitments.selectors decides
that, once); a missing business and one that is not yours both raise Http404.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from commitments.selectors import commitments_visible_to

from .models import ContinuityCheck, HomeBusiness


def businesses_visible_to(user) -> QuerySet[HomeBusiness]:
    return HomeBusiness.objects.filter(commitment__in=commitments_visible_to(user))


def business_get_visible(user, pk) -> HomeBusiness:
    try:
        return businesses_visible_to(user).select_related("commitment", "county", "sector").get(pk=pk)
    except (HomeBusiness.DoesNotExist, ValueError, TypeError):
        raise Http404("کسب‌وکار پیدا نشد.") from None


def latest_check_subquery():
    return ContinuityCheck.objects.filter(business=OuterRef("pk")).order_by("-checked_on", "-id")


def businesses_without_recent_check(businesses: QuerySet[HomeBusiness], *, since: datetime.date):
    recent = ContinuityCheck.objects.filter(business=OuterRef("pk"), checked_on__gte=since)
    return businesses.filter(~Exists(recent))
