"""`make backup` and `make restore FILE=…` for real: a filled database copied into an empty one.

Each side is its own database reached by its own DATABASE_URL, in subprocesses, like an
operator would run it: on PostgreSQL (when the suite runs there) two throwaway databases
on the same server, otherwise two SQLite files.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

FILL = r"""
import datetime
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from commitments import services
from registry import services as registry_services
from programs.models import County, Sector

User = get_user_model()
staff, official = User.objects.get(username="staff"), User.objects.get(username="official")
commitment = staff.reported_commitments.order_by("id").first()
county, sector = County.objects.order_by("id").first(), Sector.objects.order_by("id").first()
first = services.progress_entry_create(
    actor=staff, commitment=commitment, period_end=datetime.date(2026, 3, 1), jobs_created=120,
    county=county, sector=sector, credit_paid=4_500_000_000, note="گزارش «اسفند» با 'نقل‌قول'",
    evidence=ContentFile(b"%PDF-1.4 evidence of 120 jobs", name="proof.pdf"),
)
services.progress_entry_verify(actor=official, entry=first)
services.progress_entry_create(
    actor=staff, commitment=commitment, period_end=datetime.date(2026, 4, 1), jobs_created=35, credit_paid=900_000
)
business = registry_services.business_create(
    actor=staff, commitment=commitment, reference_code="KR-1405-0001", county=county, sector=sector,
    started_on=datetime.date(2025, 5, 1), jobs=3, loan_amount=2_000_000_000,
)
registry_services.continuity_check_create(
    actor=staff, business=business, checked_on=datetime.date(2026, 2, 1), status="semi_closed", reason="marketing"
)
"""

TOTALS = r"""
import json
from pathlib import Path
from django.conf import settings
from django.db.models import Sum
from commitments.models import Commitment, ProgressEntry
from registry.models import HomeBusiness
from kerman_jobs.backup import row_counts

counts = row_counts()
counts.pop("django_celery_beat.periodictasks", None)
entry = ProgressEntry.objects.exclude(evidence="").get()
print(json.dumps({
    "counts": counts,
    "verified_jobs": ProgressEntry.objects.filter(status="verified").aggregate(n=Sum("jobs_created"))["n"],
    "credit_paid": ProgressEntry.objects.aggregate(n=Sum("credit_paid"))["n"],
    "credit_committed": Commitment.objects.aggregate(n=Sum("credit_amount"))["n"],
    "loans": HomeBusiness.objects.aggregate(n=Sum("loan_amount"))["n"],
    "businesses": list(HomeBusiness.objects.values_list("reference_code", "status")),
    "notes": sorted(ProgressEntry.objects.values_list("note", flat=True)),
    "history_reasons": sorted(map(str, ProgressEntry.history.values_list("history_change_reason", flat=True))),
    "evidence": (entry.evidence.name, (Path(settings.MEDIA_ROOT) / entry.evidence.name).read_bytes().decode()),
}, sort_keys=True))
"""

AFTER_RESTORE_WRITE = r"""
import datetime
from django.contrib.auth import get_user_model
from commitments import services
staff = get_user_model().objects.get(username="staff")
entry = services.progress_entry_create(
    actor=staff, commitment=staff.reported_commitments.order_by("id").first(),
    period_end=datetime.date(2026, 5, 1), jobs_created=7,
)
services.progress_entry_verify(actor=get_user_model().objects.get(username="official"), entry=entry)
from programs.models import County, Sector
from registry import services as registry_services
business = registry_services.business_create(
    actor=staff, commitment=entry.commitment, reference_code="KR-1405-0002", county=County.objects.order_by("id").last(),
    sector=Sector.objects.order_by("id").last(), started_on=datetime.date(2025, 6, 1), jobs=2, loan_amount=0,
)
registry_services.continuity_check_create(
    actor=staff, business=business, checked_on=datetime.date(2026, 2, 2), status="active", reason=""
)
print(entry.pk)
"""


@pytest.fixture
def two_databases(tmp_path):
    """(source_url, target_url): throwaway databases, removed afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    import psycopg2

    parts = urlsplit(url)
    names = [f"kj_backup_test_{uuid.uuid4().hex[:8]}_{side}" for side in ("src", "dst")]
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        for name in names:
            cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(urlunsplit(parts._replace(path=f"/{name}")) for name in names)
    finally:
        with admin.cursor() as cur:
            for name in names:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run(args, *, database_url, media, backups, check=True):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(backups),
        DEMO_PASSWORD="demo-pass-for-backup-test-1405",
        PYTHON=sys.executable,
    )
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def manage(*args):
    return [sys.executable, "manage.py", *args]


