from django.apps import AppConfig, apps


class KermanJobsConfig(AppConfig):
    name = "kerman_jobs"
    verbose_name = "سامانه مشاغل خانگی کرمان"

    def ready(self):
        from .admin_tools import install_persian_display

        install_persian_display()
        # django-axes names its admin section "Axes", without gettext; admins read Persian.
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = "قفل ورود"
