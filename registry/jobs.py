"""The registry's import and export as background jobs, with progress and cancel.

A 100,000-row import or a million-row export takes longer than a web request may (the
gunicorn timeout is 60 s): the page stores a RegistryJob and the worker runs it
(registry/tasks.py), updating rows done of rows every PROGRESS_EVERY rows; the page polls
its JSON status and offers a cancel, which the run obeys at its next progress report.
The import stays all or nothing: a cancel during the write rolls the one transaction back.
The export's file is kept under private media and served only to its requester.

Without Redis (`make run`) Celery runs tasks in-process (CELERY_TASK_ALWAYS_EAGER): the
job then runs inside the request that asked for it, as the pages did before, and the
page shows its outcome at once.
`manage.py import_businesses` / `export_businesses` call imports/exports directly, no job.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from core import persian

from . import exports, import_files, imports
from .filters import BusinessFilter
from .models import RegistryJob
from .selectors import businesses_visible_to

logger = logging.getLogger(__name__)

RUN_TASK = "registry.tasks.run_registry_job"

QUEUE_DOWN = "صف کارهای پس‌زمینه (Redis) همین حالا در دسترس نیست و این کار آغاز نشد؛ چند دقیقهٔ دیگر دوباره امتحان کنید."
FAILED = "این کار با خطای پیش‌بینی‌نشده متوقف شد و چیزی ثبت نشد. به مدیر سامانه خبر دهید (شمارهٔ کار: {id})."
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class Cancelled(Exception):
    """Raised from a progress report once the requester asked to cancel."""


def in_process() -> bool:
    return bool(current_app.conf.task_always_eager)


# ---------------------------------------------------------------- asking for a job


def import_request(*, actor, upload) -> RegistryJob:
    """A job for an uploaded file (already within the form's size limit), started at once."""
    job = RegistryJob(kind=RegistryJob.Kind.IMPORT, requested_by=actor, filename=upload.name[:255])
    job.upload.save(f"{timezone.now():%Y%m%d%H%M%S}.bin", upload, save=False)
    job.save()
    _start(job)
    return job


# Each person's latest exports keep their files; older ones are removed when they ask
# for another (a million-row file is tens of megabytes).
KEPT_EXPORTS = 5


def export_request(*, actor, filters: str, export_format: str) -> RegistryJob:
    _drop_old_exports(actor)
    if export_format not in RegistryJob.Format.values:
        export_format = RegistryJob.Format.XLSX
    stamp = persian.format_jalali(persian.local_today(), "%Y-%m-%d", digits="ascii")
    job = RegistryJob.objects.create(
        kind=RegistryJob.Kind.EXPORT,
        requested_by=actor,
        export_format=export_format,
        filters=filters[:2000],
        filename=f"businesses-{stamp}.{export_format}",
    )
    _start(job)
    return job


def _drop_old_exports(actor) -> None:
    mine = RegistryJob.objects.filter(requested_by=actor, kind=RegistryJob.Kind.EXPORT).exclude(result="")
    for job in mine.order_by("-created_at", "-id")[KEPT_EXPORTS - 1 :]:
        job.result.delete(save=False)
        RegistryJob.objects.filter(pk=job.pk).update(result="")


def _start(job: RegistryJob) -> None:
    if in_process():
        job_run(job.pk)
        job.refresh_from_db()
        return
    transaction.on_commit(lambda: _send(job.pk), robust=True)


def _send(job_id: int) -> None:
    try:
        # By name: registry.tasks imports this module (registered by RegistryConfig.ready).
        current_app.tasks[RUN_TASK].apply_async(args=[job_id], queue=settings.REPORT_QUEUE)
    except Exception:
        logger.exception("registry job %s: could not be queued", job_id)
        _finish(job_id, RegistryJob.Status.FAILED, error=QUEUE_DOWN)


def job_cancel(*, actor, job: RegistryJob) -> bool:
    """Ask a job that has not finished to stop; True when it was still running or waiting.
    A waiting job is cancelled at once; a running one at its next progress report."""
    if job.requested_by_id != actor.pk:
        return False
    RegistryJob.objects.filter(pk=job.pk, status=RegistryJob.Status.PENDING).update(
        status=RegistryJob.Status.CANCELLED, cancel_requested=True, finished_at=timezone.now()
    )
    asked = RegistryJob.objects.filter(pk=job.pk, status=RegistryJob.Status.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    if job.status == RegistryJob.Status.CANCELLED:
        _drop_upload(job)
    return bool(asked) or job.status == RegistryJob.Status.CANCELLED


# ---------------------------------------------------------------- running it (the worker)


def job_run(job_id: int) -> str:
    """Claim the job (a second run, or a cancelled one, is a no-op) and run it to the end."""
    claimed = RegistryJob.objects.filter(pk=job_id, status=RegistryJob.Status.PENDING).update(
        status=RegistryJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = RegistryJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        if job.kind == RegistryJob.Kind.IMPORT:
            _run_import(job)
        else:
            _run_export(job)
    except Cancelled:
        _finish(job.pk, RegistryJob.Status.CANCELLED)
    except Exception:
        logger.exception("registry job %s failed", job.pk)
        _finish(job.pk, RegistryJob.Status.FAILED, error=FAILED.format(id=persian.persian_digits(job.pk)))
    finally:
        _drop_upload(job)
    return RegistryJob.objects.values_list("status", flat=True).get(pk=job.pk)


def _reporter(job_id: int):
    """progress(rows, phase): saved where the page reads it; raises Cancelled if asked.
    Each report is its own statement, so it is visible at once outside a transaction;
    within the import's write transaction the row counts wait, the phase was set before."""

    def report(done: int, phase: str = "") -> None:
        fields = {"rows_done": done}
        if phase:
            fields["phase"] = phase
        RegistryJob.objects.filter(pk=job_id).update(**fields)
        if RegistryJob.objects.filter(pk=job_id, cancel_requested=True).exists():
            raise Cancelled

    return report


def _run_import(job: RegistryJob) -> None:
    with job.upload.open("rb") as handle:
        content = handle.read()
    job.rows_total = import_files.estimate_rows(content)
    job.phase = "checking"
    job.save(update_fields=["rows_total", "phase"])
    upload = ContentFile(content, name=job.filename)
    report = _reporter(job.pk)

    def progress(done: int, phase: str) -> None:
        if phase == "checking":
            report(done, phase)
        elif done == 0:  # just before the write transaction opens
            RegistryJob.objects.filter(pk=job.pk).update(phase="writing")
        # Inside the write transaction the job's row is only read: an update there would
        # hold its lock until the commit, and the page's cancel would wait for the end.
        elif RegistryJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise Cancelled

    result = imports.import_businesses(actor=job.requested_by, upload=upload, filename=job.filename, progress=progress)
    outcome = {
        "created": result.created,
        "rows": result.rows,
        "errors": [[e.row, e.column, e.message] for e in result.errors],
        "flagged": [[e.row, e.column, e.message] for e in result.flagged],
        "errors_capped": result.errors_capped,
        "notice": result.notice,
    }
    status = RegistryJob.Status.DONE if result.ok else RegistryJob.Status.FAILED
    _finish(job.pk, status, outcome=outcome, rows_done=result.rows, rows_total=result.rows)


def _run_export(job: RegistryJob) -> None:
    actor = job.requested_by
    queryset = businesses_visible_to(actor).select_related("commitment", "county", "sector")
    businesses = BusinessFilter(QueryDict(job.filters) or None, queryset=queryset, user=actor).qs
    total = businesses.count()
    RegistryJob.objects.filter(pk=job.pk).update(rows_total=total, phase="writing")
    report = _reporter(job.pk)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / job.filename
        if job.export_format == RegistryJob.Format.CSV:
            with path.open("w", encoding="utf-8", newline="") as out:
                for chunk in exports.export_csv_chunks(businesses, report):
                    out.write(chunk)
        else:
            with path.open("wb") as out:
                exports.export_xlsx(businesses, out, report)
        with path.open("rb") as built:
            job.result.save(f"{job.pk}-{job.filename}", File(built), save=False)
    RegistryJob.objects.filter(pk=job.pk).update(result=job.result.name)
    _finish(job.pk, RegistryJob.Status.DONE, rows_done=total, rows_total=total)


def _finish(job_id: int, status: str, **fields) -> None:
    RegistryJob.objects.filter(pk=job_id).exclude(status__in=[RegistryJob.Status.DONE]).update(
        status=status, finished_at=timezone.now(), **fields
    )


def _drop_upload(job: RegistryJob) -> None:
    """The uploaded file may hold owners' national codes: it never outlives its run."""
    if job.upload:
        job.upload.delete(save=False)
        RegistryJob.objects.filter(pk=job.pk).update(upload="")


def import_result(job: RegistryJob) -> imports.ImportResult | None:
    """A finished import's outcome as the import page shows it."""
    if not job.outcome:
        return None
    o = job.outcome
    result = imports.ImportResult(
        created=o["created"],
        rows=o["rows"],
        errors=[imports.RowError(*e) for e in o["errors"]],
        flagged=[imports.RowError(*e) for e in o["flagged"]],
        errors_capped=o["errors_capped"],
    )
    result.status_ignored = bool(o["notice"])
    return result


def status_json(job: RegistryJob) -> dict:
    from django.urls import reverse

    return {
        "id": job.pk,
        "status": job.status,
        "label": job.get_status_display(),
        "phase": job.phase,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "text": progress_text(job),
        "finished": job.finished,
        "download_url": reverse("registry:job_download", args=[job.pk]) if job.result else "",
        "page_url": reverse("registry:job", args=[job.pk]),
        "error": job.error,
    }


def progress_text(job: RegistryJob) -> str:
    """«۲۰٬۰۰۰ از ۱۰۰٬۰۰۰ ردیف (۲۰٪)» and what is being done."""
    if job.status == RegistryJob.Status.PENDING:
        return "در صف؛ به‌زودی آغاز می‌شود."
    done, total = persian.format_number(job.rows_done), persian.format_number(job.rows_total)
    counted = f"{done} از {total} ردیف ({persian.format_percent(job.percent)})" if job.rows_total else f"{done} ردیف"
    if job.status == RegistryJob.Status.RUNNING:
        if job.phase == "writing" and job.kind == RegistryJob.Kind.IMPORT:
            return f"همهٔ {done} ردیف درست بود؛ در حال ثبت یک‌جا…"
        verb = "بررسی شد" if job.kind == RegistryJob.Kind.IMPORT else "نوشته شد"
        return f"{counted} {verb}."
    return f"{counted}."
