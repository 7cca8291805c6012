from django.apps import AppConfig


class KermanJobsConfig(AppConfig):
    name = "kerman_jobs"
    verbose_name = "سامانه مشاغل خانگی کرمان"
