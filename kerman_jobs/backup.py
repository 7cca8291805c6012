"""A full copy of the data and its return: `make backup` and `make restore FILE=…`.

On PostgreSQL the archive is a .tar of three members:
- data.dump: `pg_dump --format=custom` of the whole database, taken in the same
  snapshot as the manifest's counts (pg_dump --snapshot), so the copy is consistent
  however many writes go on meanwhile; restored with `pg_restore --jobs N`;
- manifest.json: row counts per table, checked again after a restore;
- media/: the uploaded evidence and built report files.
Django's JSON (dumpdata/loaddata) reads tables one after another outside one
transaction and loads row by row, with the whole file in memory: at a million
businesses a backup may be inconsistent and a restore may not finish. It stays for
SQLite (`make run` without PostgreSQL), as a .tar.gz with data.json.gz instead of
data.dump: dumpdata of every app with natural keys for content types and permissions,
which `migrate` recreates on the target; sessions left out there, so a restored
system starts with everyone logged out. A JSON archive still restores on PostgreSQL.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from core import persian

# Recreated by migrate on the target; everything pointing at them uses natural keys.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
EXCLUDED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
# What people entered. Other tables (beat schedules, login attempts) may be filled by
# migrations alone, so they do not make a database "not empty".
USER_DATA_APPS = {"auth", "admin", "programs", "commitments", "registry", "reports"}
# django-celery-beat's "schedule changed" marker is written by a signal whenever a task
# is saved, loaddata included; it is not data and is not compared.
NOT_COMPARED = {"django_celery_beat.periodictasks"}


class BackupError(Exception):
    """A Persian message for the person running the command."""


def backup_dir() -> Path:
    return Path(os.environ.get("BACKUP_DIR") or settings.BASE_DIR / "backups")


def archive_name(now=None, *, suffix: str = ".tar.gz") -> str:
    """kerman_jobs-1405-09-05-203000.tar.gz: Jalali date and Tehran time, ASCII digits.
    A PostgreSQL archive is a plain .tar: its dump is compressed already."""
    now = timezone.localtime(now or timezone.now())
    stamp = persian.format_jalali(now.date(), fmt="%Y-%m-%d", digits="ascii")
    return f"kerman_jobs-{stamp}-{now:%H%M%S}{suffix}"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def backed_up_models():
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in EXCLUDED_MODELS or model._meta.proxy:
            continue
        yield model


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.using(connection.alias).count() for m in backed_up_models()}


def has_data() -> bool:
    """True when the database holds anything people entered (not only what `migrate` creates)."""
    return any(m._default_manager.exists() for m in backed_up_models() if m._meta.app_label in USER_DATA_APPS)


def _clear_migration_rows() -> None:
    """Rows a data migration created (the daily beat schedule) come back from the archive
    with the admin's edits; drop the fresh copies so they do not collide."""
    for model in backed_up_models():
        if model._meta.app_label not in USER_DATA_APPS and not model._meta.auto_created:
            model._default_manager.all().delete()


def create_backup(directory: Path | None = None) -> Path:
    directory = directory or backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    if on_postgresql():
        return _create_pg_backup(directory)
    target = directory / archive_name()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "data.json"
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            indent=None,
            output=str(raw),
            verbosity=0,
        )
        packed = Path(tmp) / "data.json.gz"
        with raw.open("rb") as src, gzip.open(packed, "wb") as dst:
            shutil.copyfileobj(src, dst)
        _write_archive(target, "w:gz", packed, "data.json.gz", row_counts())
    return target


def _write_archive(target: Path, mode: str, data: Path, data_name: str, counts: dict[str, int]) -> None:
    manifest = json.dumps(
        {"counts": counts, "created": timezone.now().isoformat(), "format": data_name}, indent=1
    ).encode()
    partial = target.with_suffix(".partial")
    with tarfile.open(partial, mode) as tar:
        tar.add(data, arcname=data_name)
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        info.mtime = int(timezone.now().timestamp())
        tar.addfile(info, io.BytesIO(manifest))
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            tar.add(media, arcname="media")
    # A half-written archive never carries the final name.
    partial.rename(target)


