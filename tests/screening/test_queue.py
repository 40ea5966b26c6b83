"""The reviewer's queue: which record comes next, moving back and forth, progress."""

import pytest

from screening.models import QueueOrder
from screening.progress import progress
from screening.queue import candidates, neighbours, next_record, queue_page
from screening.services_prefs import queue_order_set

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _import_order(cast, reviewer2):
    for user in (cast.reviewer, reviewer2, cast.lead):
        queue_order_set(review=cast.review, user=user, order=QueueOrder.IMPORTED)


def test_the_first_record_comes_first(cast, records):
    """In import order the queue starts with the first record."""
    assert next_record(cast.review, "title_abstract", cast.reviewer) == records[0]


def test_my_decided_records_leave_my_queue(cast, records, decide):
    """After deciding record 0 the next record is record 1."""
    decide(records[0], cast.reviewer, "include")
    assert next_record(cast.review, "title_abstract", cast.reviewer) == records[1]


def test_fully_decided_records_leave_everyone_s_queue(cast, records, reviewer2, decide):
    """A record with all its required decisions goes to nobody else (the lead does not get it)."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")
    assert next_record(cast.review, "title_abstract", cast.lead) == records[1]
    assert records[0] not in candidates(cast.review, "title_abstract", cast.lead)


def test_random_order_is_stable_until_a_decision(cast, records, decide):
    """Random order shows the same record on reload and a different place after a decision."""
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.RANDOM)
    first = next_record(cast.review, "title_abstract", cast.reviewer)
    assert next_record(cast.review, "title_abstract", cast.reviewer) == first
    decide(first, cast.reviewer, "include")
    assert next_record(cast.review, "title_abstract", cast.reviewer) not in (None, first)


def test_prioritised_order_falls_back_without_the_model(cast, records, monkeypatch):
    """Without the prioritisation module the prioritised order is the import order."""
    import screening.queue as queue

    monkeypatch.setattr(queue, "_ranker", lambda: None)
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.PRIORITISED)
    assert next_record(cast.review, "title_abstract", cast.reviewer) == records[0]


def test_prioritised_order_follows_the_ranking(cast, records, monkeypatch):
    """With a model whose stored order the walk cannot use, the record the ranker puts first comes first."""
    import screening.queue as queue
    from screening.models import Ranking, RankingStatus

    monkeypatch.setattr(queue, "_ranker", lambda: lambda **kw: sorted(kw["candidate_ids"], reverse=True))
    ready = RankingStatus.READY
    Ranking.objects.create(review=cast.review, stage="title_abstract", reviewer=cast.reviewer, status=ready)
    queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.PRIORITISED)
    assert next_record(cast.review, "title_abstract", cast.reviewer) == records[-1]
    assert [r.pk for r in queue_page(cast.review, "title_abstract", cast.reviewer, limit=2)] == [
        records[-1].pk,
        records[-2].pk,
    ]


def test_before_the_first_model_the_prioritised_queue_is_the_random_order(cast, records, decide, monkeypatch):
    """No model yet: the page picks as random order does, without ranking every candidate, and the API's
    list starts at that record."""
    import screening.queue as queue

    def rank_everything(**kwargs):
        raise AssertionError("ranked every candidate")

    monkeypatch.setattr(queue, "_ranker", lambda: rank_everything)
    for value in ("include", "include", "include"):  # one class only: still no model
        queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.RANDOM)
        expected = next_record(cast.review, "title_abstract", cast.reviewer)
        queue_order_set(review=cast.review, user=cast.reviewer, order=QueueOrder.PRIORITISED)
        picked = next_record(cast.review, "title_abstract", cast.reviewer)
        assert picked == expected
        assert queue_page(cast.review, "title_abstract", cast.reviewer, limit=3)[0] == picked
        decide(picked, cast.reviewer, value)


def test_back_and_forth_follow_my_own_timeline(cast, records, decide):
    """Previous goes to my earlier decisions; next from an old decision goes to the later one."""
    decide(records[0], cast.reviewer, "include")
    decide(records[1], cast.reviewer, "exclude")
    assert neighbours(cast.review, "title_abstract", cast.reviewer, records[2]) == (records[1].pk, None)
    assert neighbours(cast.review, "title_abstract", cast.reviewer, records[1]) == (records[0].pk, None)
    assert neighbours(cast.review, "title_abstract", cast.reviewer, records[0]) == (None, records[1].pk)


def test_progress_counts_mine_and_the_stage(cast, records, reviewer2, decide):
    """Progress gives my decisions and what is left, and the records with all their decisions."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "include")
    decide(records[1], reviewer2, "include")
    mine = progress(cast.review, "title_abstract", cast.reviewer)
    assert (mine.mine_done, mine.mine_left, mine.stage_done, mine.stage_total) == (1, 11, 1, 12)


