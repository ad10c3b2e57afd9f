"""Mounted at ``/paths/``: ``path("paths/", include("web.paths.urls"))``."""

from django.urls import path

from web.paths import views

app_name = "paths"

urlpatterns = [
    path("", views.path_page, name="path"),
]
