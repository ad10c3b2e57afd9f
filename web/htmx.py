"""What every htmx page shares."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


def login_required_htmx(view):
    """``login_required``, but an htmx request from a logged-out browser (an expired
    session) reloads the whole page onto the login form instead of swapping the login
    page into a fragment."""
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.htmx and not request.user.is_authenticated:
            back_to = request.htmx.current_url_abs_path or "/"
            return HttpResponseClientRedirect(
                f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back_to})}"
            )
        return guarded(request, *args, **kwargs)

    return wrapper
