from django.urls import path

import screening.url_converters  # noqa: F401  (registers <stage:...>)
from screening import views, views_export, views_files, views_lead

app_name = "screening"
S = "<slug:slug>/screening/"
R = "records/<int:record_id>/"
urlpatterns = [
    path(S, views.home, name="home"),
    path(S + "settings/", views_lead.settings_page, name="settings"),
    path(S + "keys/", views_files.keys, name="keys"),
    path(S + "queue-order/", views.queue_order, name="queue_order"),
    path(S + "bulk/", views_lead.bulk, name="bulk"),
    path(S + "bulk/<int:bulk_id>/undo/", views_lead.bulk_undo, name="bulk_undo"),
    path(S + "stop/", views_lead.stop, name="stop"),
    path(S + R + "fulltext/", views_files.fulltext_upload_view, name="fulltext_upload"),
    path(S + R + "fulltext.pdf", views_files.fulltext_file, name="fulltext_file"),
    path(S + R + "not-retrieved/", views_files.not_retrieved, name="not_retrieved"),
    path(S + R + "duplicate/", views_files.mark_duplicate, name="mark_duplicate"),
    path(S + "<stage:stage>/", views.screen, name="screen"),
    path(S + "<stage:stage>/progress/", views.progress_view, name="progress"),
    path(S + "<stage:stage>/undo/", views.undo, name="undo"),
    path(S + "<stage:stage>/" + R + "decide/", views.decide, name="decide"),
    path(S + "<stage:stage>/" + R + "note/", views.note, name="note"),
    path(S + "<stage:stage>/" + R + "comment/", views.comment, name="comment"),
    path(S + "<stage:stage>/" + R + "reset/", views.reset, name="reset"),
    path(S + "<stage:stage>/" + R + "score/", views.score, name="score"),
    path(S + "<stage:stage>/conflicts/", views_lead.conflict_list, name="conflicts"),
    path(S + "<stage:stage>/conflicts/<int:record_id>/", views_lead.conflict_detail, name="conflict"),
    path(S + "<stage:stage>/reveal/", views_lead.reveal, name="reveal"),
    path(S + "<stage:stage>/agreement/", views_export.agreement, name="agreement"),
    path(S + "<stage:stage>/agreement.csv", views_export.agreement_csv, name="agreement_csv"),
    path(S + "<stage:stage>/decisions.csv", views_export.decisions_csv, name="decisions_csv"),
]
