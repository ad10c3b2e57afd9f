from django.urls import path

from web.reviews import views

app_name = "quizzes"

urlpatterns = [
    path("", views.review, name="review"),
    path("undo/", views.review_undo, name="undo"),
]
