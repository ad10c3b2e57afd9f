from django.urls import path

from api.roadmap import views

urlpatterns = [
    path("tracks/", views.TrackViewSet.as_view({"get": "list"}), name="track-list"),
    path(
        "topics/", views.TopicViewSet.as_view({"get": "list", "post": "create"}), name="topic-list"
    ),
    path(
        "topics/<slug:slug>/",
        views.TopicViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="topic-detail",
    ),
    path(
        "prerequisites/",
        views.PrerequisiteViewSet.as_view({"get": "list", "post": "create"}),
        name="prerequisite-list",
    ),
    path(
        "prerequisites/<int:pk>/",
        views.PrerequisiteViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="prerequisite-detail",
    ),
    path(
        "resources/",
        views.ResourceViewSet.as_view({"get": "list", "post": "create"}),
        name="resource-list",
    ),
    path(
        "resources/<int:pk>/",
        views.ResourceViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="resource-detail",
    ),
]
