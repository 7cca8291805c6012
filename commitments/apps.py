from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = "تعهدها و پیشرفت"

    def ready(self):
        from core import figure_cache

        from .models import Commitment, Milestone, ProgressEntry

        # Who reports on what decides what staff see, so the reporters table counts too.
        figure_cache.watch(Commitment, Milestone, ProgressEntry, m2m=[Commitment.reporters.through])

        from . import summaries

        summaries.watch()
