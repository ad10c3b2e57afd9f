"""Mounted at ``/paths/``: ``path("paths/", include("roadmap.path_urls"))``."""

from django.urls import path

from roadmap import path_views

app_name = "paths"

urlpatterns = [
    path("", path_views.path_page, name="path"),
]
