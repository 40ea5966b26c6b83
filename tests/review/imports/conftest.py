import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast's five users are hashed with PBKDF2 (about 1 s each here); MD5 is enough in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
