from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "ثبت کسب‌وکارهای خانگی"

    def ready(self):
        from core import figure_cache

        from .models import ContinuityCheck, HomeBusiness

        figure_cache.watch(HomeBusiness, ContinuityCheck)
        # Registers the Celery task in every process, not only the worker (which
        # autodiscovers it): registry.jobs sends it by name.
        from . import summaries, tasks  # noqa: F401

        summaries.watch()
