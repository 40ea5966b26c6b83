"""A worker whose broker cannot be reached stops at once with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def test_unreachable_broker_stops_the_worker_with_one_line(tmp_path):
    """No retry loop and no traceback wall: exit status 2 and the broker named."""
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [errors[0]] and "cannot reach the Celery broker 'redis://127.0.0.1:1/0'" in errors[0]
    assert "Traceback" not in result.stderr
