"""On PostgreSQL a refit's arrays are stored uncompressed (migration screening 0006)."""

import pytest
from django.db import connection

from screening.models import Ranking
from tests.conftest import need_service

pytestmark = pytest.mark.django_db


def test_the_rankings_arrays_are_stored_out_of_line_without_compression():
    """STORAGE EXTERNAL ('e') for the three arrays each refit rewrites; other columns keep the default."""
    need_service(connection.vendor == "postgresql", "column storage is PostgreSQL's: DATABASE_URL=postgres://...")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [Ranking._meta.db_table],
        )
        storage = dict(cursor.fetchall())
    assert {storage[c] for c in ("record_ids", "scores", "ranked_ids")} == {"e"}
    assert storage["seconds"] == "x"
