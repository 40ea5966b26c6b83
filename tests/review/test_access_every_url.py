"""Every URL pattern declares who may use it, and the declaration is enforced (DESIGN.md role table)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import get_converters

from review.access import ROLE_TABLE, Action
from review.models import Role

# Placeholder values for URL arguments other than the review's slug: access is decided before any lookup.
ARG_VALUES = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x"}
CAST_ROLES = {"lead": Role.LEAD, "reviewer": Role.REVIEWER, "extractor": Role.EXTRACTOR, "viewer": Role.VIEWER}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _declared_action(pattern: URLPattern):
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    for holder in (callback, view_class):
        if holder is not None and hasattr(holder, "access_action"):
            return True, holder.access_action
    return False, None


def _review_routes():
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or "<slug:slug>" not in route:
            continue
        yield route, pattern


def _placeholder(converter_name: str) -> str:
    """A value the converter accepts: a known placeholder, or the first alternative of its regex."""
    if converter_name in ARG_VALUES:
        return ARG_VALUES[converter_name]
    regex = get_converters()[converter_name].regex
    return regex.split("|")[0].strip("()^$")


def _path_for(route: str, slug: str) -> str:
    route = route.replace("<slug:slug>", slug)
    route = re.sub(r"<(\w+):\w+>", lambda m: _placeholder(m.group(1)), route)
    route = re.sub(r"<\w+>", "x", route)
    return "/" + route.lstrip("^").rstrip("$")


def test_every_url_pattern_declares_its_access():
    """A view added without @review_view / access_action / @open_view fails this test."""
    undeclared = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or route == "":
            continue
        declared, _ = _declared_action(pattern)
        if not declared:
            undeclared.append(route)
    assert undeclared == [], f"views without an access declaration: {undeclared}"


def test_review_views_declare_an_action_of_the_table():
    """Every view under a review names an action of the role table (none is left open)."""
    for route, pattern in _review_routes():
        _, action = _declared_action(pattern)
        assert isinstance(action, Action), f"{route} declares no action"


@pytest.mark.django_db
def test_outsider_gets_404_everywhere_in_a_review(cast, client_for):
    """A signed-in non-member learns nothing, not even that the review exists."""
    client = client_for(cast.outsider)
    for route, _ in _review_routes():
        for method in ("get", "post"):
            response = getattr(client, method)(_path_for(route, cast.review.slug))
            assert response.status_code == 404, f"{method.upper()} {route}: {response.status_code}"


@pytest.mark.django_db
def test_member_without_the_role_gets_403(cast, client_for):
    """Each member is refused, with 403, exactly the actions the role table does not give them."""
    checked = 0
    for name, role in CAST_ROLES.items():
        client = client_for(getattr(cast, name))
        for route, pattern in _review_routes():
            _, action = _declared_action(pattern)
            if role in ROLE_TABLE[action]:
                continue
            response = client.get(_path_for(route, cast.review.slug))
            assert response.status_code == 403, f"{name} GET {route}: {response.status_code}"
            checked += 1
    assert checked > 0


@pytest.mark.django_db
def test_member_with_the_role_is_not_refused(cast, client_for):
    """Members holding the role never get 403 or 404 from the access check itself."""
    for name, role in CAST_ROLES.items():
        client = client_for(getattr(cast, name))
        for route, pattern in _review_routes():
            _, action = _declared_action(pattern)
            if role not in ROLE_TABLE[action] or re.search(r"<(int|uuid|str|path|slug):(?!slug>)", route):
                continue  # routes with object ids may 404 on the placeholder object
            response = client.get(_path_for(route, cast.review.slug))
            assert response.status_code not in (403, 404), f"{name} GET {route}: {response.status_code}"


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login_or_refused(cast, client):
    """Anonymous requests never see review content."""
    for route, _ in _review_routes():
        response = client.get(_path_for(route, cast.review.slug))
        assert response.status_code in (302, 401, 403, 404), route
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
