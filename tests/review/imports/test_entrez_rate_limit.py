"""NCBI's rate limit holds across workers: the slots come from the database (or Redis), not a process."""

import threading
import time

import pytest
from django.db import connection

from review.importers.entrez import DatabaseLimiter, RedisLimiter
from tests.conftest import need_service

GAP = 0.1
PER_WORKER = 5


def _run_workers(make_limiter, workers=2):
    """Return the slots the workers were given, and (slot, time the worker went on) pairs."""
    slots: list[float] = []
    went: list[tuple[float, float]] = []
    lock = threading.Lock()

    def work():
        limiter = make_limiter()
        for _ in range(PER_WORKER):
            slot = limiter.wait()
            now = time.time()
            with lock:
                slots.append(slot)
                went.append((slot, now))
        connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(slots), went


def _assert_spaced(slots, gap):
    # The slots, not the moments threads resume: a busy machine may resume a thread late, never early.
    spacing = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert min(spacing) >= gap - 1e-6, spacing


@pytest.mark.django_db(transaction=True)
def test_two_workers_sharing_the_database_limiter_never_exceed_the_rate():
    """Two threads (own connections, like two worker processes) take slots at least GAP apart."""
    slots, went = _run_workers(lambda: DatabaseLimiter(GAP, key="test-db"))
    assert len(slots) == 2 * PER_WORKER
    _assert_spaced(slots, GAP)
    assert all(now >= slot - 0.005 for slot, now in went)  # nobody goes before its slot


def test_two_workers_sharing_the_redis_limiter_never_exceed_the_rate():
    """With REDIS_URL, two clients of the same Redis key take slots at least GAP apart."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
        available = True
    except redis.exceptions.ConnectionError:
        available = False
    need_service(available, "Redis is not running on 127.0.0.1:6379")
    key = f"test-limit-{time.time()}"
    slots, _ = _run_workers(lambda: RedisLimiter(url, GAP, key=key))
    assert len(slots) == 2 * PER_WORKER
    _assert_spaced(slots, GAP)


def test_the_limit_follows_the_api_key(settings):
    """Without a key the gap is about 1/3 s (3 requests/s), with one about 1/10 s."""
    from review.importers.entrez import default_limiter

    settings.REDIS_URL = ""
    assert 0.33 < default_limiter("").gap < 0.4
    assert 0.1 <= default_limiter("key").gap < 0.12


def test_requests_through_the_adapter_take_their_slots(db):
    """The adapter asks the limiter before every request it sends, retries included."""
    from review.importers.entrez import EntrezClient
    from tests.review.imports.eutils import EutilsServer, recorded

    class Counting:
        calls = 0

        def wait(self):
            Counting.calls += 1
            return time.time()

    answers = [(500, b"x"), (200, recorded("esearch1.xml")), (200, recorded("esearch1.xml"))]
    with EutilsServer(lambda u, p: answers.pop(0)) as server:
        client = EntrezClient(base_url=server.base_url, email="t@example.org", limiter=Counting(), backoff=0.0)
        client.esearch("a")
        client.esearch("b")
        assert len(server.seen) == 3
    assert Counting.calls == 3
