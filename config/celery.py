"""The Celery app. Tasks take ids, load rows and call a service (see STYLE.md habit 5)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """Create the embedded broker's folders (kombu's filesystem transport does not)."""
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if key in options:
            Path(str(options[key])).mkdir(parents=True, exist_ok=True)


@worker_init.connect
def _check_broker(sender: object = None, **_: object) -> None:
    """Fail a worker's start with one clear line when its broker cannot be reached."""
    ensure_broker_folders()
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except OSError as exc:  # kombu raises OperationalError, a subclass of OSError
        sys.stderr.write(f"error: cannot reach the Celery broker {app.conf.broker_url!r}: {exc}\n")
        os._exit(2)
