from django.apps import AppConfig


class KermanJobsConfig(AppConfig):
    """The project package: settings, URLs, the Celery app and the site-wide commands."""

    name = "kerman_jobs"
    verbose_name = "سامانه مشاغل خانگی کرمان"