# ---------------------------------------------------------------- PostgreSQL: pg_dump / pg_restore


def _pg_env() -> dict[str, str]:
    """libpq's variables from the Django connection settings (host, port, user, password, database)."""
    db = settings.DATABASES[connection.alias]
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = db["NAME"]
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _client_version(program: str) -> int:
    """The major version of pg_dump/pg_restore; a Persian error when it is missing."""
    try:
        out = subprocess.run([program, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BackupError(
            f"برنامهٔ {program} پیدا نشد؛ بستهٔ postgresql-client هم‌نسخهٔ سرور PostgreSQL را نصب کنید "
            "(در دبیان: apt-get install postgresql-client)."
        ) from exc
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def _require_client(program: str) -> None:
    """pg_dump refuses a newer server, and an older pg_restore cannot read a newer dump:
    the client must be the server's major version (or newer)."""
    connection.ensure_connection()
    server = connection.pg_version // 10000
    client = _client_version(program)
    if client < server:
        raise BackupError(
            f"نسخهٔ {program} ({persian.format_number(client)}) از نسخهٔ سرور PostgreSQL ({persian.format_number(server)}) "
            f"قدیمی‌تر است؛ postgresql-client-{server} را نصب کنید."
        )


def _run_pg(args: list[str], what: str) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} انجام نشد: {result.stderr.strip()[-2000:]}")


def _create_pg_backup(directory: Path) -> Path:
    _require_client("pg_dump")
    target = directory / archive_name(suffix=".tar")
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        dump = Path(tmp) / "data.dump"
        # One snapshot for the dump and the counts: a REPEATABLE READ transaction exports
        # its snapshot and pg_dump reads that same state of every table, whatever is
        # written meanwhile; the counts are taken in the transaction that holds it.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run_pg(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    "--no-privileges",
                    # Sessions are not data: a restored system starts with everyone logged out.
                    "--exclude-table-data=django_session",
                    "--file",
                    str(dump),
                ],
                "پشتیبان‌گیری با pg_dump",
            )
            counts = row_counts()
        _write_archive(target, "w", dump, "data.dump", counts)
    return target


