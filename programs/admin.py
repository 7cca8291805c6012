from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PersianAdminMixin, jalali_month_filter

from .models import County, Organization, Program, Sector

admin.site.site_header = "سامانه پایش مشاغل خانگی استان کرمان"
admin.site.site_title = "مشاغل خانگی کرمان"
admin.site.index_title = "مدیریت سامانه"


@admin.register(County)
class CountyAdmin(PersianAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(Sector)
class SectorAdmin(PersianAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(Organization)
class OrganizationAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    search_fields = ["name"]
    list_display = ["name", "kind"]
    list_filter = ["kind"]


@admin.register(Program)
class ProgramAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    search_fields = ["name", "owner__name"]
    list_display = [
        "name",
        "jobs_target",
        "starts_on",
        "ends_on",
        "owner",
    ]
    list_filter = [jalali_month_filter("starts_on", "تاریخ شروع (شمسی)")]
    autocomplete_fields = ["owner"]
