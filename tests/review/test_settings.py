"""Settings refuse bad environment values with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import check_database_url, check_redis_url, env_bool

REPO = Path(__file__).resolve().parents[2]


def test_unknown_database_scheme_is_refused():
    """A mistyped scheme names the accepted ones."""
    with pytest.raises(ImproperlyConfigured, match="accepted: pgsql, postgres, postgresql, sqlite"):
        check_database_url("mysqll://x/y")


def test_bad_boolean_and_redis_url_are_refused(monkeypatch):
    """DEBUG=maybe and a non-redis broker URL are refused."""
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("DEBUG", False)
    with pytest.raises(ImproperlyConfigured):
        check_redis_url("amqp://localhost")


def test_bad_database_url_fails_manage_py_with_one_line(tmp_path):
    """`manage.py check` with a bad DATABASE_URL prints the reason, not a traceback wall."""
    env = {**os.environ, "DATABASE_URL": "oracle://x/y", "VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "unknown scheme 'oracle'" in result.stderr
    assert result.stderr.count("\n") <= 3, result.stderr


def test_debug_is_off_by_default(tmp_path):
    """With no environment, DEBUG is off."""
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"} | {"VAR_DIR": str(tmp_path)}
    code = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings');django.setup();"
        "from django.conf import settings;print(settings.DEBUG)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
