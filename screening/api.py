"""Screening API under /api/reviews/<slug>/screening/<stage>/: validate, call one service, serialize.

Same authentication (session or Bearer token), same access table (``ReviewAccess``) and the same
blind rules as the pages: every read of decisions goes through ``screening.selectors``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from review.access import Action
from review.api.permissions import ReviewAccess
from review.models import ExclusionReason, Record, Review
from screening import services
from screening.api_serializers import (
    ConflictListSerializer,
    DecisionSerializer,
    DecisionWriteSerializer,
    NextRecordSerializer,
    ProgressSerializer,
    QueueRecordSerializer,
    ResolutionSerializer,
    ResolutionWriteSerializer,
    RevealSerializer,
)
from screening.models import Stage
from screening.progress import progress
from screening.queue import next_record, queue_page
from screening.selectors import conflicts, decision_rows, stage_settings, visible_decisions

QUEUE_LIMIT_MAX = 100
STAGE = OpenApiParameter("stage", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Stage.values)


class QueueQuerySerializer(serializers.Serializer[Any]):
    limit = serializers.IntegerField(min_value=1, max_value=QUEUE_LIMIT_MAX, default=20)


class DecisionQuerySerializer(serializers.Serializer[Any]):
    record = serializers.IntegerField(required=False, help_text="only this record's decisions")


def _service_call(func: Any, **kwargs: Any) -> Any:
    try:
        return func(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError({"detail": exc.messages}) from exc


def _query(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _record(review: Review, record_id: int | None, field: str = "record") -> Record | None:
    if record_id is None:
        return None
    found = Record.objects.filter(review=review, pk=record_id).first()
    if found is None:
        raise ValidationError({field: "No such record in this review."})
    return found


def _reason(review: Review, reason_id: int | None) -> ExclusionReason | None:
    if reason_id is None:
        return None
    found = review.exclusion_reasons.filter(pk=reason_id).first()
    if found is None:
        raise ValidationError({"reason": "No such exclusion reason in this review's protocol."})
    return found


class ScreeningApi(APIView):
    permission_classes = [ReviewAccess]


def _stage_api(view: type[ScreeningApi]) -> type[ScreeningApi]:
    """Describe the ``stage`` path parameter and group the view under "screening" in the schema."""
    return extend_schema(parameters=[STAGE], tags=["screening"])(view)


@_stage_api
class QueueApi(ScreeningApi):
    """The records waiting for my decision, in my queue order (the first is the page's next record)."""

    access_action = Action.SCREEN

    @extend_schema(parameters=[QueueQuerySerializer], responses=QueueRecordSerializer(many=True))
    def get(self, request: Request, slug: str, stage: str) -> Response:
        limit = _query(QueueQuerySerializer, request)["limit"]
        records = queue_page(request.review, stage, request.user, limit=limit)  # type: ignore[attr-defined]
        return Response(QueueRecordSerializer(records, many=True).data)


@_stage_api
class NextRecordApi(ScreeningApi):
    """The record the screening page would show me next."""

    access_action = Action.SCREEN

    @extend_schema(responses=NextRecordSerializer)
    def get(self, request: Request, slug: str, stage: str) -> Response:
        record = next_record(request.review, stage, request.user)  # type: ignore[attr-defined]
        return Response(NextRecordSerializer({"record": record}).data)


@_stage_api
class DecisionListApi(ScreeningApi):
    """Decisions at a stage (under blind screening only mine until the lead reveals); record one."""

    access_action = Action.VIEW
    access_actions = {"POST": Action.SCREEN}

    @extend_schema(parameters=[DecisionQuerySerializer], responses=DecisionSerializer(many=True))
    def get(self, request: Request, slug: str, stage: str) -> Response:
        decisions = visible_decisions(review=request.review, stage=stage, viewer=request.user)  # type: ignore[attr-defined]
        record_id = _query(DecisionQuerySerializer, request).get("record")
        if record_id is not None:
            decisions = decisions.filter(record_id=record_id)
        return Response(DecisionSerializer(decisions.order_by("record_id", "created_at", "pk"), many=True).data)

    @extend_schema(request=DecisionWriteSerializer, responses={201: DecisionSerializer})
    def post(self, request: Request, slug: str, stage: str) -> Response:
        review = request.review  # type: ignore[attr-defined]
        data = DecisionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = _service_call(
            services.decision_record,
            review=review,
            record=_record(review, data.validated_data["record"]),
            stage=stage,
            reviewer=request.user,
            value=data.validated_data["value"],
            reason=_reason(review, data.validated_data.get("reason")),
            companion_of=_record(review, data.validated_data.get("companion_of"), "companion_of"),
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


@_stage_api
class ProgressApi(ScreeningApi):
    """How far I and the stage have come."""

    access_action = Action.SCREEN

    @extend_schema(responses=ProgressSerializer)
    def get(self, request: Request, slug: str, stage: str) -> Response:
        found = progress(request.review, stage, request.user)  # type: ignore[attr-defined]
        return Response(ProgressSerializer(found).data)


@_stage_api
class ConflictListApi(ScreeningApi):
    """The stage's conflicts with every decision side by side; empty with revealed=false until the reveal."""

    access_action = Action.RESOLVE

    @extend_schema(responses=ConflictListSerializer)
    def get(self, request: Request, slug: str, stage: str) -> Response:
        review = request.review  # type: ignore[attr-defined]
        settings = stage_settings(review, stage)
        if not settings.others_visible:
            # Even the list would tell who disagreed with whom: it waits for the reveal, as on the page.
            return Response(ConflictListSerializer({"revealed": False, "conflicts": []}).data)
        found = conflicts(review, stage)
        rows = decision_rows([record.pk for record, _ in found], stage, settings.required_decisions)
        items = [
            {
                "record": record.pk,
                "title": record.title,
                "kind": outcome.conflict_kind,
                "decisions": [decision for decision, _ in rows[record.pk]],
                "counted": [decision.pk for decision, counts in rows[record.pk] if counts],
            }
            for record, outcome in found
        ]
        return Response(ConflictListSerializer({"revealed": True, "conflicts": items}).data)


@_stage_api
class RevealApi(ScreeningApi):
    """Reveal a blind stage: from then on members see each other's decisions (audited)."""

    access_action = Action.RESOLVE

    @extend_schema(request=None, responses=RevealSerializer)
    def post(self, request: Request, slug: str, stage: str) -> Response:
        settings = services.stage_reveal(review=request.review, stage=stage, actor=request.user)  # type: ignore[attr-defined]
        return Response(RevealSerializer({"stage": stage, "revealed_at": settings.revealed_at}).data)


@_stage_api
class ResolutionApi(ScreeningApi):
    """Resolve a conflict with a final include or exclude and the reason why (after the reveal)."""

    access_action = Action.RESOLVE

    @extend_schema(request=ResolutionWriteSerializer, responses=ResolutionSerializer)
    def post(self, request: Request, slug: str, stage: str, record_id: int) -> Response:
        review = request.review  # type: ignore[attr-defined]
        record = Record.objects.filter(review=review, pk=record_id).first()
        if record is None:
            raise NotFound("No such record in this review.")
        data = ResolutionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resolution = _service_call(
            services.conflict_resolve,
            review=review,
            record=record,
            stage=stage,
            actor=request.user,
            value=data.validated_data["value"],
            note=data.validated_data["note"],
            reason=_reason(review, data.validated_data.get("reason")),
            companion_of=_record(review, data.validated_data.get("companion_of"), "companion_of"),
        )
        return Response(ResolutionSerializer(resolution).data)
