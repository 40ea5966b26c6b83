"""Fixed statements that PostgreSQL plans once per connection, not on every keystroke.

Django's psycopg cursors bind parameters on the client (the values are spliced into the text), so
PostgreSQL parses and plans every statement afresh. For the screening page's fixed statements planning
costs more than running: the next-record pick took 2.7 ms to plan and 0.7 ms to run at 50,000 records.
Inside :func:`planned_once`, cursors bind parameters on the server and psycopg prepares each statement
the first time it runs on a connection (Django turns psycopg's preparing off by default, for connection
poolers); with persistent connections (``CONN_MAX_AGE``) the plan then outlives the request. Only the
statements inside are affected: turning server-side binding on for every ORM query
(``OPTIONS["server_side_binding"]``) cost more Python than it saved here. Queries keep going through
Django's cursor wrapper (logging, ``assertNumQueries``).

A connection pooler in transaction mode that does not track prepared statements breaks them: set
``OPTIONS["prepare_threshold"] = None`` in such a deployment, and nothing is prepared here either.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def planned_once() -> Iterator[None]:
    """Run the enclosed statements with server-side parameters on PostgreSQL; elsewhere, as they are."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    options = connection.settings_dict.get("OPTIONS", {})
    threshold = options.get("prepare_threshold", 0)  # None (set): never prepare
    connection.ensure_connection()
    raw = connection.connection
    before = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, threshold
    try:
        yield
    finally:
        raw.cursor_factory, raw.prepare_threshold = before


def fetch_one(sql: str, params: Sequence[object]) -> tuple[Any, ...] | None:
    """Run a fixed statement (planned once on PostgreSQL) and return its first row, or None."""
    with planned_once(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_all(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
    """Run a fixed statement (planned once on PostgreSQL) and return its rows."""
    with planned_once(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
