"""Accounts, the learner's dashboard and progress endpoints, and the mentor pages.

Auth views keep Django's own URL names (``login``, ``logout``, ``password_change``...),
which ``settings.LOGIN_URL`` and the auth views themselves refer to.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from progress import views
from progress.forms import ThrottledAuthenticationForm

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("me/", views.dashboard, name="dashboard"),
    path("me/settings/", views.profile_settings, name="profile-settings"),
    path("me/topics/<slug:slug>/status/", views.topic_status_update, name="topic-status-update"),
    path("me/topics/<slug:slug>/notes/", views.topic_notes_update, name="topic-notes-update"),
    path(
        "me/topics/<slug:slug>/resources/<slug:resource_slug>/",
        views.resource_done_update,
        name="resource-done-update",
    ),
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
