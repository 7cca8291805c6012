"""Tokens in the admin: made here (the token is shown once, in the message after saving),
revoked with an action, never edited or deleted (a revoked token stays as a record)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from core import persian
from core.admin import PersianAdminMixin
from core.fields import PersianIntegerField

from .models import ApiToken
from .services import MAX_DAYS, api_token_create, api_token_revoke


class ApiTokenAddForm(forms.ModelForm):
    days = PersianIntegerField(
        label="مدت اعتبار (روز)",
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
        help_text="خالی: بی‌انقضا. برای نمونه ۳۶۵.",
    )

    class Meta:
        model = ApiToken
        fields = ["organization", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(PersianAdminMixin, admin.ModelAdmin):
    list_display = ["prefix_shown", "organization", "name", "created_at", "expires_at", "last_used_at", "state"]
    list_filter = ["organization"]
    search_fields = ["prefix", "name", "organization__name"]
    actions = ["revoke"]
    readonly_fields = [
        "organization",
        "prefix",
        "user",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = ["organization", "name", *readonly_fields[1:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
            kwargs["fields"] = ["organization", "name", "days"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["organization", "name", "days"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        new = api_token_create(
            actor=request.user,
            organization=form.cleaned_data["organization"],
            days=form.cleaned_data.get("days"),
            name=form.cleaned_data.get("name") or "",
        )
        obj.pk = new.token.pk
        obj.__dict__.update({k: v for k, v in new.token.__dict__.items() if not k.startswith("_")})
        messages.warning(
            request,
            format_html(
                "توکن تازهٔ {} (فقط همین یک بار نشان داده می‌شود؛ آن را اکنون رونوشت کنید و به‌امنی به دستگاه بدهید): "
                '<code dir="ltr" class="api-token">{}</code>',
                new.token.organization,
                new.raw,
            ),
        )

    @admin.display(description="توکن")
    def prefix_shown(self, obj):
        return f"{obj.prefix}…"

    @admin.display(description="وضعیت")
    def state(self, obj):
        if obj.is_revoked:
            return f"باطل‌شده ({persian.format_jalali(obj.revoked_at.date())})"
        if obj.is_expired():
            return "منقضی"
        return "فعال"

    @admin.action(description="ابطال توکن‌های انتخاب‌شده")
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(actor=request.user, token=token)
        self.message_user(request, f"{persian.format_number(queryset.count())} توکن باطل شد.", messages.SUCCESS)
