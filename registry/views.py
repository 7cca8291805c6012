"""Pages of the home-business registry: list, business, checks, import/export, cohorts,
worklist, and the officials' list of owners registered more than once («تکراری»).

Thin views: access through the selectors (a business that is not yours is a 404 like
a missing one), writes through services or the import engine.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import figures as commitment_figures
from commitments.selectors import can_report_on, commitments_reportable_by, reader_scope
from core import charts, figure_cache, persian
from core.forms import add_service_errors
from core.history import change_rows
from core.roles import is_official
from core.writes import AlreadySubmitted

from . import drawing, figures, import_files, imports, jobs, services, survival
from .figures import business_list_counts
from .filters import BusinessFilter
from .forms import BusinessForm, CheckForm, ImportForm
from .models import ContinuityCheck, HomeBusiness, RegistryJob
from .selectors import (
    WorklistRows,
    business_duplicate_of,
    business_get_visible,
    businesses_of_owners,
    businesses_visible_to,
    duplicate_owners,
    job_get_visible,
    with_owner_flags,
    worklist_count,
)

PAGE_SIZE = 50
DUPLICATE_GROUPS_PAGE_SIZE = 25
WORKLIST_MONTHS = 6


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE, count: int | None = None):
    paginator = Paginator(queryset, size)
    if count is not None:
        # Already known (from the cached status counts): saves a COUNT(*) over the registry.
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _filters_key(request: HttpRequest) -> list:
    """The filters in the address, for a cache key (the page number is not a filter)."""
    return sorted((k, v) for k, v in request.GET.lists() if k != "page")


def _filtered(request: HttpRequest) -> BusinessFilter:
    businesses = businesses_visible_to(request.user).select_related("commitment", "county", "sector")
    return BusinessFilter(request.GET or None, queryset=businesses, user=request.user)


def _require_some_reportable(user) -> None:
    if not commitments_reportable_by(user).exists():
        raise PermissionDenied("ثبت کسب‌وکار با کارشناس گزارش‌دهندهٔ تعهد است.")


@login_required
@require_GET
def business_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    businesses = with_owner_flags(filterset.qs).order_by("-started_on", "-id")
    # Both counts come from the summary tables (registry.summaries) when the filters are
    # ones they can say, else from the rows; cached until the next write besides.
    # The figures count each owner once; the list shows every business, the «تکراری»
    # ones left out of the figures too.
    counts, listed = figure_cache.cached(
        "business_list_counts",
        reader_scope(request.user),
        _filters_key(request),
        lambda: business_list_counts(filterset.qs),
    )
    page, query = _page(request, businesses, count=listed)
    return render(
        request,
        "registry/list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": drawing.business_rows(page.object_list),
            "query": query,
            # Keyed by status: the statuses are glossary figures and the summary links their definitions.
            "by_status": [(s, counts[s]["count"]) for s in HomeBusiness.Status.values if s in counts],
            "not_counted": listed - sum(c["count"] for c in counts.values()),
        },
    )


@login_required
@require_GET
def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    business = business_get_visible(request.user, pk)
    return _render_detail(request, business, CheckForm(initial={"checked_on": persian.local_today()}))


def _render_detail(request, business: HomeBusiness, form, status: int = 200) -> HttpResponse:
    checks = business.checks.select_related("checked_by").order_by("-checked_on", "-id")
    return render(
        request,
        "registry/detail.html",
        {
            "business": business,
            "duplicate": business_duplicate_of(request.user, business),
            "sees_duplicates": is_official(request.user),
            "checks": checks,
            "form": form if can_report_on(request.user, business.commitment) else None,
            # Officials read who changed the business and its checks, when and why.
            "history": (
                change_rows(
                    HomeBusiness.history.filter(id=business.pk),
                    ContinuityCheck.history.filter(business_id=business.pk),
                )
                if is_official(request.user)
                else None
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_create(request: HttpRequest) -> HttpResponse:
    _require_some_reportable(request.user)
    commitments = commitments_reportable_by(request.user)
    form = BusinessForm(request.POST or None, commitments=commitments)
    if request.method == "POST" and form.is_valid():
        try:
            business = services.business_create(actor=request.user, **form.cleaned_data)
        except AlreadySubmitted as exc:
            messages.info(request, "این فرم پیش‌تر یک بار فرستاده شده بود و کسب‌وکار همان بار ثبت شد؛ دوباره ثبت نشد.")
            return redirect("registry:detail", pk=exc.first.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"کسب‌وکار «{persian.persian_digits(business.reference_code)}» ثبت شد.")
            if business_duplicate_of(request.user, business):
                messages.warning(
                    request,
                    "صاحب این کسب‌وکار با همین کد ملی پیش‌تر هم ثبت شده است؛ تکراری علامت خورد و یک بار شمرده می‌شود.",
                )
            return redirect("registry:detail", pk=business.pk)
    return render(request, "registry/create.html", {"form": form})


@login_required
@require_POST
def check_create(request: HttpRequest, pk: int) -> HttpResponse:
    business = business_get_visible(request.user, pk)
    if not can_report_on(request.user, business.commitment):
        raise PermissionDenied("ثبت پایش با کارشناس گزارش‌دهندهٔ این تعهد است.")
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            services.continuity_check_create(actor=request.user, business=business, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "پایش ثبت شد.")
            return redirect("registry:detail", pk=business.pk)
    business.refresh_from_db()
    return _render_detail(request, business, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def business_import(request: HttpRequest) -> HttpResponse:
    """The file goes to a background job (registry.jobs); its page shows the progress. Run
    in-process (no Redis), the job has ended when this returns and its outcome shows here."""
    _require_some_reportable(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.import_request(actor=request.user, upload=upload)
        if not job.finished:
            return redirect("registry:job", pk=job.pk)
        result = jobs.import_result(job)
        if result is None:  # cancelled or failed outside the file's rows
            return redirect("registry:job", pk=job.pk)
        if result.ok:
            _say_imported(request, result, job.filename)
            if not result.flagged:
                return redirect("registry:list")
    return _render_import(request, form, result)


def _say_imported(request: HttpRequest, result: imports.ImportResult, filename: str) -> None:
    messages.success(request, f"{persian.format_number(result.created)} کسب‌وکار از فایل «{filename}» ثبت شد.")
    if result.notice:
        messages.info(request, result.notice)


def _render_import(request: HttpRequest, form, result, template: str = "registry/import.html", **extra):
    return render(
        request,
        template,
        {
            "form": form,
            "result": result,
            "columns": imports.COLUMNS,
            "limits": import_files.limits_text(),
            "commitments": commitments_reportable_by(request.user).order_by("id"),
            **extra,
        },
        status=400 if result is not None and not result.ok else 200,
    )


@login_required
@require_POST
def business_export(request: HttpRequest) -> HttpResponse:
    """The list's filters (as in its address) and a format: a background job writes the file."""
    job = jobs.export_request(
        actor=request.user, filters=request.POST.get("filters", ""), export_format=request.POST.get("format", "")
    )
    return redirect("registry:job", pk=job.pk)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get_visible(request.user, pk)
    result = jobs.import_result(job) if job.kind == RegistryJob.Kind.IMPORT else None
    return render(
        request,
        "registry/job.html",
        {
            "job": job,
            "result": result,
            "limits": import_files.limits_text(),
            "progress_text": jobs.progress_text(job),
            "status": jobs.status_json(job),
        },
    )


