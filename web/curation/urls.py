from django.urls import path

from web.curation import views

urlpatterns = [
    path("curation/", views.curation, name="curation"),
    path("curation/resources/<int:resource_id>/check/", views.resource_check, name="curation-check"),
]
