"""Who may call what. Roles are Django groups (see ``progress.roles``).

DRF answers 401 instead of 403 when the caller is anonymous, so every class here only
decides between allowed and forbidden.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsCuratorOrReadOnly(BasePermission):
    """The public roadmap: anyone reads, only curators edit."""

    message = "Only curators can edit the roadmap."
    anonymous_reads = True  # tells the OpenAPI schema that reads need no credentials

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user.is_authenticated and request.user.is_curator)


class IsMentor(BasePermission):
    message = "Only mentors can see cohort members and their progress."

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_mentor)


class IsCurator(BasePermission):
    """Curator-only areas that are not public at all, such as the quiz questions with their answers."""

    message = "Only curators can read and edit quiz questions."

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_curator)
