from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core import glossary, persian
from core.admin import (
    PersianAdminMixin,
    PersianTabularInline,
    jalali_month_filter,
)
from core.roles import CHAMBER_STAFF_GROUP, is_official

from . import figures, services
from .forms import check_evidence
from .models import Commitment, Milestone, ProgressEntry


class MilestoneInline(PersianTabularInline):
    model = Milestone
    fk_name = "commitment"
    extra = 0
    fields = ["title", "responsible", "due_on", "done_on", "report_kind"]
    autocomplete_fields = ["responsible"]


VERIFIED_ENTRY_NOT_DELETABLE = "گزارش پیشرفت تأییدشده حذف نمی‌شود؛ برای اصلاح آن، گزارش اصلاحی تازه‌ای ثبت کنید."
COMMITMENT_NOT_DELETABLE = (
    "تعهدی که گزارش پیشرفت، کسب‌وکار یا بخش دارد حذف نمی‌شود؛ به‌جای حذف، وضعیت آن را «لغو شده» کنید."
)
STALE_ENTRY = (
    "این گزارش پس از باز کردن این صفحه توسط کاربر دیگری ذخیره شده است و ذخیرهٔ شما انجام نشد تا تغییر او از بین نرود. "
    "صفحه را دوباره باز کنید و تغییرات را از نو وارد کنید."
)


def _why_not(model_admin, request, perms_needed: set, refused: list) -> set:
    """Objects refused by has_delete_permission(obj) land in perms_needed, and Django then
    says only «you may not delete تعهد»; when the user may delete the model as such, the
    refusal is this project's rule, shown with its reason in the protected list instead."""
    if refused and model_admin.has_delete_permission(request):
        return perms_needed - {model_admin.model._meta.verbose_name}
    return perms_needed


class VersionCheckedEntryForm(forms.ModelForm):
    """The version the admin saw travels with the form; a save based on an older one is
    refused, as in the staff's form (services.progress_entry_update). Runs inside the
    admin's transaction, with the row locked until the save."""

    seen_version = forms.IntegerField(label="نسخهٔ دیده‌شده", widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProgressEntry
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.has_changed():
            current = ProgressEntry.objects.select_for_update().filter(pk=self.instance.pk)
            current = current.values_list("version", flat=True).first()
            if cleaned.get("seen_version") != current:
                raise ValidationError(STALE_ENTRY, code="stale")
        return cleaned


class ProgressEntryInline(PersianTabularInline):
    model = ProgressEntry
    form = VersionCheckedEntryForm
    extra = 0
    fields = [
        "period_end",
        "jobs_created",
        "county",
        "sector",
        "credit_paid",
        "status",
        "note",
        "entered_by",
        "seen_version",
    ]
    readonly_fields = ["entered_by"]
    autocomplete_fields = ["county", "sector"]
    show_change_link = True
    # A verified entry is never deleted, and the inline cannot tell the rows apart in
    # has_delete_permission (it gets the commitment): entries are deleted on their own page.
    can_delete = False


class CommitmentAdminForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = "__all__"

    def _post_clean(self):
        # The instance carries the form's values only after ModelForm._post_clean.
        super()._post_clean()
        if self.errors:
            return
        try:
            services.commitment_check_rules(self.instance)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, exc)


