"""Include at the API root: ``path("", include("api.paths.urls"))`` (before the catch-all)."""

from django.urls import path

from api.paths import views

urlpatterns = [
    path("paths/", views.PathView.as_view(), name="path"),
    path("me/ready/", views.ReadyView.as_view({"get": "list"}), name="me-ready"),
]
