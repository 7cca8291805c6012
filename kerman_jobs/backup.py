"""A full copy of the data and its return: `make backup` and `make restore FILE=…`.

One .tar.gz holds three members:
- data.json.gz: dumpdata of every app (history tables, users, beat schedules, axes
  logs included), with natural foreign keys for content types and permissions,
  which `migrate` recreates on the target with ids of its own;
- manifest.json: row counts per model, checked again after a restore;
- media/: the uploaded evidence and built report files.
Sessions are left out: a restored system starts with everyone logged out.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
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


def archive_name(now=None) -> str:
    """kerman_jobs-1405-09-05-2030.tar.gz: Jalali date and Tehran time, ASCII digits."""
    now = timezone.localtime(now or timezone.now())
    stamp = persian.format_jalali(now.date(), fmt="%Y-%m-%d", digits="ascii")
    return f"kerman_jobs-{stamp}-{now:%H%M%S}.tar.gz"


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
        manifest = json.dumps({"counts": row_counts(), "created": timezone.now().isoformat()}, indent=1).encode()

        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(packed, arcname="data.json.gz")
            info = tarfile.TarInfo("manifest.json")
            info.size = len(manifest)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(manifest))
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname="media")
        # A half-written archive never carries the final name.
        partial.rename(target)
    return target


def _safe_members(tar: tarfile.TarFile, prefix: str):
    for member in tar.getmembers():
        name = member.name
        if not name.startswith(prefix) or name.startswith("/") or ".." in Path(name).parts:
            continue
        if not (member.isfile() or member.isdir()):
            continue
        yield member


def restore_backup(path: Path, *, force: bool = False) -> dict[str, int]:
    """Load an archive into this database (migrated first) and its media folder.

    Refuses a database that already holds data unless force, which empties it first.
    Returns the restored row counts; raises BackupError when they differ from the
    archive's manifest.
    """
    if not path.is_file():
        raise BackupError(f"فایل پشتیبان «{path}» پیدا نشد.")
    try:
        tar = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"«{path}» فایل پشتیبان این سامانه نیست یا خراب است ({exc}).") from exc
    with tar:
        names = set(tar.getnames())
        if not {"data.json.gz", "manifest.json"} <= names:
            raise BackupError(f"«{path}» فایل پشتیبان این سامانه نیست: data.json.gz یا manifest.json در آن نیست.")
        manifest = json.load(tar.extractfile("manifest.json"))

        call_command("migrate", interactive=False, verbosity=0)
        occupied = has_data()
        if occupied and not force:
            raise BackupError(
                "پایگاه داده خالی نیست و بازگردانی روی آن انجام نشد تا چیزی از دست نرود. "
                "یک پایگاه دادهٔ خالی بدهید، یا اگر مطمئنید که باید همهٔ داده‌های فعلی پاک شود، --force بزنید."
            )
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
            expected = manifest["counts"]
            differing = {
                k: (v, restored.get(k)) for k, v in expected.items() if k not in NOT_COMPARED and restored.get(k) != v
            }
            if differing:
                raise BackupError(
                    f"شمار ردیف‌های بازگردانده با فایل پشتیبان یکی نیست و هیچ چیز نوشته نشد (جدول: فایل، بازگردانده): {differing}"
                )

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

    return restored