@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress for its page's script. A session that has ended gets 401 with a
    Persian word (not a redirect the script would read as JSON); the poll sends
    X-Background-Poll, so it never extends an idle session (core/sessions.py)."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "error": "نشست شما به پایان رسیده است؛ برای دیدن پیشرفت کار دوباره وارد شوید.",
                "login_url": settings.LOGIN_URL,
            },
            status=401,
        )
    return JsonResponse(jobs.status_json(job_get_visible(request.user, pk)))


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get_visible(request.user, pk)
    if jobs.job_cancel(actor=request.user, job=job):
        messages.info(request, "درخواست لغو ثبت شد؛ کار در نخستین فرصت می‌ایستد و از ورود چیزی ثبت نمی‌شود.")
    else:
        messages.info(request, "این کار پیش‌تر پایان یافته بود.")
    return redirect("registry:job", pk=job.pk)


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's file, to its requester only, while it is kept."""
    job = job_get_visible(request.user, pk)
    if job.status != RegistryJob.Status.DONE or not job.result:
        raise Http404("فایل این خروجی آماده نیست.")
    try:
        handle = job.result.open("rb")
    except FileNotFoundError:
        raise Http404("فایل این خروجی پیدا نشد.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=jobs.CONTENT_TYPES[job.export_format]
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def cohorts(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    for name in ("status", "code"):
        # Survival reads the whole cohort; a status or code filter would bias it.
        filterset.filters.pop(name, None)
        filterset.form.fields.pop(name, None)
    businesses = filterset.qs
    months = (3, 6, 12)
    today = persian.local_today()
    # Seconds of work over every business and check at province scale: cached until
    # the next write (at most a minute), per reader's commitments and filters.
    rows, reasons = figure_cache.cached(
        "cohorts",
        reader_scope(request.user),
        {"filters": _filters_key(request), "today": today, "months": months},
        lambda: (
            survival.cohort_survival(businesses, months=months, today=today),
            figures.reason_counts(businesses),
        ),
    )
    overall = survival.survival_totals(rows, months=months)
    for row in rows:
        row["cells"] = [(n, _with_percent(row["survival"][n])) for n in months]
    return render(
        request,
        "registry/cohorts.html",
        {
            "filter": filterset,
            "rows": rows,
            "months": months,
            "overall": [(n, _with_percent(overall[n])) for n in months],
            "colspan": 2 + 2 * len(months),
            "chart": charts.survival_columns(rows, months=months),
            "reasons": reasons,
            "survival_rule": survival.SURVIVAL_RULE,
            "today": today,
        },
    )


def _with_percent(cell: dict) -> dict:
    return {**cell, "percent": None if cell["share"] is None else 100 * cell["share"]}


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """The reporter's businesses that started more than six months ago and have had no
    check in the last six months; never checked first, then the longest unchecked."""
    today = persian.local_today()
    since = survival.add_jalali_months(today, -WORKLIST_MONTHS)
    reportable = commitments_reportable_by(request.user)
    mine = sorted(reportable.values_list("id", flat=True))
    request.user._can_enter_businesses = bool(mine)  # the menu asks (commitments_ui.can_enter_businesses)
    due = WorklistRows(mine, since=since)
    # The count is cached until the next write, like the figures; the rows are not.
    count = figure_cache.cached(
        "worklist_count", figure_cache.scope_of_ids(mine), {"since": since}, lambda: worklist_count(mine, since=since)
    )
    page, query = _page(request, due, count=count)
    # «نیازمند گزارش»: the reporter's commitments still owing a progress entry for their
    # period, drawn with the figures' cache (hundreds of rows for a reporter of many), stale
    # once any commitment, entry or reporter changes, like the dashboard's list.
    owing_html = figure_cache.cached(
        "worklist_owing", f"user:{request.user.pk}", {"today": today}, lambda: _owing_html(reportable, today)
    )
    return render(
        request,
        "registry/worklist.html",
        {
            "page": page,
            "rows": drawing.worklist_rows(page.object_list),
            "query": query,
            "since": since,
            "months": WORKLIST_MONTHS,
            "today": today,
            "owing_html": owing_html,
        },
    )


def _owing_html(reportable, today) -> str:
    """The commitments owing a report, each with its period and «ثبت پیشرفت»; "" when none."""
    owing = commitment_figures.commitments_owing_reports(reportable, today)
    if not owing:
        return ""
    rows = [(c, owing[c.pk]) for c in reportable.filter(pk__in=owing).order_by("title", "pk")]
    return render_to_string("registry/_owing.html", {"rows": drawing.owing_rows(rows)})


@login_required
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """Owners registered more than once, for officials: each owner (never the code, not
    even masked) with their businesses, commitments and organisations, and which one the
    figures count. Three queries a page whatever the number of duplicates."""
    if not is_official(request.user):
        # The same words whatever exists: nothing about duplicates is revealed.
        raise PermissionDenied("این فهرست فقط برای مقام‌های استانی است.")
    page, query = _page(request, duplicate_owners(request.user), size=DUPLICATE_GROUPS_PAGE_SIZE)
    owners = list(page.object_list)
    by_owner: dict[str, list[HomeBusiness]] = {o["owner_code_hash"]: [] for o in owners}
    for business in businesses_of_owners(request.user, by_owner):
        by_owner[business.owner_code_hash].append(business)
    groups = [
        {
            "number": page.start_index() + i,
            "businesses": by_owner[o["owner_code_hash"]],
            "commitments": len({b.commitment_id for b in by_owner[o["owner_code_hash"]]}),
        }
        for i, o in enumerate(owners)
    ]
    return render(request, "registry/duplicates.html", {"page": page, "query": query, "groups": groups})
