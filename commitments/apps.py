from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = "تعهدها و پیشرفت"

    def ready(self):
        from . import figure_cache

        figure_cache.connect_signals()
