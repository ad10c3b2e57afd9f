from django.urls import path

from api.auth import views

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="auth-token"),
    path("signup/", views.SignupView.as_view(), name="auth-signup"),
]
