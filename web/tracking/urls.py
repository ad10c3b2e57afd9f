"""The learner's dashboard and the topic page's tracking endpoints (no namespace: ``dashboard``...)."""

from django.urls import path

from web.tracking import views

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/topics/<slug:slug>/status/", views.topic_status_update, name="topic-status-update"),
    path("me/topics/<slug:slug>/notes/", views.topic_notes_update, name="topic-notes-update"),
    path(
        "me/topics/<slug:slug>/resources/<slug:resource_slug>/",
        views.resource_done_update,
        name="resource-done-update",
    ),
]
