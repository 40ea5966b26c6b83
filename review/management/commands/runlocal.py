"""Serve the product locally: the web server and an embedded Celery worker side by side."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server at ADDRPORT and a Celery worker on the configured broker (make run)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args: Any, addrport: str, concurrency: int, **options: Any) -> None:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={concurrency}",
                "--hostname=embedded@%h",
            ],
        )
        broker = settings.CELERY_BROKER_URL.split("@")[-1]
        self.stdout.write(f"Worker started (pid {worker.pid}) on broker {broker}.")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
