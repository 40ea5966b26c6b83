"""Serializers of the screening API (what drf-spectacular describes in /api/schema/)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from review.models import Record
from screening.models import Decision, DecisionValue, Resolution


class QueueRecordSerializer(serializers.ModelSerializer[Record]):
    class Meta:
        model = Record
        fields = [
            "id",
            "uuid",
            "title",
            "translated_title",
            "abstract",
            "authors",
            "year",
            "journal",
            "keywords",
            "publication_types",
            "doi",
            "pmid",
        ]


class NextRecordSerializer(serializers.Serializer[Any]):
    record = QueueRecordSerializer(allow_null=True, help_text="null when nothing waits for you at this stage")


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    reason = serializers.CharField(source="reason.label", read_only=True, default=None, help_text="its label")
    reason_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "uuid",
            "record",
            "stage",
            "reviewer",
            "value",
            "reason",
            "reason_id",
            "companion_of",
            "created_at",
            "updated_at",
        ]


class DecisionWriteSerializer(serializers.Serializer[Any]):
    record = serializers.IntegerField(help_text="record id")
    value = serializers.ChoiceField(choices=DecisionValue.choices)
    reason = serializers.IntegerField(
        required=False, allow_null=True, help_text="exclusion reason id (needed to exclude at full text)"
    )
    companion_of = serializers.IntegerField(
        required=False, allow_null=True, help_text="full-text include only: the included record of the same study"
    )


class ProgressSerializer(serializers.Serializer[Any]):
    mine_done = serializers.IntegerField(help_text="records you decided at this stage")
    mine_left = serializers.IntegerField(help_text="records still waiting for your decision")
    stage_done = serializers.IntegerField(help_text="records with all the decisions they need")
    stage_total = serializers.IntegerField(help_text="records open at this stage")
    stage_age_s = serializers.IntegerField(
        allow_null=True,
        help_text="null when the stage's figures were counted for this answer; otherwise how many seconds old "
        "they are (a large review late in screening shares one count for a few seconds)",
    )


class ConflictSerializer(serializers.Serializer[Any]):
    record = serializers.IntegerField(help_text="record id")
    title = serializers.CharField()
    kind = serializers.CharField(help_text="why the decisions do not meet the outcome rule")
    decisions = DecisionSerializer(many=True, help_text="every decision, in time order")
    counted = serializers.ListField(
        child=serializers.IntegerField(), help_text="ids of the decisions the outcome rule counts"
    )


class ConflictListSerializer(serializers.Serializer[Any]):
    revealed = serializers.BooleanField(help_text="false while the stage is blind and not revealed: no list then")
    conflicts = ConflictSerializer(many=True)


class RevealSerializer(serializers.Serializer[Any]):
    stage = serializers.CharField()
    revealed_at = serializers.DateTimeField(allow_null=True, help_text="null when the stage is not blind")


class ResolutionWriteSerializer(serializers.Serializer[Any]):
    # The decisions' choice set keeps one enum in the schema; the service refuses "maybe".
    value = serializers.ChoiceField(choices=DecisionValue.choices, help_text="include or exclude")
    note = serializers.CharField(help_text="why")
    reason = serializers.IntegerField(required=False, allow_null=True, help_text="exclusion reason id (full text)")
    companion_of = serializers.IntegerField(required=False, allow_null=True, help_text="record id (full text)")


class ResolutionSerializer(serializers.ModelSerializer[Resolution]):
    resolved_by = serializers.CharField(source="resolved_by.username", read_only=True, default=None)
    reason = serializers.CharField(source="reason.label", read_only=True, default=None)

    class Meta:
        model = Resolution
        fields = ["uuid", "record", "stage", "value", "reason", "companion_of", "note", "resolved_by", "resolved_at"]
