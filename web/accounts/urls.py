"""Accounts: sign-up, login, logout, password change, settings.

Auth views keep Django's own URL names (``login``, ``logout``, ``password_change``...),
which ``settings.LOGIN_URL`` and the auth views themselves refer to.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from web.accounts import views
from web.accounts.forms import LoginForm

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("me/settings/", views.profile_settings, name="profile-settings"),
]
