from django.urls import path

from review.api import views

urlpatterns = [
    path("reviews/", views.ReviewListApi.as_view(), name="api-reviews"),
    path("reviews/<slug:slug>/", views.ReviewDetailApi.as_view(), name="api-review"),
    path("reviews/<slug:slug>/members/", views.MemberListApi.as_view(), name="api-members"),
    path("reviews/<slug:slug>/members/<int:member_id>/", views.MemberDetailApi.as_view(), name="api-member"),
]
