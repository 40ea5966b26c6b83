"""REST API of reviews and members: validate, call one service, serialize."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from review import services
from review.access import Action
from review.api.permissions import ReviewAccess
from review.api.serializers import MembershipSerializer, MemberWriteSerializer, ReviewSerializer
from review.selectors import members_of, reviews_for_user


def _service_call(func: Any, **kwargs: Any) -> Any:
    try:
        return func(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError({"detail": exc.messages}) from exc


class ReviewListApi(APIView):
    access_action = None  # belongs to no review: lists only the user's own reviews

    @extend_schema(responses=ReviewSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ReviewSerializer(reviews_for_user(request.user), many=True).data)

    @extend_schema(request=ReviewSerializer, responses=ReviewSerializer)
    def post(self, request: Request) -> Response:
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = _service_call(services.review_create, user=request.user, **serializer.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewDetailApi(APIView):
    permission_classes = [ReviewAccess]
    access_action = Action.VIEW
    access_actions = {"PATCH": Action.MANAGE}

    @extend_schema(responses=ReviewSerializer)
    def get(self, request: Request, slug: str) -> Response:
        return Response(ReviewSerializer(request.review).data)  # type: ignore[attr-defined]

    @extend_schema(request=ReviewSerializer, responses=ReviewSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        serializer = ReviewSerializer(request.review, data=request.data, partial=True)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k in services.PROTOCOL_FIELDS}
        review = _service_call(
            services.review_update_protocol,
            review=request.review,  # type: ignore[attr-defined]
            user=request.user,
            **changes,
        )
        return Response(ReviewSerializer(review).data)


class MemberListApi(APIView):
    permission_classes = [ReviewAccess]
    access_action = Action.VIEW
    access_actions = {"POST": Action.MANAGE}

    @extend_schema(responses=MembershipSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        return Response(MembershipSerializer(members_of(request.review), many=True).data)  # type: ignore[attr-defined]

    @extend_schema(request=MemberWriteSerializer, responses=MembershipSerializer)
    def post(self, request: Request, slug: str) -> Response:
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data.get("identifier"):
            raise ValidationError({"identifier": "Give the username or email of the user to add."})
        member = _service_call(
            services.membership_add,
            review=request.review,  # type: ignore[attr-defined]
            actor=request.user,
            identifier=data.validated_data["identifier"],
            roles=set(data.validated_data["roles"]),
        )
        return Response(MembershipSerializer(member).data, status=status.HTTP_201_CREATED)


class MemberDetailApi(APIView):
    permission_classes = [ReviewAccess]
    access_action = Action.MANAGE

    @extend_schema(request=MemberWriteSerializer, responses=MembershipSerializer)
    def patch(self, request: Request, slug: str, member_id: int) -> Response:
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = _service_call(
            services.membership_update,
            review=request.review,  # type: ignore[attr-defined]
            actor=request.user,
            member_id=member_id,
            roles=set(data.validated_data["roles"]),
            third_reviewer=data.validated_data["third_reviewer"],
            consensus=data.validated_data["consensus"],
        )
        return Response(MembershipSerializer(member).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, member_id: int) -> Response:
        _service_call(
            services.membership_remove,
            review=request.review,  # type: ignore[attr-defined]
            actor=request.user,
            member_id=member_id,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