@admin.register(Commitment)
class CommitmentAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    form = CommitmentAdminForm
    list_display = [
        "title",
        "organization",
        "status",
        "jobs_target",
        "realised_display",
        "remaining_display",
        "signed_on",
        "due_on",
        "is_public",
    ]
    list_filter = ["status", "is_public", "instrument", "program", jalali_month_filter("due_on", "مهلت (شمسی)")]
    search_fields = ["title", "organization__name", "venue", "partners__name"]
    autocomplete_fields = ["program", "organization", "parent", "partners"]
    filter_horizontal = ["reporters"]
    inlines = [MilestoneInline, ProgressEntryInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Reporters enter progress: chamber staff only, never an admin or an official
        # (who verify what reporters enter). commitments.selectors reads the same group.
        if db_field.name == "reporters":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(groups__name=CHAMBER_STAFF_GROUP, is_active=True)
                .order_by("last_name", "first_name", "username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "program")

    def get_changelist_instance(self, request):
        # The list's تحقق‌یافته and باقی‌مانده are the ladder's (commitments.figures), for
        # the page's rows and their tranches at once: the same numbers as every page.
        changelist = super().get_changelist_instance(request)
        ids = [c.pk for c in changelist.result_list]
        family = Commitment.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
        by_id = {f.commitment.pk: f for f in figures.commitment_figures(family)}
        for c in changelist.result_list:
            c.figures = by_id.get(c.pk)
        return changelist

    @admin.display(description=glossary.label("realised"))
    def realised_display(self, obj):
        return persian.format_number(obj.figures.realised) if getattr(obj, "figures", None) else "—"

    @admin.display(description=glossary.label("remaining"))
    def remaining_display(self, obj):
        fig = getattr(obj, "figures", None)
        return "—" if fig is None or fig.remaining is None else persian.format_number(fig.remaining)

    actions = ["cancel_selected", "make_public", "make_not_public"]

    def get_readonly_fields(self, request, obj=None):
        # Whether a commitment is public is the officials' decision (services.commitment_set_public).
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if is_official(request.user) else [*readonly, "is_public"]

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing typed: no history row (as PersianAdminMixin.save_model)
        if change and "is_public" in form.changed_data:
            services.commitment_set_public(actor=request.user, commitment=obj, is_public=obj.is_public)
        services.commitment_save(actor=request.user, commitment=obj, reason="ویرایش در پنل مدیریت")

    def _set_public(self, request, queryset, is_public: bool):
        for commitment in queryset:
            services.commitment_set_public(actor=request.user, commitment=commitment, is_public=is_public)
        self.message_user(request, f"{persian.format_number(queryset.count())} تعهد به‌روز شد.", messages.SUCCESS)

    @admin.action(description="نمایش تعهدهای انتخاب‌شده در صفحهٔ عمومی")
    def make_public(self, request, queryset):
        self._set_public(request, queryset, True)

    @admin.action(description="برداشتن تعهدهای انتخاب‌شده از صفحهٔ عمومی")
    def make_not_public(self, request, queryset):
        self._set_public(request, queryset, False)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_official(request.user):
            actions.pop("make_public", None)
            actions.pop("make_not_public", None)
        return actions

    @staticmethod
    def _deletable(obj: Commitment) -> bool:
        return not (obj.progress_entries.exists() or obj.businesses.exists() or obj.tranches.exists())

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self._deletable(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # «delete selected» and the delete page: a commitment with entries is listed as
        # protected, with the reason, so Django shows why and deletes nothing.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = [f"«{obj}»: {COMMITMENT_NOT_DELETABLE}" for obj in objs if not self._deletable(obj)]
        return deleted, model_count, _why_not(self, request, perms_needed, refused), [*refused, *protected]

    @admin.action(description="لغو تعهدهای انتخاب‌شده")
    def cancel_selected(self, request, queryset):
        done = 0
        for commitment in queryset:
            try:
                services.commitment_set_status(
                    actor=request.user,
                    commitment=commitment,
                    status=Commitment.Status.CANCELLED,
                    reason="لغو در پنل مدیریت",
                )
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"«{commitment}»: {' '.join(exc.messages)}", messages.ERROR)
        self.message_user(request, f"{persian.format_number(done)} تعهد لغو شد.", messages.SUCCESS)

    def delete_model(self, request, obj):
        try:
            services.commitment_delete(actor=request.user, commitment=obj)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if isinstance(obj, ProgressEntry):
                if obj.pk:
                    obj.version += 1
                if not obj.entered_by_id:
                    obj.entered_by = request.user
                if obj.status == ProgressEntry.Status.VERIFIED and not obj.verified_by_id:
                    obj.verified_by = request.user
                    obj.verified_at = timezone.now()
            obj._history_user = request.user
            obj.save()
        formset.save_m2m()


@admin.register(Milestone)
class MilestoneAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "responsible",
        "due_on",
        "done_on",
        "report_kind",
        "overdue_display",
    ]
    list_filter = ["report_kind", jalali_month_filter("due_on", "مهلت (شمسی)")]
    search_fields = ["title", "responsible__name"]
    autocomplete_fields = ["program", "commitment", "responsible"]

    @admin.display(description="گذشته از مهلت", boolean=True)
    def overdue_display(self, obj):
        return obj.done_on is None and obj.due_on < persian.local_today()


class _EvidenceLink:
    """What Django's file input shows as «در حال حاضر: <a href=url>name</a>»."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name


class EvidenceInput(forms.ClearableFileInput):
    """The current evidence links to the access-checked download (commitments:entry_evidence),
    never to its address under MEDIA_URL, which nothing serves (it answered 404)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        instance = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and instance is not None and instance.pk:
            url = reverse("commitments:entry_evidence", args=[instance.pk])
            context["widget"]["value"] = _EvidenceLink(Path(value.name).name, url)
        return context


class ProgressEntryAdminForm(VersionCheckedEntryForm):
    class Meta(VersionCheckedEntryForm.Meta):
        widgets = {"evidence": EvidenceInput}

    def clean_evidence(self):
        # The same type, size and content check as the staff's entry form.
        upload = self.cleaned_data.get("evidence")
        if upload and hasattr(upload, "content_type"):
            check_evidence(upload)
        return upload


@admin.register(ProgressEntry)
class ProgressEntryAdmin(PersianAdminMixin, SimpleHistoryAdmin):
    form = ProgressEntryAdminForm
    list_display = ["commitment", "period_end", "jobs_created", "county", "sector", "status", "entered_by"]
    list_filter = ["status", "county", "sector", jalali_month_filter("period_end", "پایان دوره (شمسی)")]
    search_fields = ["commitment__title", "note", "county__name", "sector__name"]
    autocomplete_fields = ["commitment", "county", "sector"]
    readonly_fields = ["entered_by", "verified_by", "verified_at", "version", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == ProgressEntry.Status.VERIFIED:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # «delete selected»: verified entries are listed as protected, with the reason,
        # so Django shows why and deletes nothing of the selection.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = [
            f"«{obj}»: {VERIFIED_ENTRY_NOT_DELETABLE}" for obj in objs if obj.status == ProgressEntry.Status.VERIFIED
        ]
        return deleted, model_count, _why_not(self, request, perms_needed, refused), [*refused, *protected]

    def delete_queryset(self, request, queryset):
        # Last line of defence, should a caller skip get_deleted_objects.
        if queryset.filter(status=ProgressEntry.Status.VERIFIED).exists():
            raise PermissionDenied(VERIFIED_ENTRY_NOT_DELETABLE)
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        if not obj.entered_by_id:
            obj.entered_by = request.user
        if obj.status != ProgressEntry.Status.SUBMITTED and not obj.verified_by_id:
            obj.verified_by = request.user
            obj.verified_at = timezone.now()
        if change:
            obj.version += 1
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