def test_backup_restored_into_an_empty_database_gives_the_same_totals(tmp_path, two_databases):
    source, target = two_databases
    backups = tmp_path / "backups"
    src = {"database_url": source, "media": tmp_path / "media-src", "backups": backups}
    dst = {"database_url": target, "media": tmp_path / "media-dst", "backups": backups}

    # given a seeded database with entries, a verified figure, a business with a check and an evidence file
    run(manage("migrate", "--noinput", "-v", "0"), **src)
    run(manage("seed_kerman", "--demo-users"), **src)
    run(manage("shell", "--no-imports", "-c", FILL), **src)
    before = json.loads(run(manage("shell", "--no-imports", "-c", TOTALS), **src).stdout)

    # when it is backed up with make backup
    made = run(["make", "-s", "backup"], **src)
    archives = list(backups.glob("kerman_jobs-14*.tar*"))
    assert len(archives) == 1
    assert str(archives[0]) in made.stdout

    # and restored with make restore into an empty database (no tables yet)
    restored = run(["make", "-s", "restore", f"FILE={archives[0]}"], **dst)
    assert "بازگردانی انجام شد" in restored.stdout

    # then every count and every total is the same, the evidence file included
    after = json.loads(run(manage("shell", "--no-imports", "-c", TOTALS), **dst).stdout)
    assert after == before
    assert before["verified_jobs"] == 14_000 + 120
    assert before["credit_paid"] == 4_500_000_000 + 900_000
    assert before["counts"]["commitments.progressentry"] == 3
    assert before["counts"]["commitments.historicalprogressentry"] == 4
    assert before["evidence"][1] == "%PDF-1.4 evidence of 120 jobs"
    # and the summary tables came back equal to the restored rows (restore is a write path too)
    assert "یکی است" in run(manage("check_summaries"), **dst).stdout

    # and the restored system takes new entries (ids continue after the restored ones)
    new_pk = int(run(manage("shell", "--no-imports", "-c", AFTER_RESTORE_WRITE), **dst).stdout)
    assert new_pk > max(3, before["counts"]["commitments.progressentry"])
    # and keeps its summaries through writes after the restore
    assert "یکی است" in run(manage("check_summaries"), **dst).stdout


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(tmp_path, two_databases):
    source, target = two_databases
    backups = tmp_path / "backups"
    src = {"database_url": source, "media": tmp_path / "media-src", "backups": backups}
    dst = {"database_url": target, "media": tmp_path / "media-dst", "backups": backups}
    run(manage("migrate", "--noinput", "-v", "0"), **src)
    run(manage("seed_kerman"), **src)
    run(manage("backup_data"), **src)
    archive = next(backups.glob("kerman_jobs-*.tar*"))
    # given a target that already has its own data
    run(manage("migrate", "--noinput", "-v", "0"), **dst)
    run(manage("seed_kerman", "--demo-users"), **dst)
    run(manage("shell", "--no-imports", "-c", FILL), **dst)
    before = run(manage("shell", "--no-imports", "-c", TOTALS), **dst).stdout

    # when a restore is tried on it
    refused = run(manage("restore_data", str(archive)), check=False, **dst)

    # then it is refused in Persian and nothing changed
    assert refused.returncode != 0
    assert "پایگاه داده خالی نیست" in refused.stderr
    assert run(manage("shell", "--no-imports", "-c", TOTALS), **dst).stdout == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, two_databases):
    _, target = two_databases
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_text("id,name\n1,x\n")
    result = run(
        manage("restore_data", str(bogus)),
        check=False,
        database_url=target,
        media=tmp_path / "m",
        backups=tmp_path / "b",
    )
    assert result.returncode != 0
    assert "فایل پشتیبان این سامانه نیست" in result.stderr


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="pg_dump/pg_restore archives exist on PostgreSQL only; SQLite keeps the JSON archive"
)

CHANGE = r"""
import datetime
from commitments.models import ProgressEntry
from django.contrib.auth import get_user_model
from commitments import services
from registry.models import HomeBusiness
staff = get_user_model().objects.get(username="staff")
services.progress_entry_create(
    actor=staff, commitment=staff.reported_commitments.order_by("id").first(),
    period_end=datetime.date(2026, 6, 1), jobs_created=999,
)
HomeBusiness.objects.filter(reference_code="KR-1405-0001").update(jobs=77, loan_amount=1)
ProgressEntry.objects.filter(jobs_created=35).delete()
"""


