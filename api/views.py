"""The partner API: thin views over the same selectors and services as the site.

Reads go through commitments/selectors.py and registry/selectors.py with the token's
technical user, so the scope (commitments_of_organization) is decided where the site's is,
and anything outside it is a 404. Writes go through commitments/services.py,
registry/services.py and registry/imports.py: the same checks, the same history rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from commitments.figures import commitment_figures
from commitments.models import Commitment
from commitments.selectors import commitment_get_visible, commitments_visible_to, progress_entries_visible_to
from commitments.services import progress_entry_create
from core import persian
from programs.models import County, Sector
from registry.imports import COLUMN_LABELS, import_rows
from registry.selectors import business_get_visible, businesses_visible_to
from registry.services import continuity_check_create

from . import idempotency
from .errors import BatchRefused
from .filters import ApiBusinessFilter, ProgressEntryFilter
from .limits import too_large
from .serializers import (
    BUSINESS_FIELDS,
    BatchResultOut,
    BusinessBatchIn,
    BusinessOut,
    CommitmentOut,
    ContinuityCheckIn,
    ContinuityCheckOut,
    ErrorOut,
    ProgressEntryIn,
    ProgressEntryOut,
    commitment_out,
)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    description="اختیاری: شناسه‌ای یکتا برای این درخواست (مثل یک UUID). درخواست تکراری با همین کلید و همین بدنه "
    "همان پاسخ نخست را می‌گیرد و چیزی دوباره ثبت نمی‌شود؛ همین کلید با بدنهٔ دیگر ۴۲۲ می‌گیرد.",
)
ERRORS = {
    400: OpenApiResponse(ErrorOut, description="داده نادرست؛ خطای هر فیلد در errors."),
    401: OpenApiResponse(ErrorOut, description="توکن فرستاده نشده یا شناخته نیست."),
    403: OpenApiResponse(ErrorOut, description="توکن باطل شده یا منقضی است."),
    404: OpenApiResponse(ErrorOut, description="پیدا نشد یا در دسترس این توکن نیست."),
    413: OpenApiResponse(ErrorOut, description="بدنهٔ درخواست یا دستهٔ کسب‌وکارها بیش از حد مجاز است."),
    415: OpenApiResponse(ErrorOut, description="بدنه JSON نیست."),
    422: OpenApiResponse(ErrorOut, description="کلید Idempotency-Key پیش‌تر با بدنهٔ دیگری به کار رفته است."),
    429: OpenApiResponse(ErrorOut, description="درخواست‌های این توکن بیش از حد مجاز است."),
}
READ_ERRORS = {code: ERRORS[code] for code in (400, 401, 403, 404, 429)}


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _by_id(model, pk, what: str):
    """A county or sector by id; a missing one is a field error, not a 404: they are public
    lists, nobody's to hide."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({what: f"{model._meta.verbose_name} با شناسهٔ {persian.format_number(pk)} نیست."})
    return obj


# ---------------------------------------------------------------- commitments


