from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from review import views_account
from review.access import open_view

# Views that belong to no review say why, so the access test can tell them from forgotten ones.
login_view = open_view("the login page")(auth_views.LoginView.as_view())
logout_view = open_view("logs the user out")(auth_views.LogoutView.as_view())
schema_view = open_view("the API's description, the same for everyone")(SpectacularAPIView.as_view())
docs_view = open_view("the API's documentation page")(SpectacularSwaggerView.as_view(url_name="api-schema"))

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="review:list", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/login/", login_view, name="login"),
    path("accounts/logout/", logout_view, name="logout"),
    path("accounts/signup/", views_account.signup, name="signup"),
    path("accounts/tokens/", views_account.tokens, name="tokens"),
    path("accounts/tokens/new/", views_account.token_create, name="token_create"),
    path("accounts/tokens/<int:token_id>/revoke/", views_account.token_revoke, name="token_revoke"),
    path("api/schema/", schema_view, name="api-schema"),
    path("api/docs/", docs_view, name="api-docs"),
    path("api/", include("review.api.urls")),
    path("api/reviews/<slug:slug>/screening/", include("screening.api_urls")),
    path("reviews/", include("review.urls")),
    path("reviews/", include("review.urls_import")),
    path("reviews/", include("review.urls_dedup")),
    path("reviews/", include("screening.urls")),
]
