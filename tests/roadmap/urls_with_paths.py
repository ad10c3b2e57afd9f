"""The project's URLs plus the path pages (and the paths API), until ``config/urls.py``
mounts ``roadmap.path_urls`` at /paths/."""

from tests.api.urls_paths import urlpatterns  # noqa: F401
