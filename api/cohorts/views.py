"""Cohorts: who sees which.

* ``GET /cohorts/``: the cohorts you mentor or learn in, whatever your role. Curators
  see no more than anyone else: they edit the roadmap, and cohorts hold learners' data.
* Members and their progress: mentors only (403 for everyone else), and only for the
  cohorts they mentor (404 for any other, so a cohort's existence does not leak).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.exceptions import NotFound

from api.cohorts import serializers
from api.permissions import IsMentor
from api.views import GenericViewSet
from progress import selectors
from progress.models import Cohort, TopicProgress, User


@extend_schema_view(
    list=extend_schema(
        summary="Cohorts you mentor or learn in",
        description="Each with your role in it, its mentors and how many learners it has.",
    )
)
class CohortViewSet(mixins.ListModelMixin, GenericViewSet):
    queryset = Cohort.objects.none()  # what the schema generator sees
    serializer_class = serializers.CohortSerializer

    def get_queryset(self):
        if self.is_schema_generation():
            return self.queryset
        return selectors.cohorts_visible_to(user=self.request.user)


class MentoredCohortMixin:
    permission_classes = [IsMentor]

    def get_cohort(self) -> Cohort:
        cohort_id = self.kwargs["cohort_id"]
        try:
            return selectors.cohort_for_mentor(mentor=self.request.user, cohort_id=cohort_id)
        except Cohort.DoesNotExist:
            raise NotFound(f"No cohort {cohort_id} that you mentor.") from None


@extend_schema_view(
    list=extend_schema(
        summary="Learners of a cohort you mentor, with a progress summary",
        description="Topics done and in progress and last activity per learner. Mentors only; another cohort is a 404.",
    )
)
class CohortMemberViewSet(MentoredCohortMixin, mixins.ListModelMixin, GenericViewSet):
    queryset = User.objects.none()  # what the schema generator sees
    serializer_class = serializers.CohortMemberSerializer

    def get_queryset(self):
        if self.is_schema_generation():
            return self.queryset
        return selectors.cohort_members(cohort=self.get_cohort())


@extend_schema_view(
    list=extend_schema(
        summary="One learner's progress, for their mentor (without notes)",
        description="The learner's status on each topic they touched; their private notes are left out.",
    )
)
class MemberProgressViewSet(MentoredCohortMixin, mixins.ListModelMixin, GenericViewSet):
    queryset = TopicProgress.objects.none()  # what the schema generator sees
    serializer_class = serializers.MemberTopicProgressSerializer

    def get_queryset(self):
        if self.is_schema_generation():
            return self.queryset
        username = self.kwargs["username"]
        try:
            learner = selectors.cohort_member(cohort=self.get_cohort(), username=username)
        except User.DoesNotExist:
            raise NotFound(f"No learner {username!r} in this cohort.") from None
        return selectors.learner_progress(learner=learner)
