from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path, re_path

from api.views import NotFoundView
from web.accounts.forms import AdminLoginForm

# The admin's login counts failures and locks out like every other door (progress.lockout).
admin.site.login_form = AdminLoginForm


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    # Any other version or path under /api/: a JSON 404 naming the path.
    re_path(r"^api/", NotFoundView.as_view()),
    path("paths/", include("web.paths.urls")),
    path("reviews/", include("web.reviews.urls")),
    path("", include("web.home.urls")),
    path("", include("web.accounts.urls")),
    path("", include("web.tracking.urls")),
    path("", include("web.mentoring.urls")),
    path("", include("web.curation.urls")),
    path("", include("web.roadmap.urls")),
]
