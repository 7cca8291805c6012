from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "گزارش‌ها"

    def ready(self):
        # Registers the Celery tasks in every process, not only the worker (which
        # autodiscovers them): reports.services enqueues a build by the task's name.
        from core import figure_cache

        from . import checks, tasks  # noqa: F401
        from .models import FigureSnapshot

        # A new frozen snapshot (or one superseded) shows at once on the dashboard and /public/.
        figure_cache.watch(FigureSnapshot)
