"""Pages for officials and chamber staff: a commitment, progress entry and review.

Views stay thin: who may see what is decided in selectors (404 for "missing" and "not
yours" alike), every write goes through services, forms only read what people type.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from core import charts, persian
from core.forms import add_service_errors
from core.history import change_rows
from core.roles import is_official
from core.writes import AlreadySubmitted

from . import drawing, figures, selectors, services
from .forms import ProgressEntryEditForm, ProgressEntryForm, ReopenForm, ReturnForm, VerifyForm
from .models import Commitment, Milestone, ProgressEntry

ENTRY_FIELDS = ("period_end", "jobs_created", "county", "sector", "credit_paid", "note", "evidence")
ALREADY_SENT = "این فرم پیش‌تر یک بار فرستاده شده بود و گزارش همان بار ثبت شد؛ گزارش دوباره ثبت نشد."
ENTRIES_PER_PAGE = 50
REVIEWS_PER_PAGE = 50


def _require_official(user) -> None:
    if not is_official(user):
        raise PermissionDenied("این بخش فقط برای مقام‌های استانی است.")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# ---------------------------------------------------------------- a commitment


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    # The commitment with its tranches in one query, each with the number of its entries
    # (the pager's count); missing and not visible are one 404, as commitment_get_visible.
    # COUNT(*) of the page's commitment alone: read from the index on (commitment, …).
    entry_count = (
        ProgressEntry.objects.filter(commitment=OuterRef("pk")).order_by().values("commitment").annotate(n=Count("*"))
    )
    family = (
        selectors.commitments_visible_to(user)
        .filter(Q(pk=pk) | Q(parent_id=pk) | Q(parent__parent_id=pk))
        .annotate(entry_count=Case(When(pk=pk, then=Coalesce(Subquery(entry_count.values("n")), 0)), default=Value(0)))
    )
    ladder = figures.commitment_figures(family)
    main = next((f for f in ladder if f.commitment.pk == pk), None)
    if main is None:
        raise Http404("تعهد پیدا نشد.")
    commitment = main.commitment
    main.outlook = main.forecast()
    tranches = [f for f in ladder if f.commitment.pk != commitment.pk]
    for fig in tranches:
        fig.outlook = fig.forecast()
    today = persian.local_today()
    milestones = [
        {"milestone": m, "days_left": (m.due_on - today).days, "overdue": m.done_on is None and m.due_on < today}
        for m in commitment.milestones.select_related("responsible").order_by("due_on", "id")
    ]
    # Newest first, a page at a time: a commitment of years holds thousands of entries.
    pager = Paginator(
        commitment.progress_entries.select_related("county", "sector", "entered_by", "verified_by").order_by(
            "-period_end", "-id"
        ),
        ENTRIES_PER_PAGE,
    )
    pager.count = commitment.entry_count  # counted above, with the commitment
    entries = pager.get_page(request.GET.get("page"))
    official = is_official(user)
    # Officials read who changed the commitment, its deadlines and its entries, when and why.
    history = (
        change_rows(
            Commitment.history.filter(id=commitment.pk),
            Milestone.history.filter(commitment_id=commitment.pk),
            ProgressEntry.history.filter(commitment_id=commitment.pk),
            limit=200,
            known=[commitment],
        )
        if official
        else None
    )
    context = {
        "commitment": commitment,
        "parent": commitment.parent if commitment.parent_id else None,
        "main": main,
        "tranches": tranches,
        "family_ids": [f.commitment.pk for f in ladder],
        "milestones": milestones,
        "entries": entries,
        "partners": list(commitment.partners.all()),
        "history": history,
        "is_official": official,
        "can_report": selectors.can_report_on(user, commitment),
        "progress": charts.progress_bar(main.percent, width=320),
    }
    return render(request, "commitments/commitment_detail.html", context)


@login_required
@require_POST
def commitment_set_public(request: HttpRequest, pk: int) -> HttpResponse:
    """An official shows a commitment on the public pages or takes it off."""
    _require_official(request.user)
    commitment = selectors.commitment_get_visible(request.user, pk)
    show = request.POST.get("is_public") == "1"
    services.commitment_set_public(actor=request.user, commitment=commitment, is_public=show)
    messages.success(request, "این تعهد در صفحهٔ عمومی دیده می‌شود." if show else "این تعهد از صفحهٔ عمومی برداشته شد.")
    return redirect("commitments:detail", pk=commitment.pk)


# ---------------------------------------------------------------- progress entries


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_get_reportable(request.user, pk)
    form = ProgressEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.progress_entry_create(
                actor=request.user,
                commitment=commitment,
                submission_token=form.cleaned_data["submission_token"],
                **{k: form.cleaned_data[k] for k in ENTRY_FIELDS},
            )
        except AlreadySubmitted as exc:
            messages.info(request, ALREADY_SENT)
            return redirect("commitments:entry", pk=exc.first.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"گزارش {persian.format_number(entry.jobs_created)} شغل ثبت شد و برای بررسی به مقام استانی رفت.",
            )
            # Saved all the same: the official decides; both of them see the flag.
            review = figures.review_context([commitment])[commitment.pk]
            for flag in figures.over_target(review, entry):
                messages.warning(request, f"{flag.message}. مقام استانی این هشدار را هنگام بررسی می‌بیند.")
            return redirect("commitments:detail", pk=commitment.pk)
    status = 400 if request.method == "POST" else 200
    review = figures.review_context([commitment])[commitment.pk]
    typed = form.cleaned_data.get("jobs_created") if form.is_bound and hasattr(form, "cleaned_data") else None
    flags = figures.over_target(review, jobs=typed) if typed else []
    context = {
        "form": form,
        "commitment": commitment,
        "entry": None,
        "review": review,
        "hints": [
            {"level": level, "flag": next((f for f in flags if f.figures is level), None)}
            for level in review.levels
            if level.target is not None
        ],
    }
    return render(request, "commitments/entry_form.html", context, status=status)


def _may_edit(user, entry: ProgressEntry) -> bool:
    return (entry.entered_by_id == user.pk or user.is_superuser) and selectors.can_report_on(user, entry.commitment)


@login_required
@require_http_methods(["GET", "POST"])
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry: its figures and review state; its author edits it here until it is verified."""
    user = request.user
    entry = selectors.progress_entry_get_visible(user, pk)
    may_edit = _may_edit(user, entry)
    locked = entry.status == ProgressEntry.Status.VERIFIED
    status = 200
    form = None
    if may_edit and not locked:
        initial = {name: getattr(entry, name) for name in ENTRY_FIELDS if name != "evidence"}
        initial["version"] = entry.version
        form = ProgressEntryEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("فقط ثبت‌کنندهٔ گزارش می‌تواند آن را ویرایش کند.")
        if locked:
            status = 409
            messages.error(request, "این گزارش تأیید شده و قفل است؛ چیزی تغییر نکرد.")
        elif form.is_valid():
            data = form.cleaned_data
            changes = {k: data[k] for k in ENTRY_FIELDS}
            try:
                saved = services.progress_entry_update(
                    actor=user, entry=entry, version=data["version"], reason=data.get("reason") or "", **changes
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 409 if isinstance(exc, services.ConcurrentEditError) else 400
            else:
                if saved.version == data["version"]:
                    messages.info(request, "چیزی تغییر نکرده بود؛ گزارش همان‌طور که بود ماند.")
                else:
                    messages.success(request, "گزارش ویرایش شد و دوباره برای بررسی فرستاده شد.")
                return redirect("commitments:entry", pk=entry.pk)
        else:
            status = 400
    official = is_official(user)
    review, flags = _review_of(entry)
    context = {
        "entry": entry,
        "commitment": entry.commitment,
        "form": form,
        "locked": locked,
        "may_edit": may_edit,
        "is_official": official,
        "history": list(entry.history.select_related("history_user").order_by("-history_date", "-history_id"))
        if official or may_edit
        else [],
        "return_form": ReturnForm(initial={"version": entry.version}),
        "review": review,
        "flags": flags,
        "actions": _review_actions(entry, flags),
        "may_review": services.may_review(user, entry),
        "may_reopen": official and locked and not entry.is_baseline,
        "reopen_max": services.REOPEN_REASON_MAX,
    }
    return render(request, "commitments/entry_detail.html", context, status=status)


@login_required
def entry_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file, only to those who may see the entry (never a public media URL)."""
    entry = selectors.progress_entry_get_visible(request.user, pk)
    if not entry.evidence:
        raise Http404("مستندی برای این گزارش نیست.")
    try:
        handle = entry.evidence.open("rb")
    except FileNotFoundError:
        raise Http404("فایل مستند پیدا نشد.") from None
    name = Path(entry.evidence.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


# ---------------------------------------------------------------- review

# What each review action asks before it writes; the yes button says what will happen.
REVIEW_ACTIONS = {
    "verify": {"title": "تأیید گزارش", "yes": "بله، تأیید شود", "url": "commitments:entry_verify"},
    "return": {"title": "برگشت گزارش به کارشناس", "yes": "بله، برگشت داده شود", "url": "commitments:entry_return"},
    "reopen": {"title": "بازگشایی گزارش", "yes": "بله، بازگشایی شود", "url": "commitments:entry_reopen"},
}


def _review_of(entry: ProgressEntry) -> tuple[figures.ReviewContext, list[figures.OverTarget]]:
    review = figures.review_context([entry.commitment])[entry.commitment_id]
    return review, figures.over_target(review, entry)


def _review_actions(entry: ProgressEntry, flags: list[figures.OverTarget]) -> dict[str, dict]:
    """Per action: its title, the question asked (by the dialog in static/js/site.js, or by
    the confirmation page without JavaScript) and the yes button's words."""
    what = (
        f"گزارش {persian.format_number(entry.jobs_created)} شغل تا {persian.format_jalali(entry.period_end)} "
        f"برای «{entry.commitment.title}»"
    )
    questions = {
        "verify": f"{what} تأیید شود؟ رقم تأییدشده در پیشخوان و گزارش‌های رسمی می‌آید.",
        "return": f"{what} با دلیلی که نوشتید به کارشناس برگشت داده شود؟",
        "reopen": f"{what} بازگشایی شود؟ از همهٔ رقم‌ها بیرون می‌رود و دوباره «ارسال شده» می‌شود تا بررسی شود.",
    }
    if flags:
        questions["verify"] += "".join(f"\n{flag.message}." for flag in flags)
    return {name: {**spec, "question": questions[name]} for name, spec in REVIEW_ACTIONS.items()}


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _require_official(request.user)
    # Oldest first, a page at a time: a province's backlog can hold tens of thousands.
    page = Paginator(
        selectors.entries_awaiting_review(request.user)
        .select_related("commitment", "commitment__organization", "entered_by", "county", "sector")
        .order_by("created_at", "id"),
        REVIEWS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    entries = list(page.object_list)
    # The context of this page's cards at once: a fixed number of queries per page.
    reviews = figures.review_context(e.commitment for e in entries)
    cards = []
    for entry in entries:
        review = reviews[entry.commitment_id]
        flags = figures.over_target(review, entry)
        cards.append(
            {
                "entry": entry,
                "review": review,
                "flags": flags,
                "actions": _review_actions(entry, flags),
                "may_review": services.may_review(request.user, entry),
            }
        )
    # Drawn in Python (commitments/drawing.py): the same HTML as a template loop, a fraction of the time.
    cards_html = drawing.review_cards(cards, csrf_token=get_token(request), next_path=request.path)
    return render(request, "commitments/review_queue.html", {"cards": cards, "cards_html": cards_html, "page": page})


def _review_action(request: HttpRequest, pk: int, action: str, form_class, write) -> HttpResponse:
    """Verify, return and reopen: an official's POST that must carry confirm=1.

    Without it (no JavaScript, so no dialog) nothing is written and a confirmation page
    asks the same question, its form carrying confirm=1. A second identical POST finds
    the version moved on and changes nothing (the service locks the row and checks it).
    """
    _require_official(request.user)
    entry = selectors.progress_entry_get_visible(request.user, pk)
    if action in ("verify", "return") and not services.may_review(request.user, entry):
        # Refused before asking "are you sure?"; the service refuses it again under its lock.
        raise PermissionDenied(services.SELF_REVIEW_REFUSED)
    form = form_class(request.POST)
    fallback = reverse("commitments:entry", args=[entry.pk])
    if not form.is_valid():
        if "version" in form.errors:
            messages.error(request, "درخواست ناقص بود؛ صفحه را دوباره باز کنید.")
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return redirect(_safe_next(request, fallback))
    if request.POST.get("confirm") != "1":
        if form.cleaned_data["version"] != entry.version:
            # Asking "are you sure?" about a page that is out of date helps nobody.
            messages.error(request, services.STALE_REVIEW)
            return redirect(_safe_next(request, fallback))
        review, flags = _review_of(entry)
        context = {
            "entry": entry,
            "commitment": entry.commitment,
            "review": review,
            "flags": flags,
            "action": _review_actions(entry, flags)[action],
            "reason": form.cleaned_data.get("reason", ""),
            "version": form.cleaned_data["version"],
            "next": _safe_next(request, ""),
            "back": _safe_next(request, fallback),
        }
        return render(request, "commitments/confirm.html", context)
    try:
        done = write(entry, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(_safe_next(request, fallback))


@login_required
@require_POST
def entry_verify(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry, data):
        services.progress_entry_verify(actor=request.user, entry=entry, version=data["version"])
        return f"گزارش {persian.format_number(entry.jobs_created)} شغل «{entry.commitment}» تأیید شد."

    return _review_action(request, pk, "verify", VerifyForm, write)


@login_required
@require_POST
def entry_return(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry, data):
        services.progress_entry_reject(actor=request.user, entry=entry, reason=data["reason"], version=data["version"])
        return f"گزارش «{entry.commitment}» با دلیل به کارشناس برگشت داده شد."

    return _review_action(request, pk, "return", ReturnForm, write)


@login_required
@require_POST
def entry_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def write(entry, data):
        services.progress_entry_reopen(actor=request.user, entry=entry, reason=data["reason"], version=data["version"])
        return (
            f"گزارش {persian.format_number(entry.jobs_created)} شغل «{entry.commitment}» بازگشایی شد: "
            "دوباره «ارسال شده» است و تا بررسی دوباره در هیچ رقمی نمی‌آید."
        )

    return _review_action(request, pk, "reopen", ReopenForm, write)
