"""Models of prioritised screening: cached features, each reviewer's ranking, and the queue settings.

Nothing of the model lives in a process's memory: the retrain job writes the scores here and every web
process reads them, so any number of processes and machines rank alike (DESIGN.md, running modes).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from review.models import Review
from screening.models.workflow import Stage
from screening.prioritisation.ordering import DEFAULT_RANDOM_SHARE

# Rankings stored before the refits left their labelled records out of ``ranked_ids`` read as if their
# labels came before any decision: the queue then leaves out all the reviewer's decisions, as it did.
LABELS_READ_BEFORE_ANY = datetime(1970, 1, 1, tzinfo=UTC)


class FeatureSet(models.Model):
    """The TF-IDF matrix of a review's records, a file in MEDIA_ROOT; rebuilt when their texts change.

    It depends on the record texts only, never on decisions, so all reviewers share it without leaking.
    """

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="priority_features")
    text_hash = models.CharField(max_length=64, help_text="sha256 of the record ids, titles and abstracts")
    record_ids = models.BinaryField(help_text="int64 record ids, in the matrix's row order (ascending)")
    matrix = models.FileField(upload_to="prioritisation/")
    n_records = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"features of {self.review} ({self.n_records} records)"

    def ids(self) -> np.ndarray:
        """Return the record ids of the matrix's rows."""
        return np.frombuffer(bytes(self.record_ids), dtype=np.int64)


class RankingStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the first refit"
    ONE_CLASS = "one_class", "No model yet: needs at least one relevant and one irrelevant decision"
    READY = "ready", "Ranked by the model"


class Ranking(models.Model):
    """One reviewer's ranking at one stage: the scores of their model's last refit.

    Kept per reviewer and never shared: in blind mode a reviewer's model learns only from their own
    decisions (and the resolutions they may see), so their queue cannot reveal another's votes.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="priority_rankings")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=RankingStatus.choices, default=RankingStatus.WAITING)
    record_ids = models.BinaryField(default=b"", help_text="int64 record ids, ascending")
    scores = models.BinaryField(default=b"", help_text="float32 scores in [0, 1], aligned with record_ids")
    ranked_ids = models.BinaryField(
        default=b"",
        help_text="int64 ids of the records the refit had no label for, from the highest score to the lowest "
        "(ties in the refit's random order)",
    )
    labels_read_at = models.DateTimeField(
        default=LABELS_READ_BEFORE_ANY,
        help_text="when the last refit read its labels: the reviewer's decisions since then are still in ranked_ids",
    )
    relevant_from = models.FloatField(
        null=True, blank=True, help_text="lowest score the model classes as relevant; empty: it classes none so"
    )
    n_records = models.PositiveIntegerField(default=0, help_text="records the last refit scored")
    n_classed_relevant = models.PositiveIntegerField(
        default=0, help_text="records of ranked_ids the last refit classed relevant: the first of them"
    )
    trained_on = models.PositiveIntegerField(default=0, help_text="labels the scores were fitted on")
    relevant_labels = models.PositiveIntegerField(default=0)
    requested_at = models.PositiveIntegerField(
        default=0, help_text="the reviewer's decision count when the last refit was requested"
    )
    seconds = models.JSONField(default=dict, blank=True, help_text="time of each step of the last refit")
    fitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "stage", "reviewer"], name="priority_ranking_unique")]

    def __str__(self) -> str:
        return f"ranking of {self.reviewer} at {self.stage} ({self.status})"

    def order(self) -> np.ndarray:
        """Return the record ids from the most to the least likely relevant, as the last refit ranked them."""
        return np.frombuffer(bytes(self.ranked_ids), dtype=np.int64)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (record ids, scores) of the last refit; empty arrays before the first model."""
        ids = np.frombuffer(bytes(self.record_ids), dtype=np.int64)
        scores = np.frombuffer(bytes(self.scores), dtype=np.float32)
        return ids, scores


class PrioritySettings(models.Model):
    """A stage's queue settings chosen by the lead; a stage without a row uses the defaults."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="priority_settings")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    random_share = models.FloatField(
        default=DEFAULT_RANDOM_SHARE,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
        help_text="share of the prioritised queue drawn at random from the unscreened records",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "stage"], name="priority_settings_unique")]

    def __str__(self) -> str:
        return f"queue settings of {self.review} at {self.stage}"