def test_full_text_queue_holds_only_passed_records(cast, passed):
    """At full text the queue is the records included at title/abstract."""
    assert set(candidates(cast.review, "full_text", cast.reviewer)) == set(passed)


def _out_of_my_queue(cast, records, reviewer2, decide):
    """Take records 0-2 out of the reviewer's queue: decided by them, fully decided by others, removed in bulk."""
    from screening.services_lead import BulkQuery, bulk_exclude

    decide(records[0], cast.reviewer, "include")
    decide(records[1], reviewer2, "include")
    decide(records[1], cast.lead, "exclude")
    records[2].publication_types = ["Editorial"]
    records[2].save()
    bulk_exclude(review=cast.review, actor=cast.lead, query=BulkQuery(publication_type="Editorial"), category="other")


def test_the_sql_pick_agrees_with_the_orm_definition(cast, records, reviewer2, decide):
    """The hand-written title/abstract query picks what the ORM's candidates() would, seed or not."""
    from screening.queue_sql import pick_title_abstract

    _out_of_my_queue(cast, records, reviewer2, decide)
    allowed = [r.pk for r in candidates(cast.review, "title_abstract", cast.reviewer).order_by("pk")]
    assert allowed[0] == records[3].pk
    for seed in (None, 0, 5, 99, 12345):
        picked = pick_title_abstract(
            review_id=cast.review.pk,
            stage="title_abstract",
            reviewer_id=cast.reviewer.pk,
            required=2,
            skip=None,
            seed=seed,
        )
        assert picked in allowed
    assert (
        pick_title_abstract(
            review_id=cast.review.pk,
            stage="title_abstract",
            reviewer_id=cast.reviewer.pk,
            required=2,
            skip=records[3].pk,
            seed=None,
        )
        == records[4].pk
    )


def test_the_picked_record_carries_the_same_panel_flags_as_the_orm(cast, records, reviewer2, decide):
    """The SQL pick's history/note/comment flags agree with with_panel_flags() on the record picked."""
    from review.models import Record
    from screening.queue import with_panel_flags
    from screening.services_records import comment_add, note_save

    decide(records[0], reviewer2, "include")  # history on record 0; it still waits for me
    comment_add(record=records[1], stage="title_abstract", author=reviewer2, text="Is this a trial?")
    note_save(record=records[1], stage="title_abstract", author=reviewer2, text="check dose", tags=[])
    for skip in (None, records[0].pk, records[1].pk):
        picked = next_record(cast.review, "title_abstract", cast.reviewer, skip=skip)
        orm = with_panel_flags(Record.objects.filter(pk=picked.pk), "title_abstract", cast.reviewer).get()
        for name in ("panel_mine", "panel_has_history", "panel_has_notes", "panel_has_comments"):
            assert getattr(picked, name) == getattr(orm, name), (skip, name)
    assert next_record(cast.review, "title_abstract", cast.reviewer).panel_has_history is True


def test_the_sql_title_abstract_total_agrees_with_the_orm_definition(cast, records):
    """The progress bars' stage total counts what stage_records() holds (no duplicates, undone imports, removals)."""
    from review.models import DuplicateGroup, ImportBatch, Record
    from screening.queue import stage_records
    from screening.queue_sql import title_abstract_total
    from screening.services_lead import BulkQuery, bulk_exclude
    from tests.factories import RecordFactory

    def both():
        return title_abstract_total(cast.review.pk), stage_records(cast.review, "title_abstract").count()

    assert both() == (12, 12)
    group = DuplicateGroup.objects.create(review=cast.review, primary=records[0])
    Record.objects.filter(pk__in=[records[0].pk, records[1].pk, records[2].pk]).update(duplicate_group=group)
    assert both() == (10, 10)
    orphan = DuplicateGroup.objects.create(review=cast.review, primary=None)
    Record.objects.filter(pk=records[3].pk).update(duplicate_group=orphan)
    assert both() == (9, 9)
    records[4].publication_types = ["Editorial"]
    records[4].save()
    records[1].publication_types = ["Editorial"]  # a duplicate already out: counted once
    records[1].save()
    bulk_exclude(review=cast.review, actor=cast.lead, query=BulkQuery(publication_type="Editorial"), category="other")
    assert both() == (8, 8)
    undone = RecordFactory(review=cast.review, batch__source__review=cast.review, position=20)
    assert both() == (9, 9)
    ImportBatch.objects.filter(pk=undone.batch_id).update(status="undone")
    assert both() == (8, 8)
    RecordFactory()  # another review's record
    assert both() == (8, 8)


