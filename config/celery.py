"""The Celery app. Tasks take ids, load rows and call a service (see STYLE.md habit 5)."""

from __future__ import annotations

import os
import sys

from celery import Celery
from celery.signals import worker_init
from django.core.exceptions import ImproperlyConfigured
from kombu.exceptions import OperationalError as KombuOperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _settings_or_exit() -> None:
    """Load the settings now, so a bad environment value ends any command with one clear line."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018  (touching it loads and validates the settings)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None


_settings_or_exit()

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _check_broker(sender: object = None, **_: object) -> None:
    """Fail a worker's start with one clear line when its broker cannot be reached."""
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except (OSError, KombuOperationalError) as exc:
        sys.stderr.write(f"error: cannot reach the Celery broker {app.conf.broker_url!r}: {exc}\n")
        os._exit(2)
