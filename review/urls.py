from django.urls import path

from review import views

app_name = "review"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_create, name="create"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/protocol/", views.protocol, name="protocol"),
    path("<slug:slug>/protocol/edit/", views.protocol_edit, name="protocol_edit"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/add/", views.member_add, name="member_add"),
    path("<slug:slug>/members/<int:member_id>/", views.member_update, name="member_update"),
    path("<slug:slug>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/audit/", views.audit_log, name="audit"),
    path("<slug:slug>/audit/export/", views.audit_export_start, name="audit_export"),
    path("<slug:slug>/jobs/<int:job_id>/", views.job_status, name="job"),
    path("<slug:slug>/jobs/<int:job_id>/download/", views.job_download, name="job_download"),
]
