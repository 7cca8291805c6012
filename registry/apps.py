from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "ثبت کسب‌وکارهای خانگی"

    def ready(self):
        from core import figure_cache

        from .models import ContinuityCheck, HomeBusiness

        figure_cache.watch(HomeBusiness, ContinuityCheck)

        from . import summaries

        summaries.watch()
