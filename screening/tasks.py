"""Celery registration for the screening app: its job handlers must be known to every worker."""

import screening.prioritisation.jobs  # noqa: F401  (registers the "screening_retrain" job handler)