class CommitmentList(generics.GenericAPIView):
    serializer_class = CommitmentOut

    @extend_schema(
        summary="تعهدهای این دستگاه با شاخص‌هایشان",
        description="تعهدهایی که دستگاه صاحب توکن متعهد یا شریک آن است (شریکی که بخشی از یک تعهد دارد، همان بخش را "
        "می‌بیند)، هر یک با شاخص‌های واژه‌نامه: هدف، تخصیص‌یافته، تحقق‌یافته، باقی‌مانده و درصد تحقق.",
        tags=["تعهدها"],
        responses={200: OpenApiResponse(CommitmentOut(many=True), description="یک صفحه از تعهدها."), **READ_ERRORS},
    )
    def get(self, request):
        visible = commitments_visible_to(request.user)
        # A parent's realised jobs include its tranches even where the token does not see
        # them (the figures are the site's, whoever reads them); tranches nest two deep at most.
        family = Commitment.objects.filter(
            Q(pk__in=visible.values("pk"))
            | Q(parent__in=visible.values("pk"))
            | Q(parent__parent__in=visible.values("pk"))
        )
        shown = set(visible.values_list("pk", flat=True))
        rows = [commitment_out(fig) for fig in commitment_figures(family) if fig.commitment.pk in shown]
        rows.sort(key=lambda row: row["id"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(page)


# ---------------------------------------------------------------- progress entries


class ProgressEntryList(generics.GenericAPIView):
    serializer_class = ProgressEntryOut
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProgressEntryFilter

    def get_queryset(self):
        return progress_entries_visible_to(self.request.user).order_by("-id")

    @extend_schema(
        summary="گزارش‌های پیشرفت این دستگاه",
        description="گزارش‌های پیشرفت تعهدهای این دستگاه، تازه‌ترین نخست، صفحه‌به‌صفحه؛ با وضعیت بررسی هر یک.",
        tags=["گزارش‌های پیشرفت"],
        responses={
            200: OpenApiResponse(ProgressEntryOut(many=True), description="یک صفحه از گزارش‌های پیشرفت."),
            **READ_ERRORS,
        },
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProgressEntryOut(page, many=True).data)

    @extend_schema(
        summary="ثبت گزارش پیشرفت",
        description="گزارشی «ارسال شده» می‌سازد که مقام استانی در سایت (صف بررسی) تأیید یا برمی‌گرداند؛ "
        "تا تأیید نشده در هیچ شاخصی شمرده نمی‌شود. همان بررسی‌های فرم سایت.",
        request=ProgressEntryIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["گزارش‌های پیشرفت"],
        responses={201: OpenApiResponse(ProgressEntryOut, description="گزارش ثبت شد (در انتظار تأیید)."), **ERRORS},
    )
    def post(self, request):
        data = validated(ProgressEntryIn, request)
        with transaction.atomic():
            replay = idempotency.begin(request)
            if replay is not None:
                return replay
            commitment = commitment_get_visible(request.user, data["commitment"])
            entry = progress_entry_create(
                actor=request.user,
                commitment=commitment,
                period_end=data["period_end"],
                jobs_created=data["jobs_created"],
                county=_by_id(County, data.get("county"), "county"),
                sector=_by_id(Sector, data.get("sector"), "sector"),
                credit_paid=data.get("credit_paid") or 0,
                note=data.get("note") or "",
            )
            return idempotency.finish(request, Response(ProgressEntryOut(entry).data, status=status.HTTP_201_CREATED))


# ---------------------------------------------------------------- businesses


class BusinessList(generics.GenericAPIView):
    serializer_class = BusinessOut
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiBusinessFilter

    def get_queryset(self):
        return businesses_visible_to(self.request.user).order_by("id")

    @extend_schema(
        summary="کسب‌وکارهای این دستگاه",
        description="کسب‌وکارهای خانگی ثبت‌شده زیر تعهدهای این دستگاه، صفحه‌به‌صفحه؛ با همان فیلترهای فهرست سایت "
        "(شهرستان، رسته، تعهد، وضعیت، تاریخ شروع شمسی، کد پیگیری).",
        tags=["کسب‌وکارها"],
        responses={200: OpenApiResponse(BusinessOut(many=True), description="یک صفحه از کسب‌وکارها."), **READ_ERRORS},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(BusinessOut(page, many=True).data)

    @extend_schema(
        summary="ثبت دسته‌ای کسب‌وکارها (همه یا هیچ)",
        description="همان ورود گروهی صفحهٔ «ورود از فایل» سایت: هر ردیف با همان قاعده‌ها بررسی می‌شود و اگر حتی یک "
        "ردیف خطا داشته باشد هیچ‌کدام ثبت نمی‌شود؛ خطاها با شمارهٔ ردیف (از ۱، به ترتیب فهرست) و نام فیلد "
        f"می‌آیند. حداکثر {settings.API_BATCH_MAX_ROWS} ردیف در هر درخواست.",
        request=BusinessBatchIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["کسب‌وکارها"],
        responses={201: OpenApiResponse(BatchResultOut, description="همهٔ ردیف‌ها ثبت شدند."), **ERRORS},
    )
    def post(self, request):
        rows = _batch_rows(request.data)
        with transaction.atomic():
            replay = idempotency.begin(request)
            if replay is not None:
                return replay
            result = import_rows(
                actor=request.user,
                header=BUSINESS_FIELDS,
                rows=rows,
                reason=f"ثبت دسته‌ای با {request.user.get_full_name() or request.user.get_username()}",
            )
            if not result.ok:
                raise BatchRefused(
                    f"هیچ کسب‌وکاری ثبت نشد: {persian.format_number(len(result.errors))} خطا در دسته هست؛ "
                    "ردیف‌های نادرست را اصلاح و همهٔ دسته را دوباره بفرستید.",
                    [_row_error(e) for e in result.errors],
                )
            body = {
                "created": result.created,
                "flagged": [_row_error(e) for e in result.flagged],
                "notice": result.notice,
            }
            return idempotency.finish(request, Response(body, status=status.HTTP_201_CREATED))


_FIELD_OF_LABEL = {label: key for key, label in COLUMN_LABELS.items()}


def _row_error(error) -> dict:
    # Row 1 is the first business of the list (import_rows numbers them so, messages too).
    return {
        "row": error.row,
        "field": _FIELD_OF_LABEL.get(error.column) or None,
        "message": error.message,
    }


def _batch_rows(data) -> list[tuple]:
    """The batch as the import's rows, in BUSINESS_FIELDS order, after the checks only JSON
    needs (an object per row, known fields, no nested values); the rest is the import's."""
    if not isinstance(data, dict) or set(data) != {"businesses"} or not isinstance(data["businesses"], list):
        raise BatchRefused(
            'بدنه باید به شکل {"businesses": [{…}, {…}]} باشد: فهرستی از کسب‌وکارها زیر کلید businesses.',
            [],
        )
    items = data["businesses"]
    if not items:
        raise BatchRefused("فهرست businesses خالی است؛ دست‌کم یک کسب‌وکار بفرستید.", [])
    if len(items) > settings.API_BATCH_MAX_ROWS:
        raise too_large()
    problems = []
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append({"row": number, "field": None, "message": "هر ردیف باید یک شیء JSON باشد."})
            continue
        for name in list(item)[:20]:
            if name not in BUSINESS_FIELDS:
                problems.append(
                    {"row": number, "field": str(name)[:40], "message": f"فیلد «{str(name)[:40]}» شناخته نیست."}
                )
        row = []
        for name in BUSINESS_FIELDS:
            value = item.get(name)
            if value is None:
                value = ""
            elif isinstance(value, bool) or not isinstance(value, str | int):
                problems.append(
                    {
                        "row": number,
                        "field": name,
                        "message": "باید متن یا عدد صحیح باشد (نه true/false، کسر، فهرست یا شیء).",
                    }
                )
                value = ""
            elif isinstance(value, str) and len(value) > 300:
                problems.append({"row": number, "field": name, "message": "بیش از ۳۰۰ نویسه است."})
                value = ""
            row.append(value)
        rows.append(tuple(row))
    if problems:
        raise BatchRefused("هیچ کسب‌وکاری ثبت نشد؛ ردیف‌های نادرست را اصلاح و همهٔ دسته را دوباره بفرستید.", problems)
    return rows


# ---------------------------------------------------------------- continuity checks


class ContinuityCheckCreate(generics.GenericAPIView):
    serializer_class = ContinuityCheckOut

    @extend_schema(
        summary="ثبت پایش استمرار",
        description="نتیجهٔ پایش یک کسب‌وکار (فعال، نیمه‌تعطیل یا غیرفعال، با دلیل)؛ وضعیت کسب‌وکار همان نتیجهٔ آخرین "
        "پایش می‌شود. همان بررسی‌های سایت.",
        request=ContinuityCheckIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        tags=["پایش استمرار"],
        responses={201: OpenApiResponse(ContinuityCheckOut, description="پایش ثبت شد."), **ERRORS},
    )
    def post(self, request):
        data = validated(ContinuityCheckIn, request)
        with transaction.atomic():
            replay = idempotency.begin(request)
            if replay is not None:
                return replay
            business = business_get_visible(request.user, data["business"])
            check = continuity_check_create(
                actor=request.user,
                business=business,
                checked_on=data["checked_on"],
                status=data["status"],
                reason=data.get("reason") or "",
                note=data.get("note") or "",
            )
            return idempotency.finish(request, Response(ContinuityCheckOut(check).data, status=status.HTTP_201_CREATED))
