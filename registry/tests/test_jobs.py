# ruff: noqa: F811  (real_stack is a fixture imported from reports.tests.test_tasks)
"""Import and export as background jobs: progress, cancel, the status poll, the download.

In-process here (the suite's tasks run eagerly, as on `make run` without Redis); the
same jobs through a real Celery worker on Redis are at the end (PostgreSQL + Redis only).
"""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from registry import jobs
from registry.models import HomeBusiness, RegistryJob
from tests import factories as f


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


def bank_file(commitment, rows: int, name: str = "bank.csv") -> SimpleUploadedFile:
    content = "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع\n" + "\n".join(
        f"J-{i},{commitment.pk},کرمان,صنایع دستی,1404/01/10" for i in range(rows)
    )
    return SimpleUploadedFile(name, content.encode())


def test_an_import_runs_as_a_job_that_counts_its_rows_and_drops_the_uploaded_file(client, staff, commitment, places):
    client.force_login(staff)

    response = client.post(reverse("registry:import"), {"file": bank_file(commitment, 2500)})

    assert response.status_code == 302
    job = RegistryJob.objects.get()
    assert (job.kind, job.status, job.rows_done, job.rows_total, job.percent) == ("import", "done", 2500, 2500, 100)
    assert job.outcome["created"] == 2500
    assert HomeBusiness.objects.count() == 2500
    # the upload (it may hold national codes) does not outlive the run
    assert not job.upload
    assert not list((Path(django_settings.MEDIA_ROOT) / "registry_jobs" / "in").glob("*"))
    page = client.get(reverse("registry:job", args=[job.pk])).content.decode()
    assert "۲٬۵۰۰ از ۲٬۵۰۰ ردیف (٪۱۰۰)" in page


def test_a_cancel_asked_before_the_first_progress_report_leaves_nothing_imported(client, staff, commitment, places):
    # given an import job waiting in the queue, whose requester has asked to stop while it runs
    job = RegistryJob.objects.create(kind="import", requested_by=staff, filename="bank.csv")
    job.upload.save("x.bin", bank_file(commitment, 1500), save=True)
    RegistryJob.objects.filter(pk=job.pk).update(cancel_requested=True)

    # when the worker runs it
    assert jobs.job_run(job.pk) == "cancelled"

    # then it stopped at its first report (row 1,000): nothing written, the file gone
    job.refresh_from_db()
    assert (job.status, job.rows_done) == ("cancelled", 1000)
    assert HomeBusiness.objects.count() == 0
    assert not job.upload


def test_a_cancel_during_the_write_rolls_the_whole_import_back(staff, commitment, places, monkeypatch):
    job = RegistryJob.objects.create(kind="import", requested_by=staff, filename="bank.csv")
    job.upload.save("x.bin", bank_file(commitment, 25_000), save=True)
    real = jobs._reporter

    def cancel_once_writing(job_id):
        report = real(job_id)

        def progress(done, phase=""):
            report(done, phase)
            if phase == "checking" and done == 25_000:
                RegistryJob.objects.filter(pk=job_id).update(cancel_requested=True)

        return progress

    # given a cancel that arrives after every row was checked (the write has batches of 10,000)
    monkeypatch.setattr(jobs, "_reporter", cancel_once_writing)

    status = jobs.job_run(job.pk)

    # then the first batch written is rolled back with the rest
    assert status == "cancelled"
    job.refresh_from_db()
    assert job.phase == "writing"
    assert HomeBusiness.objects.count() == 0
    assert HomeBusiness.history.count() == 0


def test_a_waiting_job_is_cancelled_at_once_and_never_runs(client, staff):
    job = RegistryJob.objects.create(kind="export", requested_by=staff, export_format="csv", filename="b.csv")
    client.force_login(staff)

    response = client.post(reverse("registry:job_cancel", args=[job.pk]), follow=True)

    assert "درخواست لغو ثبت شد" in response.content.decode()
    assert jobs.job_run(job.pk) == "skipped"
    job.refresh_from_db()
    assert (job.status, job.result.name) == ("cancelled", "")


