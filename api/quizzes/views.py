"""Review and quiz-question endpoints: parse, call one selector or service, render.

Learners only ever reach their own cards: every read and write is filtered by
``request.user``, so someone else's card id is a 404 like a missing one.
"""

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.pagination import PAGE_PARAMETERS, PageNumberPagination
from api.permissions import IsCurator
from api.quizzes import pages
from api.quizzes import serializers as s
from api.views import APIView, EditableViewSet
from progress.selectors import profile_for
from quizzes import checks, questions, selectors, services
from quizzes.models import Card, Question, QuestionKind
from roadmap.models import Topic


class DueReviewsView(APIView):
    @extend_schema(
        summary="Your cards due now",
        description=(
            "Reviews first (by due time), then new cards, within today's limits in your time "
            "zone; cards of one topic are spread apart. Each card carries what each answer "
            "button would schedule. A multiple-choice question's options come shuffled for "
            "this presentation: answer with positions in that order and send `presentation` "
            "back. Paginated like the lists (`page`, `page_size` 1-200)."
        ),
        operation_id="me_reviews_due_list",
        parameters=PAGE_PARAMETERS,
        responses=s.DueQueuePageSerializer,
    )
    def get(self, request):
        now = timezone.now()
        queue = selectors.due_queue(learner=request.user, now=now)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queue.card_ids, request, view=self)
        settings = selectors.scheduler_settings_for(profile_for(request.user))
        zone = timezone.get_current_timezone()
        cards = [
            pages.due_card_data(
                card=card,
                question=selectors.shown_question(card),
                previews=selectors.review_previews(card=card, now=now, settings=settings),
                zone=zone,
            )
            for card in selectors.shown_cards(learner=request.user, card_ids=page)
        ]
        return Response(
            {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "reviews_left": queue.reviews_left,
                "new_left": queue.new_left,
                "next_due": pages.timestamp(queue.next_due),
                "results": cards,
            }
        )


class ReviewSubmitView(APIView):
    @extend_schema(
        summary="Submit one review, made just now",
        description=(
            "Rates one of your cards, or answers it, and returns the card's new schedule. A "
            "free-recall card needs a `rating`; a multiple-choice card needs an `answer` (the "
            "position of the option chosen in the order shown, with that `presentation`) and is "
            "rated from it: right is Good, wrong is Again; a bare rating for it is a 400. 201 "
            "when applied; 200 when a review with the same `client_id` was applied before "
            "(nothing changes). A review older than the card's last review or implicit credit is "
            "refused: send it in a batch to `me/reviews/batch/` to have it replayed in order. A "
            "successful review also credits the cards of the topics this one builds on "
            "(implicit review credit)."
        ),
        operation_id="me_reviews_submit",
        request=s.ReviewInputSerializer,
        responses={
            201: OpenApiResponse(s.ReviewResultSerializer, description="The review was applied."),
            200: OpenApiResponse(
                s.ReviewResultSerializer,
                description="A review with this `client_id` was applied before; nothing changed.",
            ),
            400: OpenApiResponse(
                description=(
                    "Bad input; the errors name the field (e.g. `answer` for a bare rating of a "
                    "multiple-choice card, `rating` for one that contradicts the answer)."
                )
            ),
            404: OpenApiResponse(description="You have no card with that id."),
        },
    )
    def post(self, request):
        if isinstance(request.data, list):
            # Before me/reviews/batch/ existed a batch was sent here; /api/v1/ keeps taking it.
            return submit_batch(request)
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": "send one review object (a batch goes to me/reviews/batch/)"})
        serializer = s.ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.review_submit(learner=request.user, review=serializer.to_input())
        except Card.DoesNotExist:
            raise NotFound(f"You have no card {serializer.validated_data['card']}.") from None
        code = status.HTTP_201_CREATED if result.status == "applied" else status.HTTP_200_OK
        return Response(pages.review_result_data(result), status=code)


class ReviewBatchView(APIView):
    max_batch = services.MAX_BATCH  # documented as the body's maxItems
    @extend_schema(
        summary="Submit a batch of offline reviews",
        description=(
            f"A list of 1 to {services.MAX_BATCH} reviews made offline, each with its "
            "`reviewed_at` and a `client_id`. They are applied in `reviewed_at` order, each "
            "accepted or rejected on its own (see each result's `status` and `errors`); a "
            "`client_id` already applied is reported as `duplicate` and changes nothing, so "
            "sending the same batch twice is harmless. The answer is 200 whatever the items' fate."
        ),
        operation_id="me_reviews_submit_batch",
        request=s.OfflineReviewInputSerializer(many=True),
        responses=s.ReviewBatchResultSerializer,
    )
    def post(self, request):
        if not isinstance(request.data, list):
            raise ValidationError({"detail": "send a list of reviews (one review alone goes to me/reviews/)"})
        return submit_batch(request)


def submit_batch(request) -> Response:
    if not request.data:
        raise ValidationError({"detail": "the batch is empty"})
    if len(request.data) > services.MAX_BATCH:
        raise ValidationError({"detail": f"send at most {services.MAX_BATCH} reviews at a time"})
    results, valid = {}, []
    for index, item in enumerate(request.data):
        serializer = s.OfflineReviewInputSerializer(data=item)
        if serializer.is_valid():
            valid.append((index, serializer.to_input()))
        else:
            errors = dict(serializer.errors)
            if "non_field_errors" in errors:  # the API's one error shape: no field → detail
                errors["detail"] = errors.pop("non_field_errors")
            client_id = item.get("client_id") if isinstance(item, dict) else None
            results[index] = services.ReviewResult(
                status="rejected", index=index, client_id=client_id, errors=errors
            )
    outcomes = services.reviews_upload(learner=request.user, reviews=[review for _, review in valid])
    for (index, _), outcome in zip(valid, outcomes, strict=True):
        outcome.index = index
        results[index] = outcome
    ordered = [results[index] for index in range(len(request.data))]
    return Response(s.ReviewBatchResultSerializer({"results": ordered}).data)