def _pg_table_names() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _pg_empty_schema() -> None:
    """Everything in the public schema goes (tables, sequences, functions, triggers), so the
    dump's own definitions come back without a clash."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    except DatabaseError as exc:
        raise BackupError(
            "جدول‌های پایگاه داده پاک نشد، پس بازگردانی انجام نشد: کاربر پایگاه داده باید مالک پایگاه داده "
            f"(یا طرح public) باشد ({exc})."
        ) from exc


def restore_jobs() -> int:
    return max(1, int(os.environ.get("RESTORE_JOBS") or os.cpu_count() or 1))


def _restore_pg(tar: tarfile.TarFile, path: Path, manifest: dict, *, force: bool, jobs: int) -> dict[str, int]:
    _require_client("pg_restore")
    occupied = bool(_pg_table_names()) and _pg_has_data()
    if occupied and not force:
        raise BackupError(NOT_EMPTY)
    scratch = Path(tempfile.mkdtemp(prefix="restore-", dir=path.parent if os.access(path.parent, os.W_OK) else None))
    try:
        dump = scratch / "data.dump"
        with tar.extractfile("data.dump") as src, dump.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        _pg_empty_schema()
        connection.close()
        try:
            # --jobs restores tables and builds indexes in parallel; that needs a file,
            # and cannot run in one transaction: a failure empties the schema again below.
            _run_pg(
                [
                    "pg_restore",
                    "--jobs",
                    str(jobs),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--dbname",
                    settings.DATABASES[connection.alias]["NAME"],
                    str(dump),
                ],
                "بازگردانی با pg_restore",
            )
            # A newer release of the code than the backup's gets its later migrations.
            call_command("migrate", interactive=False, verbosity=0)
            restored = row_counts()
            _compare(manifest["counts"], restored)
        except Exception:
            _pg_empty_schema()
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return restored


def _pg_has_data() -> bool:
    try:
        with transaction.atomic():
            return has_data()
    except DatabaseError:
        # Tables of another layout (an unfinished restore): not what people entered here.
        return True


def _compare(expected: dict[str, int], restored: dict[str, int]) -> None:
    differing = [
        (label, count, restored.get(label))
        for label, count in sorted(expected.items())
        if label not in NOT_COMPARED and restored.get(label) != count
    ]
    if differing:
        tables = "؛ ".join(
            f"جدول {_table(label)}: در فایل {persian.format_number(count)}، بازگردانده "
            f"{persian.format_number(got) if got is not None else 'هیچ'}"
            for label, count, got in differing
        )
        raise BackupError(f"شمار ردیف‌های بازگردانده با فایل پشتیبان یکی نیست و بازگردانی پذیرفته نشد. {tables}")


def _table(label: str) -> str:
    try:
        return f"«{apps.get_model(label)._meta.db_table}»"
    except LookupError:
        return f"«{label}»"


def _safe_members(tar: tarfile.TarFile, prefix: str):
    for member in tar.getmembers():
        name = member.name
        if not name.startswith(prefix) or name.startswith("/") or ".." in Path(name).parts:
            continue
        if not (member.isfile() or member.isdir()):
            continue
        yield member


NOT_EMPTY = (
    "پایگاه داده خالی نیست و بازگردانی روی آن انجام نشد تا چیزی از دست نرود. "
    "یک پایگاه دادهٔ خالی بدهید، یا اگر مطمئنید که باید همهٔ داده‌های فعلی پاک شود، --force بزنید."
)


def restore_backup(path: Path, *, force: bool = False, jobs: int | None = None) -> dict[str, int]:
    """Load an archive into this database and its media folder.

    Refuses a database that already holds data unless force, which empties it first.
    Returns the restored row counts; raises BackupError, naming the tables, when they
    differ from the archive's manifest (and then leaves nothing restored).
    """
    if not path.is_file():
        raise BackupError(f"فایل پشتیبان «{path}» پیدا نشد.")
    try:
        tar = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"«{path}» فایل پشتیبان این سامانه نیست یا خراب است ({exc}).") from exc
    with tar:
        names = set(tar.getnames())
        if "manifest.json" not in names or not names & {"data.json.gz", "data.dump"}:
            raise BackupError(
                f"«{path}» فایل پشتیبان این سامانه نیست: data.dump یا data.json.gz و manifest.json در آن نیست."
            )
        manifest = json.load(tar.extractfile("manifest.json"))
        if "data.dump" in names:
            if not on_postgresql():
                raise BackupError(
                    f"«{path}» پشتیبان PostgreSQL است و فقط در پایگاه دادهٔ PostgreSQL بازگردانده می‌شود "
                    "(DATABASE_URL=postgres://…)."
                )
            restored = _restore_pg(tar, path, manifest, force=force, jobs=jobs or restore_jobs())
        else:
            restored = _restore_json(tar, manifest, force=force)
        _restore_media(tar)
    return restored


def _restore_json(tar: tarfile.TarFile, manifest: dict, *, force: bool) -> dict[str, int]:
    call_command("migrate", interactive=False, verbosity=0)
    occupied = has_data()
    if occupied and not force:
        raise BackupError(NOT_EMPTY)
    # All or nothing (the emptying with --force included): a load whose counts differ
    # from the archive is rolled back. History is switched off while loading: loaddata
    # sets many-to-many fields through signals that would write a false history row.
    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        if occupied:
            call_command("flush", interactive=False, verbosity=0)
        _clear_migration_rows()
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "data.json"
            with tar.extractfile("data.json.gz") as src, gzip.open(src) as unpacked, raw.open("wb") as dst:
                shutil.copyfileobj(unpacked, dst)
            # loaddata resets PostgreSQL sequences itself.
            call_command("loaddata", str(raw), verbosity=0)
        restored = row_counts()
        _compare(manifest["counts"], restored)
    return restored


def _restore_media(tar: tarfile.TarFile) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    for member in _safe_members(tar, "media/"):
        dest = media_root / Path(member.name).relative_to("media")
        if member.isdir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(member) as src, dest.open("wb") as dst:
            shutil.copyfileobj(src, dst)
