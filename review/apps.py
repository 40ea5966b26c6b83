from django.apps import AppConfig


class ReviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review"

    def ready(self) -> None:
        # Connects the request signals of work deferred until a response is sent; and job handlers
        # register themselves on import (web processes need them as much as workers).
        import review.after_response  # noqa: F401
        import review.tasks  # noqa: F401
