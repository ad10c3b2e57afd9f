from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("paths/", include("roadmap.path_urls")),
    path("reviews/", include("quizzes.urls")),
    path("", include("progress.urls")),
    path("", include("roadmap.urls")),
]
