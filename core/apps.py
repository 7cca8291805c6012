from django.apps import AppConfig, apps


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "ابزار مشترک"

    def ready(self):
        from .admin import install_persian_display, install_persian_names

        install_persian_display()
        install_persian_names()
        # django-axes names its admin section "Axes", without gettext; admins read Persian.
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = "قفل ورود"
        if apps.is_installed("django_celery_beat"):
            from .beat_admin import install_persian_beat_admin

            install_persian_beat_admin()
