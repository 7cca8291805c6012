from django import forms
from django.contrib import admin
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from core import national_code, persian
from core.admin import PersianAdminMixin, PersianTabularInline, jalali_month_filter
from core.fields import CodeField, NationalCodeField

from .models import ContinuityCheck, HomeBusiness
from .services import owner_code_fields


class ContinuityCheckInline(PersianTabularInline):
    model = ContinuityCheck
    extra = 0
    fields = ["checked_on", "status", "reason", "note"]


class HomeBusinessAdminForm(forms.ModelForm):
    # The code is never stored nor shown: admins see «*******۱۲۳» and may type a new one.
    owner_national_code = NationalCodeField(
        label="کد ملی صاحب (تازه)",
        required=False,
        help_text="خالی بگذارید تا کد ثبت‌شده بماند. خود کد نگه داشته نمی‌شود، فقط درهم‌شدهٔ آن و سه رقم آخر.",
    )

    # The same normalisation as the services and the import, before the model form's
    # unique check, so a look-alike of a registered code is refused here too.
    reference_code = CodeField(label="کد پیگیری", max_length=64)

    class Meta:
        model = HomeBusiness
        fields = "__all__"


@admin.register(HomeBusiness)
class HomeBusinessAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    form = HomeBusinessAdminForm
    list_display = ["code_display", "commitment", "county", "sector", "started_on", "jobs", "status"]
    list_filter = ["status", "county", "sector", jalali_month_filter("started_on", "شروع (شمسی)")]
    search_fields = ["reference_code", "commitment__title", "county__name"]
    autocomplete_fields = ["commitment", "county", "sector"]
    list_select_related = ["commitment", "county", "sector"]
    readonly_fields = ["owner_code_masked"]
    inlines = [ContinuityCheckInline]

    def get_fields(self, request, obj=None):
        # The masked code, then the field for a new one, after the business's own fields.
        owner = ["owner_code_masked", "owner_national_code"]
        return [name for name in super().get_fields(request, obj) if name not in owner] + owner

    @admin.display(description="کد پیگیری", ordering="reference_code")
    def code_display(self, obj):
        return str(obj)

    @admin.display(description="کد ملی صاحب")
    def owner_code_masked(self, obj):
        masked = national_code.masked(obj.owner_code_last3) if obj else ""
        # Isolated left to right: in a right-to-left line the stars would otherwise
        # move to the other side of the digits.
        return format_html('<bdi dir="ltr">{}</bdi>', masked) if masked else "—"

    def save_model(self, request, obj, form, change):
        code = form.cleaned_data.get("owner_national_code")
        if code:
            for name, value in owner_code_fields(code).items():
                setattr(obj, name, value)
        super().save_model(request, obj, form, change)

    def get_search_results(self, request, queryset, search_term):
        """A valid national code finds its owner's businesses (by hash), besides the usual search."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            code = national_code.parse(search_term)
        except persian.PersianValueError:
            code = ""
        if code:
            results = results | queryset.filter(owner_code_hash=national_code.owner_hash(code))
        return results, may_have_duplicates


@admin.register(ContinuityCheck)
class ContinuityCheckAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    list_display = ["business", "checked_on", "status", "reason"]
    list_filter = ["status", "reason", jalali_month_filter("checked_on", "تاریخ پایش (شمسی)")]
    search_fields = ["business__reference_code", "note"]
    autocomplete_fields = ["business"]
    list_select_related = ["business"]
