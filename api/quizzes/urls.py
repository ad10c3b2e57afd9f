"""Reviews and quiz questions; included from ``api/urls.py`` at the ``/api/v1/`` root."""

from django.urls import path

from api.quizzes import views

urlpatterns = [
    path("me/reviews/", views.ReviewSubmitView.as_view(), name="me-review-submit"),
    path("me/reviews/batch/", views.ReviewBatchView.as_view(), name="me-review-batch"),
    path("me/reviews/due/", views.DueReviewsView.as_view(), name="me-review-due"),
    path("me/reviews/forecast/", views.ForecastView.as_view(), name="me-review-forecast"),
    path("topics/<slug:slug>/mastery/", views.TopicMasteryView.as_view(), name="topic-mastery"),
    path(
        "questions/",
        views.QuestionViewSet.as_view({"get": "list", "post": "create"}),
        name="question-list",
    ),
    path(
        "questions/<int:pk>/",
        views.QuestionViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="question-detail",
    ),
]
