from django.apps import AppConfig


class ReviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review"

    def ready(self) -> None:
        # Job handlers register themselves on import; web processes need them as much as workers.
        import review.tasks  # noqa: F401
