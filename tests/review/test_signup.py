"""Sign-up: open locally, closed when the setting is off, and the new user is signed in."""

import pytest

pytestmark = pytest.mark.django_db


def test_signup_creates_the_account_and_signs_in(client, settings):
    """After signing up, the review list (a login-only page) opens without logging in again."""
    settings.SIGNUP_ENABLED = True
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newlead",
            "email": "newlead@example.org",
            "password1": "K2-review-pass-77",
            "password2": "K2-review-pass-77",
        },
    )
    assert response.status_code == 302
    assert client.get("/reviews/").status_code == 200


def test_signup_is_closed_when_the_setting_is_off(client, settings):
    """Served mode closes sign-up by default: the page is not found."""
    settings.SIGNUP_ENABLED = False
    assert client.get("/accounts/signup/").status_code == 404


def test_demo_account_is_refused_without_debug(client, settings):
    """The demo password is public, so the demo account cannot log in while DEBUG is off."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("demo", password="demo-vk2-2026")
    settings.DEBUG = False
    assert not client.login(username="demo", password="demo-vk2-2026")
    settings.DEBUG = True
    assert client.login(username="demo", password="demo-vk2-2026")
