import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kerman_jobs.settings")

app = Celery("kerman_jobs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
