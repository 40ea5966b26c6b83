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

        # The model's features are built when an import settles, not in the first refit after it.
        from review.signals import records_settled
        from screening.prioritisation.services import features_prepare

        records_settled.connect(features_prepare, dispatch_uid="screening.features_prepare")