@needs_postgresql
def test_pg_backup_is_a_custom_dump_and_a_restore_over_changed_data_brings_back_the_backed_up_state(
    tmp_path, two_databases
):
    source, _ = two_databases
    backups = tmp_path / "backups"
    src = {"database_url": source, "media": tmp_path / "media-src", "backups": backups}
    run(manage("migrate", "--noinput", "-v", "0"), **src)
    run(manage("seed_kerman", "--demo-users"), **src)
    run(manage("shell", "--no-imports", "-c", FILL), **src)
    before = json.loads(run(manage("shell", "--no-imports", "-c", TOTALS), **src).stdout)

    # given a backup: a tar holding pg_dump's custom format and the manifest
    run(manage("backup_data"), **src)
    (archive,) = backups.glob("kerman_jobs-*.tar")
    with tarfile.open(archive) as tar:
        assert {"data.dump", "manifest.json"} <= set(tar.getnames())
        assert tar.extractfile("data.dump").read(5) == b"PGDMP"
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"]["registry.homebusiness"] == before["counts"]["registry.homebusiness"]

    # when the data changes afterwards (a new entry, an edited business, a deleted entry)
    run(manage("shell", "--no-imports", "-c", CHANGE), **src)
    changed = json.loads(run(manage("shell", "--no-imports", "-c", TOTALS), **src).stdout)
    assert changed != before

    # and the backup is restored over it with --force, in two parallel jobs
    restored = run(manage("restore_data", str(archive), "--force", "--jobs", "2"), **src)
    assert "بازگردانی انجام شد" in restored.stdout

    # then counts and figures are those of the backup again
    after = json.loads(run(manage("shell", "--no-imports", "-c", TOTALS), **src).stdout)
    assert after == before
    assert after["verified_jobs"] == 14_000 + 120
    assert after["loans"] == before["loans"]
    # and new rows get ids after the restored ones (sequences came back too)
    new_pk = int(run(manage("shell", "--no-imports", "-c", AFTER_RESTORE_WRITE), **src).stdout)
    assert new_pk > before["counts"]["commitments.progressentry"]


@needs_postgresql
def test_pg_restore_whose_counts_differ_names_the_table_in_persian_and_leaves_nothing(tmp_path, two_databases):
    source, target = two_databases
    backups = tmp_path / "backups"
    src = {"database_url": source, "media": tmp_path / "media-src", "backups": backups}
    dst = {"database_url": target, "media": tmp_path / "media-dst", "backups": backups}
    run(manage("migrate", "--noinput", "-v", "0"), **src)
    run(manage("seed_kerman"), **src)
    run(manage("backup_data"), **src)
    (archive,) = backups.glob("kerman_jobs-*.tar")
    # given an archive whose manifest claims one business more than its dump holds
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as old, tarfile.open(tampered, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.load(data)
                manifest["counts"]["registry.homebusiness"] += 1
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                data = io.BytesIO(raw)
            new.addfile(member, data)

    # when it is restored into an empty database
    result = run(manage("restore_data", str(tampered)), check=False, **dst)

    # then the restore fails with the table's name in a Persian message
    assert result.returncode != 0
    assert "شمار ردیف‌های بازگردانده با فایل پشتیبان یکی نیست" in result.stderr
    assert "«registry_homebusiness»" in result.stderr
    # and no half-restored table is left behind
    tables = run(
        manage(
            "shell",
            "--no-imports",
            "-c",
            "from django.db import connection; print(len(connection.introspection.table_names()))",
        ),
        **dst,
    )
    assert tables.stdout.strip() == "0"


def test_a_pg_archive_is_refused_on_sqlite_in_persian(tmp_path):
    """The kind of archive is read from its members; a pg_dump archive on SQLite gets a Persian refusal."""
    archive = tmp_path / "kerman_jobs-pg.tar"
    with tarfile.open(archive, "w") as tar:
        for name, raw in (("data.dump", b"PGDMP"), ("manifest.json", b'{"counts": {}}')):
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    result = run(
        manage("restore_data", str(archive)),
        check=False,
        database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        media=tmp_path / "m",
        backups=tmp_path / "b",
    )
    assert result.returncode != 0
    assert "پشتیبان PostgreSQL است" in result.stderr
