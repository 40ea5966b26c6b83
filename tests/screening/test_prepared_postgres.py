"""On PostgreSQL the screening page's fixed statements are prepared once per connection, nothing else is."""

import pytest
from django.db import connection

from screening.models import QueueOrder
from screening.queue import next_record
from screening.services_prefs import queue_order_set
from tests.conftest import need_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    need_service(
        connection.vendor == "postgresql",
        "prepared statements are PostgreSQL's: DATABASE_URL=postgres://postgres@127.0.0.1:5432/...",
    )


@pytest.fixture(autouse=True)
def _import_order(cast):
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.IMPORTED)


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_pick_is_prepared_and_the_orm_is_not(cast, records):
    """Two picks: the pick's statement is prepared and planned once; ORM queries and the cursor stay as set."""
    before = connection.connection.cursor_factory, connection.connection.prepare_threshold
    first = next_record(cast.review, "title_abstract", cast.reviewer)
    assert next_record(cast.review, "title_abstract", cast.reviewer) == first == records[0]
    statements = _prepared()
    assert any("panel_has_history" in s for s in statements)  # the pick, read with the panel's flags
    assert not any('"review_membership"' in s or '"auth_user"' in s for s in statements)
    assert (connection.connection.cursor_factory, connection.connection.prepare_threshold) == before


@pytest.mark.django_db(transaction=True)
def test_nothing_is_prepared_when_the_deployment_says_so(cast, records, monkeypatch):
    """OPTIONS["prepare_threshold"] = None (a transaction-mode pooler) turns preparing off here too."""
    monkeypatch.setitem(
        connection.settings_dict, "OPTIONS", {**connection.settings_dict["OPTIONS"], "prepare_threshold": None}
    )
    connection.close()  # a new connection: none prepared yet
    assert next_record(cast.review, "title_abstract", cast.reviewer) == records[0]
    assert _prepared() == []
