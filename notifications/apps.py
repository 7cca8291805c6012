from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "اعلان‌ها"

    def ready(self):
        # Listens to the lower apps' signals (they never import this app), and registers
        # the Celery tasks in every process: services enqueue them after commit.
        from . import receivers, tasks  # noqa: F401
