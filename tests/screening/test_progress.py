"""Progress counts: exact by default, shared for a few seconds once counting the stage is costly."""

import random
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import override_settings

from screening.models import Decision, StageSettings
from screening.progress import _cache_key, progress, stage_counts
from screening.queue_sql import full_records
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
STAGE = "title_abstract"


@pytest.fixture
def sharing(settings):
    """Share every count (as a costly one would be) for a minute (keys are per review uuid: no clearing,
    which on Redis would empty the database the Celery broker may share)."""
    settings.SCREENING_PROGRESS_SHARE_AFTER_MS = 0
    settings.SCREENING_PROGRESS_MAX_AGE_S = 60


@pytest.mark.parametrize("required", [1, 2, 3])
def test_the_stage_counts_equal_a_count_of_the_decisions(cast, records, reviewer2, decide, required):
    """Records with ``required`` decisions and each reviewer's share of them, against a count in Python."""
    StageSettings.objects.update_or_create(review=cast.review, stage=STAGE, defaults={"required_decisions": required})
    third = UserFactory(username="reviewer3")
    MembershipFactory(review=cast.review, user=third, is_reviewer=True)
    rng = random.Random(required)
    for record in records:
        for user in rng.sample([cast.reviewer, reviewer2, third], rng.randint(0, 3)):
            decide(record, user, rng.choice(["include", "exclude", "maybe"]))
    decisions = list(Decision.objects.filter(review=cast.review, stage=STAGE).values_list("record_id", "reviewer_id"))
    per_record = Counter(record for record, _ in decisions)
    full = {record for record, n in per_record.items() if n >= required}
    by_reviewer = Counter(reviewer for record, reviewer in decisions if record in full)

    assert full_records(review_id=cast.review.pk, stage=STAGE, required=required) == (len(full), dict(by_reviewer))
    mine = progress(cast.review, STAGE, cast.reviewer)
    my_records = {record for record, reviewer in decisions if reviewer == cast.reviewer.pk}
    assert mine.mine_done == len(my_records)
    assert mine.mine_left == len(records) - len(my_records) - len(full - my_records)
    assert mine.stage_done == len(full)


def test_a_cheap_count_is_exact_at_once(cast, records, reviewer2, decide, settings):
    """Below the cost threshold nothing is kept: another reviewer's decision shows in my next figures."""
    settings.SCREENING_PROGRESS_SHARE_AFTER_MS = 10_000
    decide(records[0], cast.reviewer, "include")
    assert progress(cast.review, STAGE, cast.reviewer).stage_done == 0
    decide(records[0], reviewer2, "include")
    decide(records[1], reviewer2, "include")
    after = progress(cast.review, STAGE, cast.reviewer)
    assert (after.stage_done, after.stage_age_s) == (1, None)


def test_a_shared_count_lags_for_others_work_but_never_for_mine(cast, records, reviewer2, decide, sharing):
    """Once shared, others' work shows only when the count is renewed; my own decisions count at once."""
    decide(records[0], reviewer2, "include")
    decide(records[0], cast.lead, "include")  # full, not mine
    first = progress(cast.review, STAGE, cast.reviewer)
    assert (first.mine_done, first.mine_left, first.stage_done, first.stage_age_s) == (0, 11, 1, None)

    decide(records[1], reviewer2, "include")
    decide(records[1], cast.lead, "exclude")  # full, not mine: not yet seen
    decide(records[2], cast.reviewer, "include")  # mine: seen at once
    shared = progress(cast.review, STAGE, cast.reviewer)
    assert (shared.mine_done, shared.mine_left, shared.stage_done) == (1, 10, 1)
    assert shared.stage_age_s is not None and 0 <= shared.stage_age_s < 60

    cache.delete(_cache_key(cast.review, STAGE, 2))  # the count is renewed (as when it is MAX_AGE_S old)
    renewed = progress(cast.review, STAGE, cast.reviewer)
    assert (renewed.mine_done, renewed.mine_left, renewed.stage_done, renewed.stage_age_s) == (1, 9, 2, None)


def test_a_shared_count_serves_every_reviewer(cast, records, reviewer2, decide, sharing):
    """One pass serves the whole team: each reviewer's share of the full records comes from it."""
    decide(records[0], cast.reviewer, "include")
    decide(records[0], reviewer2, "exclude")
    decide(records[1], reviewer2, "include")
    decide(records[1], cast.lead, "include")
    stage_counts(cast.review, STAGE, 2)  # counted and kept
    Decision.objects.filter(review=cast.review).delete()  # a change the kept count cannot know of
    assert progress(cast.review, STAGE, cast.reviewer).mine_left == 12 - 0 - 1  # record 1: full, not mine
    assert progress(cast.review, STAGE, reviewer2).mine_left == 12 - 0 - 0
    assert progress(cast.review, STAGE, cast.lead).mine_left == 12 - 0 - 1  # record 0


def test_another_rule_is_counted_afresh(cast, records, reviewer2, decide, sharing):
    """Changing how many decisions a record needs changes the count at once (it is kept per rule)."""
    decide(records[0], cast.reviewer, "include")
    assert progress(cast.review, STAGE, cast.reviewer).stage_done == 0
    StageSettings.objects.update_or_create(review=cast.review, stage=STAGE, defaults={"required_decisions": 1})
    assert progress(cast.review, STAGE, cast.reviewer).stage_done == 1


def test_the_page_says_how_old_a_shared_count_is(cast, records, reviewer2, decide, client, sharing):
    """The progress fragment names the age of shared figures, and says nothing when they are fresh."""
    client.force_login(cast.reviewer)
    url = f"/reviews/{cast.review.slug}/screening/{STAGE}/progress/"
    assert "counted" not in client.get(url).content.decode()
    assert "s ago)" in client.get(url).content.decode()


def test_progress_without_a_cache_server_is_still_counted(cast, records, decide, settings, caplog):
    """When Redis does not answer, progress is counted afresh and the failure logged, not an error page."""
    settings.SCREENING_PROGRESS_SHARE_AFTER_MS = 0
    dead = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
    decide(records[0], cast.reviewer, "include")
    with override_settings(CACHES=dead):
        found = progress(cast.review, STAGE, cast.reviewer)
    assert (found.mine_done, found.mine_left, found.stage_age_s) == (1, 11, None)
    assert "progress cache unavailable" in caplog.text


def test_a_shared_count_holds_the_stage_total_too(cast, records, sharing):
    """Records imported meanwhile join the stage's total when the shared count is renewed."""
    from tests.factories import RecordFactory

    assert progress(cast.review, STAGE, cast.reviewer).stage_total == 12
    RecordFactory(review=cast.review, batch__source__review=cast.review, position=99)
    kept = progress(cast.review, STAGE, cast.reviewer)
    assert (kept.stage_total, kept.mine_left) == (12, 12)
    cache.delete(_cache_key(cast.review, STAGE, 2))
    renewed = progress(cast.review, STAGE, cast.reviewer)
    assert (renewed.stage_total, renewed.mine_left) == (13, 13)
