from django.urls import path

from web.roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("roadmap/", views.roadmap_map, name="map"),
    path("roadmap/list/", views.track_list, name="track-list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
]
