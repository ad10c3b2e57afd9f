from django.urls import path, register_converter

from api.cohorts import views


class UsernameConverter:
    """Letters, digits and @.+-_, as Django's username validator allows."""

    regex = r"[\w.@+-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")

# Room here for cohort creation, assignments and <int:cohort_id>/progress/.
urlpatterns = [
    path("", views.CohortViewSet.as_view({"get": "list"}), name="cohort-list"),
    path(
        "<int:cohort_id>/members/",
        views.CohortMemberViewSet.as_view({"get": "list"}),
        name="cohort-member-list",
    ),
    path(
        "<int:cohort_id>/members/<username:username>/progress/",
        views.MemberProgressViewSet.as_view({"get": "list"}),
        name="cohort-member-progress",
    ),
]
