"""Everything under /api/v1/. Each area is a package with its own ``urls.py``; add yours
here, above the catch-all, and give every new
endpoint rows in ``tests/api/test_authorization_matrix.py``."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import NotFoundView

SWAGGER_CDN = "https://cdn.jsdelivr.net"

urlpatterns = [
    path("auth/", include("api.auth.urls")),
    path("", include("api.roadmap.urls")),
    path("me/", include("api.me.urls")),
    path("cohorts/", include("api.cohorts.urls")),
    path("", include("api.paths.urls")),
    path("", include("api.assignments.urls")),
    path("", include("api.quizzes.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline; the page
    # loads Swagger UI from its CDN and has one inline <style>.
    path(
        "docs/",
        csp_update({"script-src": [SWAGGER_CDN], "style-src": [SWAGGER_CDN, UNSAFE_INLINE], "img-src": [SWAGGER_CDN]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    # Last: any other path under /api/v1/ is a JSON 404 rather than Django's HTML page.
    re_path(r"^", NotFoundView.as_view(), name="api-not-found"),
]
