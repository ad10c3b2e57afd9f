"""Everything under /api/v1/. Each area is a package with its own ``urls.py``; add yours
here, above the catch-all, and give every new
endpoint rows in ``tests/api/test_authorization_matrix.py``."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from api.views import NotFoundView

urlpatterns = [
    path("auth/", include("api.auth.urls")),
    path("", include("api.roadmap.urls")),
    path("me/", include("api.me.urls")),
    path("cohorts/", include("api.cohorts.urls")),
    path("", include("api.paths.urls")),
    path("", include("api.assignments.urls")),
    path("", include("api.quizzes.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file, not inline (a strict Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # Last: any other path under /api/v1/ is a JSON 404 rather than Django's HTML page.
    re_path(r"^", NotFoundView.as_view(), name="api-not-found"),
]
