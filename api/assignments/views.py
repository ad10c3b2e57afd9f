"""Assignments and the mentor's view of a cohort.

* ``/assignments/``: everyone signed in lists what they see (their own and their cohorts'
  assignments; as a mentor, those they set or that concern their cohorts). Mentors and
  curators create (403 for others); a learner outside your cohorts is a 400, as is any
  unknown one. Reading or deleting one you cannot see is a 404; deleting one you see but
  did not set, and may not set, is a 403.
* ``/cohorts/{id}/progress/``: mentors only (403 otherwise), and only for cohorts they
  mentor (404 for any other).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api.assignments import serializers
from api.permissions import IsMentor
from api.views import APIView, GenericViewSet
from progress import assignments, mentoring
from progress import selectors as progress_selectors
from progress.models import Assignment, Cohort


class MayAssign(permissions.BasePermission):
    message = "Only mentors and curators can set assignments."
    forbids_reads = False  # tells the OpenAPI schema that reading needs no role

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        return request.method != "POST" or user.is_mentor or user.is_curator


@extend_schema_view(
    list=extend_schema(
        summary="Assignments you have, set, or that concern your cohorts",
        description=(
            "As a learner: yours and your cohorts'. As a mentor: those you set and those of "
            "your cohorts. Each with your remaining path when it is yours to do."
        ),
    ),
    retrieve=extend_schema(
        summary="One assignment, with the assignee's remaining path",
        description="An assignment you cannot see is a 404, like one that does not exist.",
    ),
    create=extend_schema(
        summary="Set goals with a due date for a learner or cohort you mentor (mentors, curators)",
        description=(
            "Give `learner` (a username) or `cohort` (an id), not both. A learner or cohort you "
            "do not mentor, an unknown goal or a past due date is a 400 naming the field."
        ),
        responses={status.HTTP_201_CREATED: serializers.AssignmentSerializer},
    ),
    destroy=extend_schema(
        summary="Remove an assignment (its mentor or the cohort's mentors)",
        description="Others who can see it get 403; those who cannot, 404.",
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, GenericViewSet):
    queryset = Assignment.objects.none()  # what the schema generator sees
    serializer_class = serializers.AssignmentSerializer
    write_serializer_class = serializers.AssignmentWriteSerializer
    permission_classes = [MayAssign]
    object_name = "assignment"
    location_route = "assignment-detail"

    def get_queryset(self):
        if self.is_schema_generation():
            return self.queryset
        return assignments.assignments_visible_to(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        items = assignments.with_progress(assignments=page, viewer=request.user)
        return self.get_paginated_response(self.get_serializer(items, many=True).data)

    def retrieve(self, request, pk):
        return self._answer(self.get_object())

    def create(self, request):
        write = self.write_serializer_class(data=request.data)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        if "learner" in data:
            data["learner"] = self._learner(data["learner"])
        else:
            data["cohort"] = self._cohort(data["cohort"])
        assignment = assignments.assignment_create(created_by=request.user, **data)
        assignment = assignments.assignment_for(user=request.user, assignment_id=assignment.pk)
        return self._answer(assignment, status.HTTP_201_CREATED)

    def destroy(self, request, pk):
        assignments.assignment_delete(assignment=self.get_object(), deleted_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _answer(self, assignment, status_code=status.HTTP_200_OK):
        [assignment] = assignments.with_progress(assignments=[assignment], viewer=self.request.user)
        return Response(self.get_serializer(assignment).data, status=status_code)

    def _learner(self, username):
        learner = (
            assignments.assignable_learners(user=self.request.user)
            .filter(username=username)
            .first()
        )
        if learner is None:
            raise ValidationError(
                {"learner": f"No learner {username!r} in the cohorts you mentor."}
            )
        return learner

    def _cohort(self, cohort_id):
        try:
            return assignments.assignable_cohorts(user=self.request.user).get(pk=cohort_id)
        except Cohort.DoesNotExist:
            raise ValidationError({"cohort": f"No cohort {cohort_id} that you mentor."}) from None


class CohortProgressView(APIView):
    permission_classes = [IsMentor]

    @extend_schema(
        summary="A cohort's outlook: hours left, on track or behind, what blocks the most learners",
        description=(
            "For a cohort you mentor: per learner the hours and topics left to their "
            "assignments, the projected finish at their own pace and whether that is on time; "
            "and the prerequisites that block the most learners. Another cohort is a 404."
        ),
        responses=serializers.CohortProgressSerializer,
    )
    def get(self, request, cohort_id):
        try:
            cohort = progress_selectors.cohort_for_mentor(mentor=request.user, cohort_id=cohort_id)
        except Cohort.DoesNotExist:
            raise NotFound(f"No cohort {cohort_id} that you mentor.") from None
        today = progress_selectors.local_today(learner=request.user)
        report = mentoring.cohort_progress(cohort=cohort, mentor=request.user, today=today)
        return Response(serializers.CohortProgressSerializer(report).data)