class ForecastView(APIView):
    @extend_schema(
        summary="Cards falling due on each coming day",
        description="Reviewed cards due per local day, today first; overdue cards count on today.",
        parameters=[s.ForecastQuerySerializer],
        responses=s.ForecastSerializer,
    )
    def get(self, request):
        query = s.ForecastQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = selectors.due_forecast(
            learner=request.user, now=timezone.now(), days=query.validated_data["days"]
        )
        return Response(
            s.ForecastSerializer(
                {"time_zone": profile_for(request.user).time_zone, "days": days}
            ).data
        )


class TopicMasteryView(APIView):
    @extend_schema(
        summary="How much of a topic you have studied, and how much of it you still recall",
        description=(
            "Two numbers, reported separately: `coverage`, the share of the topic's cards you "
            "have studied, and `retention`, the mean predicted recall now of those you have "
            "studied (null until one is). `needs_review`: the topic is done or skipped and its "
            "retention is below your desired retention; cards waiting behind the daily "
            "new-card limit never make a topic need review."
        ),
        responses={
            200: s.TopicMasterySerializer,
            404: OpenApiResponse(description="No topic with this slug."),
        },
    )
    def get(self, request, slug):
        try:
            topic = Topic.objects.get(slug=slug)
        except Topic.DoesNotExist:
            raise NotFound(f"No topic {slug!r}.") from None
        result = selectors.topic_mastery(learner=request.user, topic=topic, now=timezone.now())
        return Response(s.TopicMasterySerializer(result).data)


class TopicCheckView(APIView):
    def _topic(self, slug):
        try:
            return Topic.objects.get(slug=slug)
        except Topic.DoesNotExist:
            raise NotFound(f"No topic {slug!r}.") from None

    @extend_schema(
        summary="A short quiz to check a topic you skipped",
        description=(
            f"Up to {checks.CHECK_SIZE} of the topic's questions, multiple choice first (options "
            "shuffled; answer with a position and send `presentation` back). Answer them with "
            "POST to count the topic as studied."
        ),
        operation_id="topics_check_get",
        responses={200: s.CheckSerializer, 404: OpenApiResponse(description="No topic with this slug.")},
    )
    def get(self, request, slug):
        check = checks.check_for(learner=request.user, topic=self._topic(slug), now=timezone.now())
        return Response(s.CheckSerializer(check).data)

    @extend_schema(
        summary="Answer the check quiz of a topic you skipped",
        description=(
            f"Answer every question of the check. With at least {checks.PASS_SHARE:.0%} right the "
            "topic counts as studied: its cards join your deck with your answers as their first "
            "reviews (multiple choice right Good, wrong Again; free recall as you rated it), so "
            "its coverage and retention are measured from now on. A failed check changes nothing."
        ),
        operation_id="topics_check_submit",
        request=s.CheckSubmitSerializer,
        responses={
            200: s.CheckResultSerializer,
            400: OpenApiResponse(
                description=(
                    "The topic is not one you skipped, has no questions, or an answer is "
                    "missing or not of the form its question needs; the message says which."
                )
            ),
            404: OpenApiResponse(description="No topic with this slug."),
        },
    )
    def post(self, request, slug):
        topic = self._topic(slug)
        body = s.CheckSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = checks.check_submit(
            learner=request.user, topic=topic, answers=body.to_answers(), now=timezone.now()
        )
        return Response(s.CheckResultSerializer(result).data)


class QuestionFilter(filters.FilterSet):
    topic = filters.CharFilter(field_name="topic__slug", help_text="Topic slug.")
    kind = filters.ChoiceFilter(choices=QuestionKind.choices)

    class Meta:
        model = Question
        fields = ["topic", "kind", "is_active"]


@extend_schema_view(
    list=extend_schema(
        tags=["questions"],
        summary="Quiz questions with their answers (curators)",
        description="Every question, retired ones included, filtered by topic, kind or `is_active`.",
    ),
    retrieve=extend_schema(
        tags=["questions"],
        summary="A quiz question with its answer (curators)",
        description="The question with its answer, choices, correct choices and source.",
    ),
    create=extend_schema(
        tags=["questions"],
        summary="Add a quiz question (curators)",
        description=(
            "Multiple choice needs 2+ choices and the indexes of the right ones; free recall "
            "needs neither. Learners who started the topic get a card for it."
        ),
    ),
    partial_update=extend_schema(
        tags=["questions"],
        summary="Change a quiz question (curators)",
        description="Send only the fields that change; `is_active: false` retires it from every queue.",
    ),
    destroy=extend_schema(
        tags=["questions"],
        summary="Delete a quiz question with its cards and their history (curators)",
        description="Set is_active to false instead to retire it and keep learners' history.",
    ),
)
class QuestionViewSet(mixins.ListModelMixin, EditableViewSet):
    queryset = Question.objects.select_related("topic", "source").order_by("topic__slug", "key")
    serializer_class = s.QuestionSerializer
    write_serializer_class = s.QuestionWriteSerializer
    permission_classes = [IsAuthenticated, IsCurator]
    filterset_class = QuestionFilter
    object_name = "question"
    location_route = "question-detail"

    def create_object(self, data):
        return questions.question_create(**data)

    def update_object(self, question, data):
        return questions.question_update(question=question, **data)

    def delete_object(self, question):
        questions.question_delete(question=question)
