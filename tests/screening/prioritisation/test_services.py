"""What the screening app calls: queue order, scores, retrain trigger (screening/prioritisation/services.py)."""

from __future__ import annotations

import numpy as np
import pytest

from review.models import Job, Record
from screening.models import FeatureSet, Ranking, RankingStatus
from screening.prioritisation import store
from screening.prioritisation.jobs import RETRAIN_JOB, ranking_retrain
from screening.prioritisation.model import fit
from screening.prioritisation.services import (
    next_prioritised,
    priority_settings_update,
    queue_order,
    random_share_of,
    relevance_scores,
    retrain_maybe,
)
from screening.queue import candidates, next_record
from screening.selectors import training_labels
from tests.factories import RecordFactory

STAGE = "title_abstract"
BONE = "Menatetrenone (vitamin K2) and bone mineral density: fracture prevention in postmenopausal osteoporosis"
HEART = "Statin therapy and cholesterol lowering after myocardial infarction: blood pressure and stroke"


@pytest.fixture
def topics(cast):
    """Ten bone records and ten heart records, interleaved in import order."""
    made = {"bone": [], "heart": []}
    for i in range(10):
        for topic, text in (("bone", BONE), ("heart", HEART)):
            made[topic].append(
                RecordFactory(
                    review=cast.review,
                    batch__source__review=cast.review,
                    title=f"{text} {i}",
                    abstract=text,
                    position=len(made),
                )
            )
    return made


def _ids(records):
    return [record.pk for record in records]


def _train(cast, reviewer, decide, relevant, irrelevant):
    for record in relevant:
        decide(record, reviewer, "include")
    for record in irrelevant:
        decide(record, reviewer, "exclude")
    return ranking_retrain(review=cast.review, stage=STAGE, reviewer=reviewer)


def test_without_a_model_the_queue_is_a_random_order(cast, topics):
    """Before any decision the queue holds every candidate once, shuffled, the same on a reload."""
    ids = _ids(topics["bone"] + topics["heart"])
    first = queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=ids)
    assert sorted(first) == sorted(ids) and first != ids
    assert queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=ids) == first


def test_one_class_labels_leave_the_queue_random_and_say_so(cast, topics, decide):
    """With exclusions only there is no model: the ranking records why and the queue stays random."""
    result = _train(cast, cast.reviewer, decide, [], topics["heart"][:3])
    assert result["status"] == "one_class"
    ranking = Ranking.objects.get(review=cast.review, stage=STAGE, reviewer=cast.reviewer)
    assert ranking.status == RankingStatus.ONE_CLASS
    assert "one relevant and one irrelevant" in ranking.get_status_display()
    assert (
        relevance_scores(review=cast.review, stage=STAGE, reviewer=cast.reviewer, record_ids=_ids(topics["bone"])) == {}
    )


def test_retrain_persists_scores_that_relevance_scores_returns(cast, topics, decide):
    """The job stores a score for every record; the bone records score above the heart records."""
    result = _train(cast, cast.reviewer, decide, topics["bone"][:2], topics["heart"][:2])
    assert result["status"] == "ready" and set(result["seconds"]) >= {"fit", "score", "write"}
    scores = relevance_scores(
        review=cast.review, stage=STAGE, reviewer=cast.reviewer, record_ids=_ids(topics["bone"] + topics["heart"])
    )
    assert len(scores) == 20 and all(0 <= value <= 1 for value in scores.values())
    assert min(scores[r.pk] for r in topics["bone"][2:]) > max(scores[r.pk] for r in topics["heart"][2:])


def test_the_queue_puts_the_likely_relevant_first(cast, topics, decide):
    """With no random share, the undecided bone records lead the queue of a reviewer who included bone."""
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.0)
    _train(cast, cast.reviewer, decide, topics["bone"][:2], topics["heart"][:2])
    waiting = _ids(topics["heart"][2:] + topics["bone"][2:])
    queue = queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=waiting)
    assert set(queue[:8]) == set(_ids(topics["bone"][2:]))


