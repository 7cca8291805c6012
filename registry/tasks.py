"""Celery tasks of the registry: thin adapters that take ids and call registry.jobs.

run_registry_job is safe to run twice: the job is claimed with a conditional update, so
a second delivery (acks_late after a lost worker) finds it taken and does nothing.
"""

from celery import shared_task

from . import jobs


@shared_task(acks_late=True, persian_name="ورود یا خروجی فهرست کسب‌وکارها")
def run_registry_job(job_id: int) -> str:
    return jobs.job_run(job_id)