def test_export_job_writes_only_what_its_requester_sees_and_serves_it_to_them_alone(
    client, staff, other_staff, commitment, other_commitment, places
):
    f.HomeBusinessFactory(commitment=commitment, reference_code="MINE-1", county=places[0], sector=places[1])
    f.HomeBusinessFactory(commitment=other_commitment, reference_code="THEIRS-1", county=places[0], sector=places[1])
    client.force_login(staff)

    response = client.post(reverse("registry:export"), {"filters": "", "format": "csv"})

    job = RegistryJob.objects.get()
    assert response["Location"] == reverse("registry:job", args=[job.pk])
    assert (job.status, job.rows_done, job.rows_total) == ("done", 1, 1)
    download = client.get(reverse("registry:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["MINE-1"]
    # another user gets a 404 for the page, the status and the file alike
    client.force_login(other_staff)
    for name in ("registry:job", "registry:job_status", "registry:job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("registry:job_cancel", args=[job.pk])).status_code == 404


def test_export_is_a_post_never_a_get(client, staff):
    client.force_login(staff)
    assert client.get(reverse("registry:export"), {"format": "csv"}).status_code == 405
    assert not RegistryJob.objects.exists()


def test_status_poll_answers_an_ended_session_401_in_persian_and_never_extends_an_idle_one(client, staff):
    job = RegistryJob.objects.create(kind="export", requested_by=staff, export_format="csv", filename="b.csv")
    url = reverse("registry:job_status", args=[job.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert "نشست شما به پایان رسیده است" in anonymous.json()["error"]

    client.force_login(staff)
    polled = client.get(url, headers={"X-Background-Poll": "1"})
    assert polled.status_code == 200
    assert polled.json() | {"page_url": ""} == {
        "id": job.pk,
        "status": "pending",
        "label": "در صف",
        "phase": "",
        "rows_done": 0,
        "rows_total": 0,
        "percent": 0,
        "text": "در صف؛ به‌زودی آغاز می‌شود.",
        "finished": False,
        "download_url": "",
        "page_url": "",
        "error": "",
    }
    # the background poll leaves the session's deadline alone: no new session cookie
    assert django_settings.SESSION_COOKIE_NAME not in polled.cookies
    # while a request of the person's own pushes it (written at most once a minute,
    # core.sessions: so the deadline here was last written over a minute ago)
    written = timezone.now() - datetime.timedelta(seconds=61)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=written + datetime.timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    )
    assert django_settings.SESSION_COOKIE_NAME in client.get(url).cookies


# ---------------------------------------------------------------- a real worker on Redis

from reports.tests.test_tasks import real_stack, wait_for  # noqa: E402, F401


@pytest.mark.django_db(transaction=True)
def test_import_and_export_through_a_real_worker_show_progress_and_finish(
    client, real_stack, staff, commitment, places
):
    real_stack("registry")
    client.force_login(staff)

    # given an import handed to the worker: the page answers at once with the job's page
    response = client.post(reverse("registry:import"), {"file": bank_file(commitment, 3000)})
    job = RegistryJob.objects.get()
    assert response["Location"] == reverse("registry:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-job-status-url="' in page

    # then the worker finishes it and the status says so
    wait_for(lambda: client.get(reverse("registry:job_status", args=[job.pk])).json()["finished"], "the import")
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.outcome["created"]) == ("done", 3000, 3000)
    assert HomeBusiness.objects.count() == 3000

    # and an export of those rows comes back through the download
    client.post(reverse("registry:export"), {"filters": "", "format": "xlsx"})
    export = RegistryJob.objects.filter(kind="export").get()
    info = wait_for(
        lambda: (s := client.get(reverse("registry:job_status", args=[export.pk])).json())["finished"] and s,
        "the export",
    )
    assert (info["status"], info["rows_done"], info["percent"]) == ("done", 3000, 100)
    download = client.get(info["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_only_each_persons_latest_exports_keep_their_files(client, staff):
    client.force_login(staff)
    for _ in range(jobs.KEPT_EXPORTS + 2):
        client.post(reverse("registry:export"), {"filters": "", "format": "csv"})
    kept = RegistryJob.objects.exclude(result="").order_by("id")
    assert kept.count() == jobs.KEPT_EXPORTS
    assert list(kept.values_list("id", flat=True)) == list(
        RegistryJob.objects.order_by("id").values_list("id", flat=True)[2:]
    )
    assert len(list((Path(django_settings.MEDIA_ROOT) / "registry_jobs" / "out").glob("*"))) == jobs.KEPT_EXPORTS
    # a job whose file went answers 404, not a server error
    oldest = RegistryJob.objects.order_by("id").first()
    assert client.get(reverse("registry:job_download", args=[oldest.pk])).status_code == 404
