from django.urls import path

from review.imports import views_files, views_pubmed, views_records, views_sources

app_name = "imports"
urlpatterns = [
    path("<slug:slug>/searches/", views_sources.sources, name="sources"),
    path("<slug:slug>/searches/new/", views_sources.source_new, name="source_new"),
    path("<slug:slug>/searches/<int:source_id>/edit/", views_sources.source_edit, name="source_edit"),
    path("<slug:slug>/searches/<int:source_id>/upload/", views_files.upload, name="upload"),
    path("<slug:slug>/searches/appendix.<str:fmt>", views_sources.appendix, name="appendix"),
    path("<slug:slug>/searches/pubmed/", views_pubmed.pubmed, name="pubmed"),
    path("<slug:slug>/imports/<int:batch_id>/", views_files.batch_detail, name="batch"),
    path("<slug:slug>/imports/<int:batch_id>/preview/", views_files.preview, name="preview"),
    path("<slug:slug>/imports/<int:batch_id>/undo/", views_files.batch_undo_view, name="batch_undo"),
    path("<slug:slug>/imports/<int:batch_id>/discard/", views_files.batch_discard_view, name="batch_discard"),
    path("<slug:slug>/imports/<int:batch_id>/resume/", views_files.batch_resume, name="batch_resume"),
    path("<slug:slug>/records/", views_records.records, name="records"),
    path("<slug:slug>/records/export/", views_records.export, name="export"),
    path("<slug:slug>/records/<int:record_id>/", views_records.record_detail, name="record"),
    path(
        "<slug:slug>/records/<int:record_id>/correct/",
        views_records.record_correct_view,
        name="record_correct",
    ),
]