def test_blind_rankings_follow_each_reviewers_own_decisions(cast, topics, decide, reviewer2):
    """Two reviewers with opposite labels get opposite queues, and A's is unmoved when B's change."""
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.0)
    bone, heart = topics["bone"], topics["heart"]
    _train(cast, cast.reviewer, decide, bone[:2], heart[:2])
    _train(cast, reviewer2, decide, heart[:2], bone[:2])
    waiting = _ids(heart[2:] + bone[2:])
    mine = queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=waiting)
    theirs = queue_order(review=cast.review, stage=STAGE, reviewer=reviewer2, candidate_ids=waiting)
    assert set(mine[:8]) == set(_ids(bone[2:])) and set(theirs[:8]) == set(_ids(heart[2:]))
    _train(cast, reviewer2, decide, bone[2:5], heart[2:5])  # B changes their mind and adds decisions
    assert queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=waiting) == mine


def test_retrain_maybe_starts_a_job_when_enough_decisions_arrived(
    cast, topics, decide, django_capture_on_commit_callbacks
):
    """The first decisions each start a refit job (run eagerly here) that writes the ranking."""
    for record, value in ((topics["bone"][0], "include"), (topics["heart"][0], "exclude")):
        with django_capture_on_commit_callbacks(execute=True):
            decide(record, cast.reviewer, value)
    jobs = Job.objects.filter(kind=RETRAIN_JOB, review=cast.review)
    assert jobs.count() == 2 and set(jobs.values_list("status", flat=True)) == {"done"}
    ranking = Ranking.objects.get(review=cast.review, stage=STAGE, reviewer=cast.reviewer)
    assert ranking.status == RankingStatus.READY and ranking.trained_on == 2


def test_retrain_maybe_waits_for_the_batch(cast, topics, decide):
    """Right after a refit was requested, no new job starts until the next decision."""
    decide(topics["bone"][0], cast.reviewer, "include")
    assert retrain_maybe(review=cast.review, stage=STAGE, reviewer=cast.reviewer) is not None
    assert retrain_maybe(review=cast.review, stage=STAGE, reviewer=cast.reviewer) is None


def test_a_queued_refit_holds_back_the_next_one_of_the_same_reviewer_only(cast, topics, decide, reviewer2):
    """While a refit of the reviewer waits in the queue, more decisions start none (it will read them);
    another reviewer's queued refit, or one that has finished, does not hold theirs back."""
    decide(topics["bone"][0], reviewer2, "include")
    theirs = retrain_maybe(review=cast.review, stage=STAGE, reviewer=reviewer2)
    decide(topics["bone"][0], cast.reviewer, "include")
    mine = retrain_maybe(review=cast.review, stage=STAGE, reviewer=cast.reviewer)
    assert theirs is not None and mine is not None and mine.params == {"stage": STAGE, "reviewer": cast.reviewer.pk}
    decide(topics["heart"][0], cast.reviewer, "exclude")  # due again: one more decision (a small review)
    assert retrain_maybe(review=cast.review, stage=STAGE, reviewer=cast.reviewer) is None
    Job.objects.filter(pk=mine.pk).update(status="done")
    assert retrain_maybe(review=cast.review, stage=STAGE, reviewer=cast.reviewer) is not None
    assert Job.objects.get(pk=theirs.pk).status == "queued"


def test_the_random_share_is_the_leads_setting(cast):
    """A stage without settings uses the default share; the lead's value replaces it."""
    assert random_share_of(cast.review, STAGE) == pytest.approx(0.02)
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.1)
    assert random_share_of(cast.review, STAGE) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="between 0 and 0.5"):
        priority_settings_update(review=cast.review, stage=STAGE, random_share=0.9)


