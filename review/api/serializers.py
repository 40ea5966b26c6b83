from __future__ import annotations

from typing import Any

from rest_framework import serializers

from review.models import Membership, Review, Role
from review.services import PROTOCOL_FIELDS


class ReviewSerializer(serializers.ModelSerializer[Review]):
    class Meta:
        model = Review
        fields = ["uuid", "slug", "title", *PROTOCOL_FIELDS[1:], "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False}}


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "uuid", "username", "email", "roles", "is_third_reviewer", "can_make_consensus", "added_at"]

    def get_roles(self, obj: Membership) -> list[str]:
        return sorted(obj.roles)


class MemberWriteSerializer(serializers.Serializer[Any]):
    identifier = serializers.CharField(required=False, help_text="username or email (when adding)")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=False)
    third_reviewer = serializers.BooleanField(required=False, default=False)
    consensus = serializers.BooleanField(required=False, default=False)
