"""The mentor's pages (no namespace: ``mentor-home``, ``mentor-cohort``...)."""

from django.urls import path

from web.mentoring import views

urlpatterns = [
    path("mentor/", views.mentor_home, name="mentor-home"),
    path("mentor/cohorts/<int:cohort_id>/", views.mentor_cohort, name="mentor-cohort"),
    path(
        "mentor/cohorts/<int:cohort_id>/assignments/",
        views.mentor_assignment_create,
        name="mentor-assignment-create",
    ),
    path(
        "mentor/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/delete/",
        views.mentor_assignment_delete,
        name="mentor-assignment-delete",
    ),
    path(
        "mentor/cohorts/<int:cohort_id>/learners/<str:username>/",
        views.mentor_learner,
        name="mentor-learner",
    ),
]
