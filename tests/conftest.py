"""The shared cast: one review with a lead, a reviewer, an extractor, a viewer; and an outsider."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.shared_dir import shared_dir

REPO = Path(__file__).resolve().parents[1]
SHARED = shared_dir()
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need_service(available: bool, reason: str) -> None:
    """Skip the test when a service is missing, or fail when REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(request, tmp_path):
    """Every test writes uploads and job files into its own folder and runs tasks eagerly.

    Tests of analysis/stats and analysis/plots run without Django (``-p no:django``): skip then.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Tests expect exact progress counts; a slow test machine must not make them shared (and seconds old).
    # tests/screening/test_progress.py turns sharing on where it is the subject.
    settings.SCREENING_PROGRESS_SHARE_AFTER_MS = 10**9
    # Likewise every refit checks the record texts (tests change records between refits);
    # tests/screening/prioritisation/test_services.py turns the kept matrix's trust on where it is the subject.
    settings.SCREENING_FEATURES_CHECK_S = 0
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher(request):
    """Hashing passwords with PBKDF2 for every user of every test costs seconds; tests need no strength."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@dataclass
class Cast:
    review: object
    lead: object
    reviewer: object
    extractor: object
    viewer: object
    outsider: object


@pytest.fixture
def cast(db) -> Cast:
    from tests.factories import MembershipFactory, ReviewFactory, UserFactory

    review = ReviewFactory()
    lead, reviewer, extractor, viewer, outsider = (
        UserFactory(username=name) for name in ("lead", "reviewer", "extractor", "viewer", "outsider")
    )
    MembershipFactory(review=review, user=lead, is_lead=True)
    MembershipFactory(review=review, user=reviewer, is_reviewer=True)
    MembershipFactory(review=review, user=extractor, is_extractor=True)
    MembershipFactory(review=review, user=viewer, is_viewer=True)
    return Cast(review, lead, reviewer, extractor, viewer, outsider)


@pytest.fixture
def client_for(client):
    """Return a function that logs the test client in as a user and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login
