from django.urls import path

from api.auth import views

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="auth-token"),
    path("signup/", views.SignupView.as_view(), name="auth-signup"),
    path("tokens/", views.DeviceTokenViewSet.as_view({"get": "list"}), name="auth-tokens"),
    path("tokens/<int:pk>/", views.DeviceTokenViewSet.as_view({"delete": "destroy"}), name="auth-token-detail"),
]
