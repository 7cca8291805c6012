from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "رابط برنامه‌نویسی (API) شرکا"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The schema's description of `Authorization: Bearer` (drf-spectacular finds it on import).
        from . import authentication  # noqa: F401
