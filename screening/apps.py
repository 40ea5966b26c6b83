from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "screening"

    def ready(self) -> None:
        # The dashboard shows screening counts beside the review app's own stages.
        from review.selectors import STAGE_COUNT_HOOKS
        from screening.selectors import dashboard_counts

        if dashboard_counts not in STAGE_COUNT_HOOKS:
            STAGE_COUNT_HOOKS.append(dashboard_counts)
