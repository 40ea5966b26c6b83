"""Models of the screening app, one module per feature (imported here so Django finds them)."""

from screening.models.fulltext import FullText
from screening.models.prefs import DEFAULT_KEYS, KeyMap, QueueOrder, QueueSetting
from screening.models.priority import FeatureSet, PrioritySettings, Ranking, RankingStatus
from screening.models.team import Comment, ReviewerNote
from screening.models.workflow import (
    BulkExclusion,
    BulkExclusionCategory,
    Decision,
    DecisionHistory,
    DecisionValue,
    HistoryAction,
    Resolution,
    Stage,
    StageSettings,
    StoppingDecision,
)

__all__ = [
    "DEFAULT_KEYS",
    "BulkExclusion",
    "BulkExclusionCategory",
    "Comment",
    "Decision",
    "DecisionHistory",
    "DecisionValue",
    "FeatureSet",
    "FullText",
    "HistoryAction",
    "KeyMap",
    "PrioritySettings",
    "QueueOrder",
    "QueueSetting",
    "Ranking",
    "RankingStatus",
    "Resolution",
    "ReviewerNote",
    "Stage",
    "StageSettings",
    "StoppingDecision",
]
