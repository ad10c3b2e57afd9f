"""Include at the API root: ``path("", include("api.assignments.urls"))`` (before the catch-all)."""

from django.urls import path

from api.assignments import views

urlpatterns = [
    path(
        "assignments/",
        views.AssignmentViewSet.as_view({"get": "list", "post": "create"}),
        name="assignment-list",
    ),
    path(
        "assignments/<int:pk>/",
        views.AssignmentViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="assignment-detail",
    ),
    path(
        "cohorts/<int:cohort_id>/progress/",
        views.CohortProgressView.as_view(),
        name="cohort-progress",
    ),
]