def test_the_random_share_waits_for_a_run_of_irrelevant_decisions(cast, topics, decide):
    """At a share of 50% (a run of 2 opens it): right after an inclusion the queue is the ranking; after
    two exclusions in a row, and once the model classes none of the waiting records relevant, random
    records are mixed in."""
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.0)
    bone, heart = topics["bone"], topics["heart"]
    _train(cast, cast.reviewer, decide, bone[:2], heart[:2])
    decide(bone[2], cast.reviewer, "include")  # the latest decision is relevant
    waiting = _ids(heart[4:] + bone[3:])
    ranked = queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=waiting)
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.5)
    assert queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=waiting) == ranked
    decide(heart[2], cast.reviewer, "exclude")
    decide(heart[3], cast.reviewer, "exclude")
    # The bone records still waiting are classed relevant: the model's picks come first.
    assert queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=waiting) == ranked
    # Once the model classes no record relevant, the random places open.
    Ranking.objects.filter(review=cast.review, reviewer=cast.reviewer).update(relevant_from=None, n_classed_relevant=0)
    mixed = queue_order(review=cast.review, stage=STAGE, reviewer=cast.reviewer, candidate_ids=waiting)
    assert sorted(mixed) == sorted(ranked) and mixed != ranked


def test_the_retrain_stores_where_the_model_classes_a_record_relevant(cast, topics, decide):
    """The ranking keeps the score from which the model classes a record relevant (its SVM decision value
    is 0 or more), refitted here on the same labels to check it; and the records scored, for the schedule."""
    _train(cast, cast.reviewer, decide, topics["bone"][:2], topics["heart"][:2])
    ranking = Ranking.objects.get(review=cast.review, stage=STAGE, reviewer=cast.reviewer)
    assert ranking.relevant_from is not None and ranking.n_records == 20
    features = store.features_for(cast.review)
    labels = training_labels(review=cast.review, stage=STAGE, reviewer=cast.reviewer)
    ids = np.asarray(sorted(labels), dtype=np.int64)
    rows = np.searchsorted(features.record_ids, ids)
    model = fit(features.matrix[rows], np.asarray([labels[int(pk)] for pk in ids]))
    assert model is not None
    relevant = model.decision_function(features.matrix) >= 0
    scored_ids, scores = ranking.arrays()
    assert (scored_ids == features.record_ids).all()
    assert ((scores >= ranking.relevant_from) == relevant).all()
    assert relevant[np.isin(scored_ids, _ids(topics["bone"]))].all()
    # The stored order holds the records without a label, best first; those it classes relevant lead it.
    order = ranking.order()
    unlabelled = ~np.isin(scored_ids, ids)
    assert sorted(order.tolist()) == scored_ids[unlabelled].tolist()
    in_order = scores[np.searchsorted(scored_ids, order)]
    assert (np.diff(in_order) <= 0).all()
    assert ranking.n_classed_relevant == np.count_nonzero(relevant & unlabelled) > 0
    assert (in_order[: ranking.n_classed_relevant] >= ranking.relevant_from).all()


def test_a_cached_matrix_whose_file_is_gone_is_built_again(cast, topics):
    """A feature set row whose .npz file has vanished (MEDIA_ROOT moved or cleaned) is rebuilt, not an error."""
    assert store.features_for(cast.review).rebuilt
    feature_set = FeatureSet.objects.get(review=cast.review)
    feature_set.matrix.storage.delete(feature_set.matrix.name)
    again = store.features_for(cast.review)
    assert again.rebuilt and again.matrix.shape[0] == 20
    assert not store.features_for(cast.review).rebuilt


def test_the_cached_matrix_is_rebuilt_when_the_featuriser_changes(cast, topics, monkeypatch):
    """Same texts: the cache serves; a new features version (another featuriser) forces a rebuild."""
    assert store.features_for(cast.review).rebuilt
    assert not store.features_for(cast.review).rebuilt
    monkeypatch.setattr(store, "FEATURES_VERSION", "another featuriser")
    assert store.features_for(cast.review).rebuilt