def test_progress_leaves_out_records_others_fully_decided(cast, records, reviewer2, decide):
    """A record two others decided is no longer left for me; one I decided counts once; a partial one stays."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")  # full, mine
    decide(records[1], reviewer2, "include")
    decide(records[1], cast.lead, "include")  # full, not mine
    decide(records[2], cast.lead, "maybe")  # one decision of two
    mine = progress(cast.review, "title_abstract", cast.reviewer)
    assert (mine.mine_done, mine.mine_left, mine.stage_done, mine.stage_total) == (1, 10, 2, 12)
    theirs = progress(cast.review, "title_abstract", cast.lead)
    assert (theirs.mine_done, theirs.mine_left, theirs.stage_done) == (2, 9, 2)


def test_the_record_read_with_the_pick_equals_the_record_read_by_the_orm(cast, records, django_assert_num_queries):
    """The pick reads the record in its own statement: the same field values, group and full text as the ORM's."""
    from review.models import DuplicateGroup, Record
    from screening.models import FullText

    group = DuplicateGroup.objects.create(review=cast.review, primary=records[0])
    Record.objects.filter(pk__in=[records[0].pk, records[1].pk]).update(duplicate_group=group)
    FullText.objects.create(record=records[2], not_retrieved=True, note="asked the authors")
    fields = [f.attname for f in Record._meta.concrete_fields]
    for skip, expected in ((None, records[0]), (records[0].pk, records[2]), (records[2].pk, records[0])):
        picked = next_record(cast.review, "title_abstract", cast.reviewer, skip=skip)
        orm = Record.objects.get(pk=expected.pk)
        assert picked.pk == expected.pk
        assert [getattr(picked, n) for n in fields] == [getattr(orm, n) for n in fields]
        assert picked.is_primary and picked.panel_mine is None
    picked = next_record(cast.review, "title_abstract", cast.reviewer)
    with django_assert_num_queries(0):  # the group's primary and the missing full text came with the pick
        assert picked.duplicate_group.primary_id == records[0].pk and picked.is_primary
        assert getattr(picked, "fulltext", None) is None
    picked = next_record(cast.review, "title_abstract", cast.reviewer, skip=records[0].pk)
    assert picked.fulltext.note == "asked the authors"


def test_the_prioritised_slice_pick_agrees_with_the_orm_definition(cast, records, reviewer2, decide):
    """The first id of a slice still open, by the fixed statement, is the first of them candidates() holds."""
    from screening.queue_sql import first_open_title_abstract

    _out_of_my_queue(cast, records, reviewer2, decide)
    ids = [r.pk for r in records]
    allowed = set(
        candidates(cast.review, "title_abstract", cast.reviewer).filter(pk__in=ids).values_list("pk", flat=True)
    )
    assert records[0].pk not in allowed and records[1].pk not in allowed and records[2].pk not in allowed
    args = {"review_id": cast.review.pk, "stage": "title_abstract", "reviewer_id": cast.reviewer.pk, "required": 2}
    for sequence in (ids, ids[::-1], ids[2:] + ids[:2], [ids[1], ids[5], ids[0], ids[4]]):
        expected = next(pk for pk in sequence if pk in allowed)
        assert first_open_title_abstract(sequence, skip=None, **args).pk == expected, sequence
        after_skip = next(pk for pk in sequence if pk in allowed - {expected})
        assert first_open_title_abstract(sequence, skip=expected, **args).pk == after_skip, sequence
    assert first_open_title_abstract([records[0].pk, records[1].pk], skip=None, **args) is None
    assert first_open_title_abstract([], skip=None, **args) is None


def test_the_prioritised_record_read_carries_the_orm_panel_flags(cast, records, reviewer2, decide):
    """The record picked from a slice, in one statement, has the flags with_panel_flags() gives it."""
    from review.models import Record
    from screening.queue import with_panel_flags
    from screening.queue_sql import first_open_title_abstract
    from screening.services_records import comment_add, note_save

    decide(records[0], reviewer2, "include")
    comment_add(record=records[1], stage="title_abstract", author=reviewer2, text="Is this a trial?")
    note_save(record=records[1], stage="title_abstract", author=reviewer2, text="check dose", tags=[])
    args = {"review_id": cast.review.pk, "stage": "title_abstract", "reviewer_id": cast.reviewer.pk, "required": 2}
    args["skip"] = None
    for record in records[:3]:
        read = first_open_title_abstract([record.pk], **args)
        orm = with_panel_flags(Record.objects.filter(pk=record.pk), "title_abstract", cast.reviewer).get()
        assert read.pk == record.pk and read.title == orm.title
        for name in ("panel_mine", "panel_has_history", "panel_has_notes", "panel_has_comments"):
            assert getattr(read, name) == getattr(orm, name), (record.pk, name)
