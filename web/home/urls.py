"""The signed-in home (no namespace: ``home``, ``today``, ``welcome``...)."""

from django.urls import path

from web.home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/known/", views.welcome_known, name="welcome-known"),
    path("welcome/hours/", views.welcome_hours, name="welcome-hours"),
    path("me/known/", views.topic_known, name="topic-known"),
    path("me/goals/", views.goals_save, name="goals-save"),
    path("notices/dismiss/", views.notice_dismiss, name="notice-dismiss"),
]