def test_an_import_prepares_the_features_so_the_next_refit_only_loads_them(
    cast, client_for, django_capture_on_commit_callbacks
):
    """The import's duplicate detection job builds the feature matrix; the first refit then loads it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from review.models import ImportBatch
    from screening.models import Decision, FeatureSet
    from tests.review.imports.helpers import RIS_TWO, source_for

    client = client_for(cast.lead)
    source = source_for(cast.review)
    client.post(
        reverse("imports:upload", args=[cast.review.slug, source.pk]),
        {"files": [SimpleUploadedFile("a.ris", RIS_TWO.encode())]},
    )
    batch = ImportBatch.objects.get()
    assert not FeatureSet.objects.filter(review=cast.review).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:preview", args=[cast.review.slug, batch.pk]), {"format": "auto", "encoding": "auto"}
        )
    assert Job.objects.filter(kind="dedup", status="done").exists()
    prepared = FeatureSet.objects.get(review=cast.review)
    assert prepared.n_records == 2
    first, second = batch.records.order_by("position")
    for record, value in ((first, "include"), (second, "exclude")):
        Decision.objects.create(review=cast.review, stage=STAGE, record=record, reviewer=cast.lead, value=value)
    result = ranking_retrain(review=cast.review, stage=STAGE, reviewer=cast.lead)
    assert "load_features" in result["seconds"] and "featurise" not in result["seconds"], result


def _pool(cast, reviewer):
    return candidates(cast.review, STAGE, reviewer).order_by().values_list("pk", flat=True)


def _first_in(pool):
    """The walk's question, asked of the ORM's candidates: the first of these ids still open, as a record."""

    def first_open(ids):
        found = set(pool.filter(pk__in=ids))
        chosen = next((pk for pk in ids if pk in found), None)
        return None if chosen is None else Record.objects.get(pk=chosen)

    return first_open


def _full_ranking(cast, reviewer):
    ids = list(_pool(cast, reviewer))
    return queue_order(review=cast.review, stage=STAGE, reviewer=reviewer, candidate_ids=ids)


def test_the_page_walks_the_refits_order_to_the_record_the_full_ranking_puts_first(cast, topics, decide):
    """The next record comes from the refit's stored order without reading every candidate, and it is the
    first of the ranked candidates, decision after decision."""
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.0)
    _train(cast, cast.reviewer, decide, topics["bone"][:2], topics["heart"][:2])
    for _ in range(3):
        pick = next_prioritised(
            review=cast.review, stage=STAGE, reviewer=cast.reviewer, first_open=_first_in(_pool(cast, cast.reviewer))
        )
        assert pick.known and pick.record_id == _full_ranking(cast, cast.reviewer)[0]
        assert next_record(cast.review, STAGE, cast.reviewer).pk == pick.record_id  # the page's fixed statements
        assert pick.record_id in _ids(topics["bone"])
        decide(next(r for r in topics["bone"] if r.pk == pick.record_id), cast.reviewer, "include")


def test_the_walk_reads_only_the_decisions_made_since_the_refit(cast, topics, decide):
    """The refit's order leaves out what it was trained on, so the walk reads the decisions made since, not all."""
    from screening.prioritisation.services import _order_head

    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.0)
    _train(cast, cast.reviewer, decide, topics["bone"][:2], topics["heart"][:2])
    head = _order_head(cast.review, STAGE, cast.reviewer, 64, None)
    assert head is not None and len(head.decided) == 0
    assert not np.isin(head.order, _ids(topics["bone"][:2] + topics["heart"][:2])).any()
    top = next_record(cast.review, STAGE, cast.reviewer)
    decide(top, cast.reviewer, "include")
    head = _order_head(cast.review, STAGE, cast.reviewer, 64, None)
    assert head.decided.tolist() == [top.pk] and head.order[0] == top.pk  # read, then left out by the walk
    assert next_record(cast.review, STAGE, cast.reviewer).pk == _full_ranking(cast, cast.reviewer)[0] != top.pk


