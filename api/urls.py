"""Everything under /api/v1/. Each area is a package with its own ``urls.py``; add yours
here, above the catch-all, and give every new
endpoint rows in ``tests/api/test_authorization_matrix.py``."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from api.views import NotFoundView

DOCS_POLICY = {"style-src": [UNSAFE_INLINE]}

urlpatterns = [
    path("auth/", include("api.auth.urls")),
    path("", include("api.roadmap.urls")),
    path("me/", include("api.me.urls")),
    path("cohorts/", include("api.cohorts.urls")),
    path("", include("api.paths.urls")),
    path("", include("api.assignments.urls")),
    path("", include("api.quizzes.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline, and the
    # sidecar package serves Swagger UI and Redoc from this site: no script from elsewhere.
    # Both pages carry one inline <style>; Redoc runs its search in a blob: worker.
    path("docs/", csp_update(DOCS_POLICY)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path(
        "redoc/",
        csp_update({**DOCS_POLICY, "worker-src": ["blob:"]})(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    # Last: any other path under /api/v1/ is a JSON 404 rather than Django's HTML page.
    re_path(r"^", NotFoundView.as_view(), name="api-not-found"),
]
