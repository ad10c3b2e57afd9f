"""The project's URLs plus the paths and assignments API and the path pages, for tests that
run before ``api/urls.py`` and ``config/urls.py`` include them. Ours come first: the API's
catch-all would otherwise answer them with 404."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/", include("api.paths.urls")),
    path("api/v1/", include("api.assignments.urls")),
    path("paths/", include("roadmap.path_urls")),
    *project_urlpatterns,
]