@pytest.mark.parametrize("first_place_random", [None, True, False])
def test_with_the_random_places_open_the_page_shows_the_first_of_the_listed_queue(
    cast, topics, decide, django_assert_max_num_queries, monkeypatch, first_place_random
):
    """A dry run and no record classed relevant open the random places: the first place is drawn (a random
    candidate, or the ranking's first) as the API's list draws it, in a few queries, anew after each decision.
    The draw is forced either way (True, False) to check both, and left to the seed (None)."""
    from screening.prioritisation import services
    from screening.prioritisation.ordering import RandomFirst

    if first_place_random is not None:
        monkeypatch.setattr(services, "RandomFirst", lambda seed, share: RandomFirst(seed, float(first_place_random)))
    _train(cast, cast.reviewer, decide, topics["bone"][:2], topics["heart"][:2])
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.5)  # a run of 2 opens them
    Ranking.objects.filter(review=cast.review, reviewer=cast.reviewer).update(relevant_from=None, n_classed_relevant=0)
    shown, ranking_first = [], []
    for record in topics["heart"][2:9]:
        decide(record, cast.reviewer, "exclude")
        listed = _full_ranking(cast, cast.reviewer)
        pick = next_prioritised(
            review=cast.review, stage=STAGE, reviewer=cast.reviewer, first_open=_first_in(_pool(cast, cast.reviewer))
        )
        assert pick.known and pick.record_id == listed[0]
        with django_assert_max_num_queries(9):
            assert next_record(cast.review, STAGE, cast.reviewer).pk == listed[0]
        shown.append(listed[0])
        ranking_first.append(_ranking_first(cast, cast.reviewer))
    if first_place_random is False:
        assert shown == ranking_first
    if first_place_random is True:
        assert sum(a != b for a, b in zip(shown, ranking_first, strict=True)) >= 3  # chance: 1 in ~13 each


def _ranking_first(cast, reviewer):
    """The first candidate in the refit's order, random places aside."""
    order = Ranking.objects.get(review=cast.review, stage=STAGE, reviewer=reviewer).order()
    waiting = set(_pool(cast, reviewer))
    return next(int(pk) for pk in order if int(pk) in waiting)


def test_the_walk_leaves_the_choice_to_the_full_ranking_when_it_cannot_decide(cast, topics, decide):
    """Only records the refit never scored left: the caller ranks every candidate."""
    _train(cast, cast.reviewer, decide, topics["bone"][:2], topics["heart"][:2])
    pool = _pool(cast, cast.reviewer)
    newcomer = RecordFactory(review=cast.review, batch__source__review=cast.review, title="Imported after the refit")
    only_new = pool.filter(pk=newcomer.pk)
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.0)
    assert not next_prioritised(
        review=cast.review, stage=STAGE, reviewer=cast.reviewer, first_open=_first_in(only_new)
    ).known


def test_the_next_record_in_prioritised_order_reads_a_fixed_number_of_queries(
    cast, topics, decide, django_assert_max_num_queries
):
    """However many records wait, the page's next record costs a handful of short queries."""
    priority_settings_update(review=cast.review, stage=STAGE, random_share=0.0)
    _train(cast, cast.reviewer, decide, topics["bone"][:2], topics["heart"][:2])
    expected = _full_ranking(cast, cast.reviewer)[0]
    with django_assert_max_num_queries(8):
        record = next_record(cast.review, STAGE, cast.reviewer)
    assert record is not None and record.pk == expected


def test_an_undone_or_reset_decision_refits_the_models_that_learned_it(
    cast, topics, decide, reviewer2, django_capture_on_commit_callbacks
):
    """Undo refits the reviewer's model without the label; a reset refits each model whose label went."""
    from screening.services import decision_undo_last, record_reset

    bone, heart = topics["bone"], topics["heart"]
    for record, value in ((bone[0], "include"), (heart[0], "exclude"), (heart[1], "exclude"), (bone[1], "include")):
        with django_capture_on_commit_callbacks(execute=True):
            decide(record, cast.reviewer, value)
    for record, value in ((bone[1], "include"), (heart[0], "exclude"), (heart[2], "exclude")):
        with django_capture_on_commit_callbacks(execute=True):
            decide(record, reviewer2, value)
    mine = Ranking.objects.get(review=cast.review, stage=STAGE, reviewer=cast.reviewer)
    theirs = Ranking.objects.get(review=cast.review, stage=STAGE, reviewer=reviewer2)
    assert (mine.trained_on, theirs.trained_on) == (4, 3)

    with django_capture_on_commit_callbacks(execute=True):
        decision_undo_last(review=cast.review, stage=STAGE, reviewer=cast.reviewer)  # bone[1]
    mine.refresh_from_db()
    assert mine.trained_on == 3 and bone[1].pk in _ranked(mine)

    with django_capture_on_commit_callbacks(execute=True):
        record_reset(review=cast.review, record=heart[0], stage=STAGE, actor=cast.lead, reason="wrong record")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.trained_on == 2 and heart[0].pk in _ranked(mine)
    assert theirs.trained_on == 2 and heart[0].pk in _ranked(theirs)


