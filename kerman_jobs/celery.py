import logging
import os
from logging.config import dictConfig

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kerman_jobs.settings")

app = Celery("kerman_jobs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def log_through_django_settings(loglevel=None, **kwargs):
    """The worker and beat log through settings.LOGGING, as the web processes do (so
    LOG_FORMAT=json applies to them too), instead of Celery replacing the root logger's
    handlers with its own. --loglevel still sets how much the root lets through."""
    from django.conf import settings

    dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
