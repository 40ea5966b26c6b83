"""Django admin for superusers: every review table, read-mostly for the audit log."""

from django.contrib import admin

from review.models import (
    ApiToken,
    AuditEvent,
    DuplicateGroup,
    DuplicatePair,
    ExclusionReason,
    ImportBatch,
    Job,
    Membership,
    Record,
    Review,
    Source,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug"]
    inlines = [MembershipInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "review", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None) -> bool:  # the log is append-only
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "doi", "pmid", "review"]
    search_fields = ["title", "doi", "pmid"]
    raw_id_fields = ["batch", "duplicate_group"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]


for model in (ExclusionReason, Source, ImportBatch, Job, DuplicateGroup, DuplicatePair, Membership):
    admin.site.register(model)