def _ranked(ranking: Ranking) -> list[int]:
    """The refit's stored order of the records it had no label for."""
    return np.frombuffer(bytes(ranking.ranked_ids or b""), dtype=np.int64).tolist()


def test_a_refit_that_read_its_labels_earlier_never_overwrites_a_later_one(cast, topics):
    """Two refits racing: the one whose labels are newer stays, though the older one had more labels."""
    from datetime import timedelta

    from django.utils import timezone

    from screening.prioritisation.store import ranking_write

    ids = np.asarray(_ids(topics["bone"] + topics["heart"]), dtype=np.int64)
    later, earlier = timezone.now(), timezone.now() - timedelta(seconds=5)
    common = {"review": cast.review, "stage": STAGE, "reviewer": cast.reviewer, "record_ids": ids, "scores": None}
    assert ranking_write(**common, labels=np.array([True]), seconds={}, labels_read_at=later)
    assert not ranking_write(**common, labels=np.array([True, False, True]), seconds={}, labels_read_at=earlier)
    assert Ranking.objects.get(review=cast.review, reviewer=cast.reviewer).trained_on == 1


def test_a_refit_reuses_the_matrix_it_keeps_without_reading_the_texts(
    cast, topics, settings, django_assert_num_queries
):
    """Within the check interval the kept matrix serves (one query: is the stored feature set the same?);
    a text edited meanwhile is seen at the next check, and a rebuild elsewhere at once."""
    settings.SCREENING_FEATURES_CHECK_S = 60
    first = store.features_for(cast.review, check_texts=True)
    with django_assert_num_queries(1):
        again = store.features_for(cast.review)
    assert again.matrix is first.matrix and not again.rebuilt

    edited = topics["heart"][0]
    edited.abstract = "menaquinone-7 and vertebral fractures"
    edited.save()
    assert store.features_for(cast.review).matrix is first.matrix  # not checked yet (within 60 s)
    settings.SCREENING_FEATURES_CHECK_S = 0
    assert store.features_for(cast.review).rebuilt  # checked: the text changed

    settings.SCREENING_FEATURES_CHECK_S = 60
    kept = store.features_for(cast.review)
    FeatureSet.objects.filter(review=cast.review).update(text_hash="rebuilt by another worker")
    assert store.features_for(cast.review).matrix is not kept.matrix


@pytest.mark.django_db(transaction=True)
def test_decisions_on_the_page_queue_the_refit_after_the_answer(cast, topics, client_for):
    """Through the screening page (real commits) the retrain check runs after the response: the refit is
    still queued (and, eagerly here, run) for each decision that makes one due."""
    client = client_for(cast.reviewer)
    for record, value in ((topics["bone"][0], "include"), (topics["heart"][0], "exclude")):
        url = f"/reviews/{cast.review.slug}/screening/{STAGE}/records/{record.pk}/decide/"
        assert client.post(url, {"value": value}, HTTP_HX_REQUEST="true").status_code == 200
    assert Job.objects.filter(kind=RETRAIN_JOB, review=cast.review, status="done").count() == 2
    assert Ranking.objects.get(review=cast.review, stage=STAGE, reviewer=cast.reviewer).trained_on == 2
