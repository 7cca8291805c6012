from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PersianAdminMixin, jalali_month_filter

from .models import DeadlineRule, FigureSnapshot, Report


@admin.register(Report)
class ReportAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    list_display = ["kind", "status", "due_on", "is_draft", "requested_by", "created_at"]
    list_filter = ["kind", "status", "is_draft", jalali_month_filter("due_on", "مهلت (شمسی)")]
    search_fields = ["error"]
    readonly_fields = ["created_at", "started_at", "finished_at", "attempts"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "jalali_day", "jalali_month", "report_kind", "draft_days_before", "is_active"]
    list_filter = ["report_kind", "is_active"]
    search_fields = ["title"]
    filter_horizontal = ["recipients"]


@admin.register(FigureSnapshot)
class FigureSnapshotAdmin(PersianAdminMixin, admin.ModelAdmin):
    """Read-only: a snapshot is what the Assembly received (reports.services.snapshot_take)."""

    list_display = ["__str__", "as_of", "taken_at", "superseded_by"]
    list_filter = ["kind"]
    readonly_fields = ["report", "kind", "due_on", "as_of", "taken_at", "figures", "superseded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
