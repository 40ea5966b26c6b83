"""Screening API: my queue, the decisions I may see, recording a decision (same blind rules as pages)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from review.access import Action
from review.api.permissions import ReviewAccess
from review.models import Record
from screening.models import Decision, DecisionValue, Stage
from screening.queue import queue_page
from screening.selectors import visible_decisions
from screening.services import decision_record

QUEUE_LIMIT_MAX = 100


class QueueRecordSerializer(serializers.ModelSerializer[Record]):
    class Meta:
        model = Record
        fields = [
            "id",
            "uuid",
            "title",
            "abstract",
            "authors",
            "year",
            "journal",
            "keywords",
            "publication_types",
        ]


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    reason = serializers.CharField(source="reason.label", read_only=True, default=None)

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
            "companion_of",
            "created_at",
            "updated_at",
        ]


class DecisionWriteSerializer(serializers.Serializer[Any]):
    record = serializers.IntegerField()
    value = serializers.ChoiceField(choices=DecisionValue.choices)
    reason = serializers.IntegerField(required=False, allow_null=True, help_text="exclusion reason id")
    companion_of = serializers.IntegerField(required=False, allow_null=True, help_text="record id")


def _stage(stage: str) -> str:
    if stage not in Stage.values:
        raise Http404("No such screening stage.")
    return stage


class QueueApi(APIView):
    """The next records waiting for my decision, in my queue order."""

    permission_classes = [ReviewAccess]
    access_action = Action.SCREEN

    @extend_schema(responses=QueueRecordSerializer(many=True))
    def get(self, request: Request, slug: str, stage: str) -> Response:
        limit = min(int(request.query_params.get("limit", "20") or 20), QUEUE_LIMIT_MAX)
        records = queue_page(request.review, _stage(stage), request.user, limit=max(limit, 1))  # type: ignore[attr-defined]
        return Response(QueueRecordSerializer(records, many=True).data)


class DecisionListApi(APIView):
    """Decisions at a stage: under blind screening, only mine until the lead reveals; record one."""

    permission_classes = [ReviewAccess]
    access_action = Action.VIEW
    access_actions = {"POST": Action.SCREEN}

    @extend_schema(responses=DecisionSerializer(many=True))
    def get(self, request: Request, slug: str, stage: str) -> Response:
        decisions = visible_decisions(review=request.review, stage=_stage(stage), viewer=request.user)  # type: ignore[attr-defined]
        return Response(DecisionSerializer(decisions.order_by("record_id", "created_at"), many=True).data)

    @extend_schema(request=DecisionWriteSerializer, responses=DecisionSerializer)
    def post(self, request: Request, slug: str, stage: str) -> Response:
        review = request.review  # type: ignore[attr-defined]
        data = DecisionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = Record.objects.filter(review=review, pk=data.validated_data["record"]).first()
        if record is None:
            raise ValidationError({"record": "No such record in this review."})
        reason_id, companion_id = data.validated_data.get("reason"), data.validated_data.get("companion_of")
        reason = review.exclusion_reasons.filter(pk=reason_id).first() if reason_id else None
        companion = Record.objects.filter(review=review, pk=companion_id).first() if companion_id else None
        try:
            decision = decision_record(
                review=review,
                record=record,
                stage=_stage(stage),
                reviewer=request.user,
                value=data.validated_data["value"],
                reason=reason,
                companion_of=companion,
            )
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
