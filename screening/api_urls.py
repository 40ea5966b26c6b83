"""Routes of the screening API, included by config/urls.py under /api/reviews/<slug>/screening/."""

from django.urls import path

import screening.url_converters  # noqa: F401  (registers <stage:...>)
from screening import api

G = "<stage:stage>/"
urlpatterns = [
    path(G + "queue/", api.QueueApi.as_view(), name="api-screening-queue"),
    path(G + "next/", api.NextRecordApi.as_view(), name="api-screening-next"),
    path(G + "decisions/", api.DecisionListApi.as_view(), name="api-screening-decisions"),
    path(G + "progress/", api.ProgressApi.as_view(), name="api-screening-progress"),
    path(G + "conflicts/", api.ConflictListApi.as_view(), name="api-screening-conflicts"),
    path(G + "conflicts/<int:record_id>/resolution/", api.ResolutionApi.as_view(), name="api-screening-resolution"),
    path(G + "reveal/", api.RevealApi.as_view(), name="api-screening-reveal"),
]
