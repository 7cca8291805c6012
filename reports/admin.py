from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kerman_jobs.admin_tools import PersianAdminMixin, jalali_date_column, jalali_month_filter

from .models import Report


@admin.register(Report)
class ReportAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    list_display = ["kind", "status", jalali_date_column("due_on", "مهلت"), "is_draft", "requested_by", "created_at"]
    list_filter = ["kind", "status", "is_draft", jalali_month_filter("due_on", "مهلت (شمسی)")]
    search_fields = ["error"]
    readonly_fields = ["created_at", "started_at", "finished_at", "attempts"]
