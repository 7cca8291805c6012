"""`make bench`: build (or reuse) a province-scale data set in PostgreSQL and measure.

    python manage.py bench [--scale 1.0] [--requests 50] [--skip-load] [--only pages,reports,...]

Writes bench-results.json (one object per measured figure, each with a "name").
"""

from __future__ import annotations

import csv
import os
import platform
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment
from core import persian
from kerman_jobs.benchmark import dataset, measure
from registry.models import HomeBusiness

STEPS = ("pages", "reports", "export", "import", "load", "reminders")


class Command(BaseCommand):
    help = "Builds the province-scale benchmark data set in PostgreSQL and measures pages, reports, export, import and load."

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
        if "reports" in steps:
            self.reports(official)
        if "export" in steps:
            self.export(official)
        if "import" in steps:
            self.import_rows(staff, scale)
        if "load" in steps:
            self.load(official, load_seconds)
        if "reminders" in steps:
            self.reminders()
        self.table()

    def record(self, result: dict) -> None:
        self.results.append(result)
        measure.write_results(self.results, self.output)

    # ------------------------------------------------------------------ steps

    def pages(self, official, requests: int) -> None:
        client = Client()
        client.force_login(official)
        parent = Commitment.objects.filter(title__startswith=dataset.BENCH_PREFIX, parent__isnull=True).first()
        pages = [
            ("dashboard", reverse("reports:dashboard")),
            ("commitment", reverse("commitments:detail", args=[parent.pk])),
            ("business_list", reverse("registry:list")),
            ("continuity", reverse("registry:cohorts")),
        ]
        for name, url in pages:
            self.stdout.write(f"page {name}: {url}")
            self.record(measure.measure_page(client, name, url, requests))

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
        HomeBusiness.objects.filter(reference_code__startswith=prefix).delete()
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
        HomeBusiness.history.filter(reference_code__startswith=prefix).delete()
        HomeBusiness.objects.filter(reference_code__startswith=prefix).delete()

    def load(self, official, seconds: int) -> None:
        # A real session row in the database gunicorn reads, as a browser login leaves.
        client = Client()
        client.force_login(official)
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.stdout.write(f"load: gunicorn 2 workers, wrk {seconds}s at the dashboard")
        result = measure.load_run(session_key, seconds=seconds)
        self.stdout.write(result.pop("raw", ""))
        self.record(result)

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
            elif name.startswith(("report.", "report_pdf.", "export.", "import.")):
                line = f"{r['seconds']} s, peak {r['peak_mb']} MB, exit {r['exit_code']}"
            elif name == "load.dashboard":
                line = f"{r.get('requests_per_second')} req/s, p99 {r.get('p99_ms')} ms, non-2xx {r.get('non_2xx')}"
            else:
                line = ", ".join(f"{k}={v}" for k, v in r.items() if k != "name")
            self.stdout.write(f"{name:32} {line}")
        self.stdout.write(f"\nwritten: {self.output}")
