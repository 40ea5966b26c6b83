"""Work deferred until the response is sent (review/after_response.py)."""

import logging

import pytest
from django.http import HttpResponse
from django.urls import path

from review.after_response import after_response

EVENTS: list[str] = []


def _deferring_view(request):
    after_response(lambda: EVENTS.append("first after"))
    after_response(lambda: 1 / 0)
    after_response(lambda: EVENTS.append("second after"))
    EVENTS.append("view returned")
    return HttpResponse(b"answer")


urlpatterns = [path("defer/", _deferring_view)]


@pytest.fixture(autouse=True)
def _events():
    EVENTS.clear()
    yield
    EVENTS.clear()


def test_outside_a_request_the_call_runs_at_once():
    after_response(lambda: EVENTS.append("now"))
    assert EVENTS == ["now"]


@pytest.mark.urls(__name__)
def test_in_a_request_the_calls_run_after_the_response_in_order_and_a_failure_is_only_logged(client, caplog):
    """The view returns first; then every deferred call runs, a failing one logged without stopping the rest."""
    with caplog.at_level(logging.ERROR, logger="review.after_response"):
        response = client.get("/defer/")
    assert response.status_code == 200 and response.content == b"answer"
    assert EVENTS == ["view returned", "first after", "second after"]
    assert "work after the response failed" in caplog.text and "ZeroDivisionError" in caplog.text
    after_response(lambda: EVENTS.append("after the request: at once"))
    assert EVENTS[-1] == "after the request: at once"
