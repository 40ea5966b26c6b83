"""Simultaneous decisions on PostgreSQL: real parallel connections, one thread each."""

import threading

import pytest
from django.db import connection

from screening.models import Decision, DecisionHistory
from screening.services import decision_record
from tests.conftest import need_service

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


def _race(calls):
    """Run the calls at the same moment, each on its own database connection; return errors."""
    barrier, errors = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as exc:  # a failure in any thread must fail the test, whatever it is
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _call(cast, record, user, value):
    return lambda: decision_record(
        review=cast.review, record=record, stage="title_abstract", reviewer=user, value=value
    )


@pytest.fixture(autouse=True)
def _postgres_only():
    need_service(
        connection.vendor == "postgresql",
        "the concurrency test needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/...",
    )


def test_two_reviewers_at_the_same_moment_both_keep_their_decisions(cast, records, reviewer2):
    """Two reviewers deciding one record at once: two decisions, two history rows, no error."""
    errors = _race([_call(cast, records[0], cast.reviewer, "include"), _call(cast, records[0], reviewer2, "exclude")])
    assert errors == []
    assert set(Decision.objects.values_list("reviewer__username", "value")) == {
        ("reviewer", "include"),
        ("reviewer2", "exclude"),
    }
    assert DecisionHistory.objects.count() == 2


def test_a_double_submit_in_parallel_is_one_decision(cast, records):
    """The same decision posted eight times at once is one decision with one history row."""
    errors = _race([_call(cast, records[0], cast.reviewer, "include") for _ in range(THREADS)])
    assert errors == []
    assert Decision.objects.count() == 1
    assert DecisionHistory.objects.count() == 1


def test_parallel_changes_leave_one_decision_and_a_consistent_history(cast, records):
    """Conflicting values at once: one decision remains, equal to the last value the history records."""
    values = ["include", "exclude", "maybe", "include", "exclude", "maybe", "include", "exclude"]
    errors = _race([_call(cast, records[0], cast.reviewer, value) for value in values])
    assert errors == []
    decision = Decision.objects.get()
    last = DecisionHistory.objects.order_by("at", "id").last()
    assert decision.value == last.value
    assert DecisionHistory.objects.filter(action="recorded").count() == 1
