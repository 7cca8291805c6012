"""`make bench`: build (or reuse) a province-scale data set in PostgreSQL and measure.

    python manage.py bench [--scale 1.0] [--requests 50] [--skip-load] [--only pages,reports,...]

Steps: pages (every page an official and a staff member open, cached and uncached),
reports, export, import, backup and restore (make backup of the whole bench database,
restored into a scratch database beside it, never over it), load (gunicorn with DEBUG
off, officials and staff reading and writing at once).

Writes bench-results.json (one object per measured figure, each with a "name").
"""

from __future__ import annotations

import csv
import datetime
import gc
import json
import os
import platform
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment, ProgressEntry
from core import persian
from kerman_jobs.benchmark import dataset, hostile, measure
from registry import import_files
from registry import summaries as registry_summaries
from registry.models import HomeBusiness

STEPS = ("pages", "public", "reports", "export", "import", "hostile", "backup", "load", "api", "reminders")


class Command(BaseCommand):
    help = (
        "Builds the province-scale benchmark data set in PostgreSQL and measures pages, reports, export, "
        "import, hostile import files, load and the partner API."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 300 commitments, 1,000,000 businesses")
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {STEPS}")
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument("--load-seconds", type=int, default=30)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "bench-results.json"))

    def handle(self, *args, scale, requests, only, skip_load, load_seconds, output, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://… (make bench does).")
        if requests < 50:
            self.stderr.write("fewer than 50 requests: the p95 figures are not comparable with BENCHMARKS.md")
        steps = {s.strip() for s in only.split(",") if s.strip()}
        if skip_load:
            steps.discard("load")
        self.results: list[dict] = []
        self.output = Path(output)

        sizes = dataset.Sizes.at(scale)
        start = time.perf_counter()
        built = dataset.build(sizes, log=lambda m: self.stdout.write(f"  {m}"))
        self.record(
            {
                "name": "dataset",
                "scale": scale,
                **built,
                "seconds": round(time.perf_counter() - start, 1),
                "machine": f"{platform.node()} {os.cpu_count()} cores {platform.processor() or platform.machine()}",
                "postgres": connection.cursor().connection.server_version,
            }
        )
        official, staff = dataset.bench_users()

        if "pages" in steps:
            self.pages(official, requests)
        if "public" in steps:
            self.public(requests)
        if "reports" in steps:
            self.reports(official)
        if "export" in steps:
            self.export(official)
        if "import" in steps:
            self.import_rows(staff, scale)
        if "hostile" in steps:
            self.hostile_imports(staff)
        if "backup" in steps or "restore" in steps:
            self.backup_and_restore()
        if "load" in steps:
            self.load(official, staff, load_seconds)
        if "api" in steps:
            self.api_entries(scale)
        if "reminders" in steps:
            self.reminders()
        self.table()

    def record(self, result: dict) -> None:
        self.results.append(result)
        measure.write_results(self.results, self.output)

    # ------------------------------------------------------------------ steps

    def pages(self, official, requests: int) -> None:
        """Every page an official and a staff member open, each cached (p95) and uncached."""
        # As a deployed gunicorn worker does once it has loaded the site (gunicorn.conf.py,
        # post_worker_init): what is loaded so far is set aside from the garbage collector,
        # so a full collection does not walk it inside a measured request.
        gc.freeze()
        for name, url, user in dataset.bench_pages(official, staff=dataset.bench_users()[1]):
            client = Client()
            client.force_login(user)
            self.stdout.write(f"page {name}: {url}")
            self.record(measure.measure_page(client, name, url, requests))

    def public(self, requests: int) -> None:
        # An anonymous visitor, as citizens read it: no session, the site's cache. The
        # rate limit (accountability/throttle.py) still runs on every request; it is raised here
        # only so that one client may make the measured number of requests in a minute.
        settings.PUBLIC_RATE_LIMIT = max(settings.PUBLIC_RATE_LIMIT, 3 * requests + 10)
        client = Client()
        self.stdout.write(f"page public: {reverse('public:index')} (anonymous)")
        self.record(measure.measure_page(client, "public", reverse("public:index"), requests))

    def reports(self, official) -> None:
        for kind in ("commitment_timetable", "pathology", "credits"):
            self.stdout.write(f"report {kind}: PDF and Excel, as the worker builds it")
            result = measure.run_measured(["build_report", kind])
            self.record({"name": f"report.{kind}", **result})
            # The PDF alone (its figures and rendering), in a process of its own: the
            # Excel file of the same report may also carry the million-row registry sheet.
            self.stdout.write(f"report {kind}: the PDF alone")
            code = (
                "from reports.models import Report;"
                "from reports.builders.kinds import build_content;"
                "from reports.builders.pdf import render_pdf;"
                f"data = render_pdf(build_content(Report(kind={kind!r})));"
                "print(len(data), 'bytes')"
            )
            result = measure.run_measured(["shell", "-c", code])
            self.record({"name": f"report_pdf.{kind}", **result})

    def export(self, official) -> None:
        self.stdout.write("export: every business to .xlsx")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "businesses.xlsx"
            result = measure.run_measured(["export_businesses", str(path), "--as", official.username])
            rows = HomeBusiness.objects.count()
            size = path.stat().st_size if path.exists() else None
        self.record({"name": "export.businesses_xlsx", "rows": rows, "bytes": size, **result})

    def import_rows(self, staff, scale: float) -> None:
        n = max(int(100_000 * scale), 1000)
        commitment = Commitment.objects.filter(title__startswith=dataset.BENCH_PREFIX).order_by("id").first()
        prefix = "IMP-"
        self.remove_imported(prefix)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "import.csv"
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(
                    ["کد پیگیری", "تعهد", "شهرستان", "رسته", "تاریخ شروع", "تعداد شغل", "مبلغ تسهیلات (ریال)"]
                )
                for i in range(n):
                    writer.writerow(
                        [
                            f"{prefix}{i:07d}",
                            commitment.pk,
                            "کرمان" if i % 2 else "بم",
                            "صنایع دستی",
                            persian.persian_digits(f"1404/{1 + i % 12:02d}/{1 + i % 28:02d}"),
                            1 + i % 3,
                            "۱۲٬۵۰۰٬۰۰۰",
                        ]
                    )
            self.stdout.write(f"import: {n:,} rows")
            result = measure.run_measured(["import_businesses", str(path), "--as", staff.username])
        imported = HomeBusiness.objects.filter(reference_code__startswith=prefix).count()
        self.record({"name": "import.businesses_csv", "rows": n, "imported": imported, **result})
        # Leave the data set as it was, so the next run measures the same thing.
        self.remove_imported(prefix)

    def remove_imported(self, prefix: str) -> None:
        """A raw delete: Model.delete() would write a history row per business, one at a
        time (minutes for 100,000); the imported businesses have no checks to cascade to.
        The summaries then take them out, as any delete does, so the data set and its
        summary tables stay equal (check_summaries)."""
        with transaction.atomic():
            imported_rows = HomeBusiness.objects.filter(reference_code__startswith=prefix)
            ids = list(imported_rows.values_list("id", flat=True))
            imported_rows._raw_delete(imported_rows.db)
            HomeBusiness.history.filter(reference_code__startswith=prefix)._raw_delete(imported_rows.db)
            registry_summaries.businesses_changed(ids)

    def hostile_imports(self, staff) -> None:
        """The attack run's worst files, full size, through the import page: each must be
        refused within the import's time limit, write nothing and answer under 1 MB."""
        commitment = Commitment.objects.filter(title__startswith=dataset.BENCH_PREFIX).order_by("id").first()
        files = {
            "repeated_rows_xlsx": lambda p: hostile.repeated_rows_xlsx(p.with_suffix(".xlsx"), commitment.pk),
            "bad_rows_csv": lambda p: hostile.bad_rows_csv(p.with_suffix(".csv"), import_files.MAX_FILE_BYTES),
            "blank_rows_xlsx": lambda p: hostile.blank_rows_xlsx(p.with_suffix(".xlsx")),
            "unpacking_bomb_xlsx": lambda p: hostile.unpacking_bomb_xlsx(p.with_suffix(".xlsx")),
        }
        with tempfile.TemporaryDirectory() as tmp:
            for name, build in files.items():
                build(Path(tmp) / name)
                path = next(Path(tmp).glob(f"{name}.*"))
                self.stdout.write(f"hostile import {name}: {path.stat().st_size:,} bytes")
                code = hostile.POST_CODE.format(path=str(path), username=staff.username)
                result = measure.run_measured(["shell", "-c", code])
                answer = result.pop("result") or {}
                within = (
                    result["exit_code"] == 0
                    and answer.get("written") == 0
                    and answer.get("page_bytes", hostile.PAGE_LIMIT_BYTES) < hostile.PAGE_LIMIT_BYTES
                    and result["seconds"] <= import_files.MAX_SECONDS
                )
                self.record(
                    {
                        "name": f"import.hostile_{name}",
                        "file_bytes": path.stat().st_size,
                        **result,
                        **answer,
                        "limit_seconds": import_files.MAX_SECONDS,
                        "limit_page_bytes": hostile.PAGE_LIMIT_BYTES,
                        "within_limits": within,
                    }
                )
                path.unlink()

    def backup_and_restore(self) -> None:
        """make backup of the whole bench database, then make restore of that archive into a
        scratch database on the same server (dropped afterwards), with the row counts compared."""
        db = connection.settings_dict
        scratch = f"{db['NAME']}_restore"
        url = os.environ.get("DATABASE_URL") or f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        parts = urlsplit(url)
        scratch_url = urlunsplit(parts._replace(path=f"/{scratch}"))
        with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
            self.stdout.write("backup: make backup (pg_dump --format=custom) of the whole bench database")
            env = {**os.environ, "BACKUP_DIR": tmp, "MEDIA_ROOT": str(Path(tmp) / "media")}
            result = measure.run_measured(["backup_data"], env=env)
            archives = list(Path(tmp).glob("kerman_jobs-*.tar*"))
            counts = {}
            if archives:
                with tarfile.open(archives[0]) as tar:
                    counts = json.load(tar.extractfile("manifest.json"))["counts"]
            self.record(
                {
                    "name": "backup",
                    "bytes": archives[0].stat().st_size if archives else None,
                    "rows": sum(counts.values()),
                    "tables": len(counts),
                    **result,
                }
            )
            if not archives:
                return
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{scratch}"')
            jobs = os.cpu_count() or 2
            self.stdout.write(f"restore: make restore into the scratch database {scratch} (pg_restore --jobs {jobs})")
            env = {
                **env,
                "DATABASE_URL": scratch_url,
                "MEDIA_ROOT": str(Path(tmp) / "media-restored"),
                "RESTORE_JOBS": str(jobs),
            }
            result = measure.run_measured(["restore_data", str(archives[0])], env=env)
            # restore_data compares every table's count with the manifest and fails otherwise.
            self.record(
                {
                    "name": "restore",
                    "rows": sum(counts.values()),
                    "jobs": jobs,
                    "row_counts_equal": result["exit_code"] == 0,
                    **result,
                }
            )
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    def load(self, official, staff, seconds: int) -> None:
        self.stdout.write(
            f"load: gunicorn 2 workers, DEBUG off; wrk {seconds}s, officials and staff reading and writing"
        )
        pages = dataset.bench_pages(official, staff)
        commitment = (
            Commitment.objects.filter(title__startswith=dataset.BENCH_PREFIX, reporters=staff).order_by("id").first()
        )
        result = measure.load_run_mixed(pages, entry_commitment=commitment, seconds=seconds)
        self.stdout.write(result.pop("raw", ""))
        self.record(result)
        # Leave the data set as it was: the entries the load wrote go again.
        written = dataset.remove_load_entries()
        self.stdout.write(f"load: {written} entries written during the run removed again")

    def api_entries(self, scale: float) -> None:
        """10,000 progress entries (at scale 1.0) POSTed through the partner API to gunicorn,
        as a bank's system would send them: a token, JSON, an Idempotency-Key each. They are
        removed again afterwards, so the next run measures the same thing."""
        from api.models import ApiToken, IdempotentRequest
        from api.services import api_token_create

        n = max(int(10_000 * scale), 200)
        commitment = (
            Commitment.objects.filter(title__startswith=dataset.BENCH_PREFIX, status="in_execution")
            .order_by("id")
            .first()
        )
        new = api_token_create(actor=None, organization=commitment.organization, name="bench")
        period_end = persian.local_today() - datetime.timedelta(days=1)
        bodies = [
            {
                "commitment": commitment.pk,
                "period_end": persian.format_jalali(period_end - datetime.timedelta(days=i % 300)),
                "jobs_created": 1 + i % 5,
                "note": f"بنچ API {i}",
            }
            for i in range(n)
        ]
        self.stdout.write(f"api: {n:,} progress entries POSTed to gunicorn (2 workers), 4 connections")
        # The throttle is the production's (per token, in the cache); its rate is lifted so the
        # run measures the API, not the limit.
        try:
            with measure.gunicorn_server({"API_RATE": "1000000/s"}) as port:
                result = measure.api_post_run(port, new.raw, bodies, path="/api/v1/progress-entries/")
            written = ProgressEntry.objects.filter(entered_by=new.token.user, commitment=commitment).count()
            self.record({"name": "api.progress_entries", "written": written, **result})
        finally:
            mine = ProgressEntry.objects.filter(entered_by=new.token.user, commitment=commitment)
            ProgressEntry.history.filter(id__in=mine.values("id")).delete()
            mine.delete()
            IdempotentRequest.objects.filter(token=new.token).delete()
            ApiToken.objects.filter(pk=new.token.pk).delete()

    # ------------------------------------------------------------------ output

    def reminders(self) -> None:
        """The daily run (notifications.reminders.run) on the last day of next Jalali month:
        no entry can be in it yet, so every commitment's reporters are reminded (the
        worst day), with the milestones' 10/3/1-day, overdue and escalation notices. Its
        e-mails are rendered and sent in-process to Django's memory backend, so the
        figure holds the whole cost a worker would bear. Then the same run again: what a
        second run on one day costs, sending nothing."""
        from django.core import mail
        from django.db.models import Q
        from django.test.utils import override_settings

        from kerman_jobs.celery import app as celery_app
        from notifications import reminders
        from notifications.models import Notification

        today = persian.local_today()
        j = persian.to_jalali(today)
        year, month = (j.year + 1, 1) if j.month == 12 else (j.year, j.month + 1)
        run_on = persian.jalali_month_range(year, month)[1]
        made = dataset.ensure_reminder_set(run_on)
        # The bench database is the benchmark's own: the last measurement's scheduled
        # notices go, so this one records them afresh.
        Notification.objects.filter(Q(event_key__startswith="period:") | Q(event_key__startswith="milestone:")).delete()
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                mail.outbox = []
                runs = []
                for _ in range(2):
                    # Counted by a wrapper: CaptureQueriesContext reads Django's query log,
                    # a deque of 9,000 that the data set's build has already filled.
                    queries = []
                    start = time.perf_counter()
                    with connection.execute_wrapper(lambda execute, *a, seen=queries: seen.append(1) or execute(*a)):
                        result = reminders.run(run_on)
                    runs.append((round(time.perf_counter() - start, 2), len(queries), result.notices, len(mail.outbox)))
                    mail.outbox = []
        finally:
            celery_app.conf.task_always_eager = eager
        (seconds, queries, notices, emails), (again_seconds, again_queries, again_notices, again_emails) = runs
        self.record(
            {
                "name": "reminders.daily",
                "seconds": seconds,
                "queries": queries,
                "notices": notices,
                "emails": emails,
                "run_on": persian.format_jalali(run_on, digits="ascii"),
                **made,
                "second_run_seconds": again_seconds,
                "second_run_queries": again_queries,
                "second_run_notices": again_notices,
                "second_run_emails": again_emails,
            }
        )

    def table(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"{'figure':32} {'value':>60}")
        for r in self.results:
            name = r["name"]
            if name.startswith("page."):
                line = (
                    f"median {r['median_ms']} ms, p95 {r['p95_ms']} ms, first {r['first_ms']} ms, "
                    f"uncached {r['uncached_ms']} ms, queries {r['queries']}/{r['uncached_queries']}, "
                    f"SQL alone {r['sql_alone_ms']} ms, ratio {r['page_to_sql_ratio']}"
                )
            elif name.startswith("import.hostile_"):
                line = (
                    f"{r['seconds']} s, peak {r['peak_mb']} MB, page {r.get('page_bytes')} bytes, "
                    f"status {r.get('status')}, written {r.get('written')}, within limits {r['within_limits']}"
                )
            elif name.startswith(("report.", "report_pdf.", "export.", "import.")) or name in ("backup", "restore"):
                line = f"{r['seconds']} s, peak {r['peak_mb']} MB, exit {r['exit_code']}"
            elif name.startswith("api."):
                line = (
                    f"{r['requests_per_second']} req/s, median {r['median_ms']} ms, p95 {r['p95_ms']} ms, "
                    f"non-2xx {r['non_2xx']}, written {r['written']}"
                )
            elif name.startswith("load."):
                line = f"{r.get('requests_per_second')} req/s, p99 {r.get('p99_ms')} ms, non-2xx {r.get('non_2xx')}"
            else:
                line = ", ".join(f"{k}={v}" for k, v in r.items() if k != "name")
            self.stdout.write(f"{name:32} {line}")
        self.stdout.write(f"\nwritten: {self.output}")
