"""Work a request sets off that its answer need not wait for.

Inside a request, :func:`after_response` keeps the call until the response has been sent: the WSGI
server closes the response after writing it, Django then sends ``request_finished``, and the calls run
(the worker takes its next request after them). Outside a request (a Celery task, a management
command, a service called from a test) the call runs at once. Django has no hook for this and no
library in our stack offers one; the signals below are Django's own.

Used for the screening page's retrain check after a decision: it reads the ranking and, one decision
in five at 50,000 records, queues a refit (a job row and a message to the broker, 8-10 ms), where the
reviewer is waiting for the next record.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable

from django.core.signals import request_finished, request_started

log = logging.getLogger(__name__)

_pending: contextvars.ContextVar[list[Callable[[], object]] | None] = contextvars.ContextVar(
    "after_response", default=None
)


def after_response(call: Callable[[], object]) -> None:
    """Run ``call`` once the current response has been sent, or now when there is no request."""
    pending = _pending.get()
    if pending is None:
        call()
    else:
        pending.append(call)


def _request_started(**_: object) -> None:
    _pending.set([])


def _request_finished(**_: object) -> None:
    pending = _pending.get()
    _pending.set(None)
    for call in pending or ():
        try:
            call()
        except Exception:  # the answer is sent: a failure here can only be logged
            log.exception("work after the response failed: %r", call)


request_started.connect(_request_started, dispatch_uid="review.after_response.started")
request_finished.connect(_request_finished, dispatch_uid="review.after_response.finished")
