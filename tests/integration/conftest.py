"""Real Celery worker processes pointed at the test database (used with transaction=True tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

from config.celery import app as celery_app
from tests.conftest import REPO, need_service

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def redis_available(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_database_url() -> str:
    """The URL of the database the test is using right now, for the worker process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{settings['NAME']}"


def _point_app_at(broker_url: str, transport_options: dict) -> None:
    """Make this process publish to ``broker_url`` (the settings may name another broker)."""
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker_url
    celery_app.conf.broker_transport_options = transport_options
    celery_app._pool = None  # the connection pool was built for the previous broker
    celery_app.amqp._producer_pool = None


class Worker:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                f"--hostname=test-{os.getpid()}@%h",
            ],
            cwd=REPO,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.read_text()}")
            if "ready." in self.log.read_text():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready after {timeout}s: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _worker_env(tmp_path: Path, media_root: Path, broker_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}}
    env.update(
        DATABASE_URL=test_database_url(),
        MEDIA_ROOT=str(media_root),
        VAR_DIR=str(tmp_path / "worker-var"),
        SECRET_KEY=env.get("SECRET_KEY", "integration-test-key"),
        **broker_env,
    )
    return env


@pytest.fixture(params=["redis", "embedded"])
def celery_worker_process(request, tmp_path, settings) -> Iterator[str]:
    """Start a real worker on Redis or on the embedded filesystem broker; yield the broker's name."""
    original = (celery_app.conf.broker_url, celery_app.conf.broker_transport_options)
    if request.param == "redis":
        url = redis_url()
        need_service(redis_available(url), f"Redis is not reachable at {url}")
        _point_app_at(url, {"visibility_timeout": 3600})
        broker_env = {"REDIS_URL": url}
    else:
        folder = tmp_path / "worker-var" / "broker"
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        _point_app_at(
            "filesystem://",
            {
                "data_folder_in": str(folder / "queue"),
                "data_folder_out": str(folder / "queue"),
                "processed_folder": str(folder / "processed"),
                "control_folder": str(folder / "control"),
            },
        )
        broker_env = {}
    worker = Worker(_worker_env(tmp_path, Path(settings.MEDIA_ROOT), broker_env), tmp_path / "worker.log")
    try:
        yield request.param
    finally:
        worker.stop()
        _point_app_at(*original)
