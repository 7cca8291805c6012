from django.apps import AppConfig


class PublicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "public"
    verbose_name = "صفحهٔ عمومی"

    def ready(self):
        from core import figure_cache
        from reports.models import FigureSnapshot

        # A new frozen snapshot (or one superseded) changes the public page at once.
        figure_cache.watch(FigureSnapshot)
