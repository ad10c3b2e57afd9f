from django.urls import path

from api.me import views

urlpatterns = [
    path("", views.MeView.as_view(), name="me"),
    path("progress/", views.ProgressViewSet.as_view({"get": "list"}), name="me-progress-list"),
    path(
        "progress/<slug:topic_slug>/",
        views.ProgressViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="me-progress-detail",
    ),
    path(
        "resources/", views.ResourcesDoneViewSet.as_view({"get": "list"}), name="me-resource-list"
    ),
    path("resources/<int:pk>/done/", views.ResourceDoneView.as_view(), name="me-resource-done"),
    path("activity/", views.ActivityView.as_view(), name="me-activity"),
    path("stats/", views.StatsView.as_view(), name="me-stats"),
]
