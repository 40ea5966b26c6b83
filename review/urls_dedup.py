from django.urls import path

from review.dedup import views

app_name = "dedup"
urlpatterns = [
    path("<slug:slug>/duplicates/", views.queue, name="queue"),
    path("<slug:slug>/duplicates/detect/", views.detect, name="detect"),
    path("<slug:slug>/duplicates/bulk-merge/", views.bulk_merge, name="bulk_merge"),
    path("<slug:slug>/duplicates/settings/", views.settings_edit, name="settings"),
    path("<slug:slug>/duplicates/overlap/", views.overlap, name="overlap"),
    path("<slug:slug>/duplicates/pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("<slug:slug>/duplicates/pairs/<int:pair_id>/decide/", views.pair_decide, name="pair_decide"),
    path("<slug:slug>/duplicates/pairs/<int:pair_id>/undo/", views.pair_undo, name="pair_undo"),
    path("<slug:slug>/duplicates/groups/", views.groups, name="groups"),
    path("<slug:slug>/duplicates/groups/<int:group_id>/", views.group_detail, name="group"),
    path("<slug:slug>/duplicates/groups/<int:group_id>/split/<int:record_id>/", views.group_split, name="group_split"),
    path(
        "<slug:slug>/duplicates/groups/<int:group_id>/primary/<int:record_id>/",
        views.group_primary,
        name="group_primary",
    ),
]
