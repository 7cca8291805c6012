"""The reports page: the list with status, «ساخت همین حالا», downloads, and a JSON status for polling.

Access is reports.selectors' one rule; files are served only through report_download,
never from a public media URL.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import persian
from core.fields import BIG_INTEGER_MAX
from core.roles import is_official

from . import selectors, services
from .models import Report

LIST_LIMIT = 100
BROKER_DOWN = (
    "درخواست «{kind}» ثبت شد و در صف ماند، اما سرویس صف ساخت گزارش‌ها (Redis) همین حالا در دسترس نیست "
    "و ساخت آن هنوز شروع نشده است. درخواست شما محفوظ است و به محض برقراری دوباره، خودکار ساخته می‌شود؛ "
    "لازم نیست دوباره درخواست دهید."
)
SESSION_ENDED = "نشست شما به پایان رسیده است؛ برای دیدن وضعیت گزارش‌ها دوباره وارد شوید."
FORMATS = {
    "pdf": ("pdf", "application/pdf"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _status_json(report: Report) -> dict:
    """One report's state for the list's polling; `report` has been through with_downloadable."""
    ready = report.status == Report.Status.READY and report.downloadable
    return {
        "id": report.pk,
        "status": report.status,
        "label": report.get_status_display(),
        "pdf_url": reverse("reports:download", args=[report.pk, "pdf"]) if ready and report.pdf else "",
        "xlsx_url": reverse("reports:download", args=[report.pk, "xlsx"]) if ready and report.xlsx else "",
        "error": report.error if report.status == Report.Status.FAILED else "",
        "finished": persian.format_jalali_datetime(report.finished_at) if report.finished_at else "",
    }


@login_required
@require_GET
def report_list(request):
    reports = selectors.with_downloadable(request.user, list(selectors.reports_visible_to(request.user)[:LIST_LIMIT]))
    return render(
        request,
        "reports/list.html",
        {
            "reports": reports,
            "kinds": Report.Kind.choices,
            "can_request": selectors.can_request_reports(request.user),
            "restricted": not is_official(request.user),
            "in_progress": [r.pk for r in reports if r.status in (Report.Status.PENDING, Report.Status.RUNNING)],
        },
    )


@login_required
@require_POST
def report_request(request):
    kind = request.POST.get("kind", "")
    try:
        report = services.report_request(actor=request.user, kind=kind)
    except PermissionDenied:
        raise Http404("گزارش پیدا نشد.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:list")
    if services.report_was_enqueued(report.pk):
        messages.success(
            request, f"«{report.get_kind_display()}» در صف ساخت قرار گرفت؛ همین صفحه آماده شدنش را نشان می‌دهد."
        )
    else:
        messages.warning(request, BROKER_DOWN.format(kind=report.get_kind_display()))
    return redirect(f"{reverse('reports:list')}#report-{report.pk}")


@login_required
@require_POST
def report_retry(request, pk: int):
    report = selectors.report_get_visible(request.user, pk)
    try:
        services.report_retry(actor=request.user, report=report)
    except PermissionDenied:
        raise Http404("گزارش پیدا نشد.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('reports:list')}#report-{report.pk}")


@require_GET
def report_status(request):
    """{"reports": [...]} for the ids asked (?ids=3,4), limited to those the user may see.
    Asked by a script, not a person: a session that has ended gets 401 with a Persian word,
    not a redirect to the login page that the script would read as JSON."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": SESSION_ENDED, "login_url": settings.LOGIN_URL}, status=401)
    ids = []
    for part in request.GET.get("ids", "").split(",")[:LIST_LIMIT]:
        if not part.strip():
            continue
        try:
            number = persian.parse_int(part)
        except persian.PersianValueError:
            number = 0
        if not 0 < number <= BIG_INTEGER_MAX:  # a larger id would overflow the database's integer
            return JsonResponse({"error": "هر شناسهٔ گزارش باید عددی مثبت باشد، مثل ?ids=3,4."}, status=400)
        ids.append(number)
    reports = selectors.with_downloadable(
        request.user, list(selectors.reports_visible_to(request.user).filter(pk__in=ids[:LIST_LIMIT]))
    )
    return JsonResponse({"reports": [_status_json(r) for r in reports]})


@login_required
@require_GET
def report_download(request, pk: int, fmt: str):
    report = selectors.report_get_downloadable(request.user, pk)
    if fmt not in FORMATS or report.status != Report.Status.READY:
        raise Http404("فایل این گزارش آماده نیست.")
    field = report.pdf if fmt == "pdf" else report.xlsx
    if not field:
        raise Http404("فایل این گزارش آماده نیست.")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("فایل این گزارش پیدا نشد.") from None
    extension, content_type = FORMATS[fmt]
    stamp = persian.format_jalali(report.finished_at or report.created_at, "%Y-%m-%d", digits="ascii")
    stage = "پیش‌نویس" if report.is_draft else "نهایی"
    filename = f"{report.get_kind_display()}-{stage}-{stamp}-{report.pk}.{extension}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def milestone_done(request, pk: int):
    """An official marks a deliverable done, attaching the ready report that answers it."""
    from commitments.models import Milestone
    from commitments.selectors import milestones_visible_to

    if not is_official(request.user):
        raise PermissionDenied("فقط مقام استانی انجام یک مهلت را ثبت می‌کند.")
    try:
        milestone = milestones_visible_to(request.user).select_related("responsible").get(pk=pk, done_on__isnull=True)
    except (Milestone.DoesNotExist, ValueError, TypeError):
        raise Http404("مهلت باز پیدا نشد.") from None
    candidates = services.ready_reports_for(milestone)
    error = ""
    status = 200
    if request.method == "POST":
        chosen = next((r for r in candidates if str(r.pk) == request.POST.get("report", "")), None)
        if chosen is None:
            error = "یکی از گزارش‌های آمادهٔ فهرست را انتخاب کنید."
            status = 400
        else:
            try:
                services.milestone_done_with_report(actor=request.user, milestone=milestone, report=chosen)
            except ValidationError as exc:
                error = " ".join(exc.messages)
                status = 400
            else:
                messages.success(request, f"«{milestone.title}» انجام‌شده ثبت شد و گزارشش پیوست شد.")
                return redirect(f"{reverse('reports:dashboard')}#milestone-{milestone.pk}")
    return render(
        request,
        "reports/milestone_done.html",
        {"milestone": milestone, "candidates": candidates, "error": error},
        status=status,
    )
