from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PersianAdminMixin, PersianTabularInline, jalali_month_filter

from .models import ContinuityCheck, HomeBusiness


class ContinuityCheckInline(PersianTabularInline):
    model = ContinuityCheck
    extra = 0
    fields = ["checked_on", "status", "reason", "note"]


@admin.register(HomeBusiness)
class HomeBusinessAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "reference_code",
        "commitment",
        "county",
        "sector",
        "started_on",
        "jobs",
        "status",
    ]
    list_filter = ["status", "county", "sector", jalali_month_filter("started_on", "شروع (شمسی)")]
    search_fields = ["reference_code", "commitment__title", "county__name"]
    autocomplete_fields = ["commitment", "county", "sector"]
    list_select_related = ["commitment", "county", "sector"]
    inlines = [ContinuityCheckInline]


@admin.register(ContinuityCheck)
class ContinuityCheckAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    list_display = ["business", "checked_on", "status", "reason"]
    list_filter = ["status", "reason", jalali_month_filter("checked_on", "تاریخ پایش (شمسی)")]
    search_fields = ["business__reference_code", "note"]
    autocomplete_fields = ["business"]
    list_select_related = ["business"]
